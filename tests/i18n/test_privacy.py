"""/privacy in the member's language: every line from the catalog, counts with real plurals (never "(s)")."""

from __future__ import annotations

import simcord

from bot import i18n
from bot.i18n import plural
from bot.privacy import Tally
from cogs.privacy import texts
from tests.conftest import Harness
from tests.i18n.test_behaviour import SimcordLocale, in_language, last, locales  # noqa: F401 (fixture)
from tests.support.groups import make_group


def said(result: simcord.InteractionResult) -> str:
    """Every private message of one answer."""
    return "\n".join(m.content for m in [result.response, *result.followups] if m is not None)


def test_a_tally_reads_with_the_languages_plural_for_0_1_2_and_5() -> None:
    label = plural("%(count)s group membership", "%(count)s group memberships")
    expected = {
        "en": {0: "0 group memberships", 1: "1 group membership", 2: "2 group memberships", 5: "5 group memberships"},
        "de": {
            0: "0 Gruppenmitgliedschaften",
            1: "1 Gruppenmitgliedschaft",
            2: "2 Gruppenmitgliedschaften",
            5: "5 Gruppenmitgliedschaften",
        },
    }
    for language, cases in expected.items():
        with i18n.using(language):
            assert {n: Tally("memberships", label, n).line() for n in cases} == cases
    with i18n.using("de"):
        assert Tally("checkins", plural("%(count)s check-in", "%(count)s check-ins"), 1200).line() == "1.200 Check-ins"
        assert texts.cleaned(1) == "Von Discord entfernt oder umgeschrieben: 1 Nachricht."
        assert texts.cleaned(2) == "Von Discord entfernt oder umgeschrieben: 2 Nachrichten."


async def test_privacy_info_and_delete_speak_the_members_language(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[ann.id] = "de"
    group = await make_group(harness, guild, "Circle", members=[ann, bob])

    asked_info = await ann.slash(group.channel, "privacy info")
    info = said(asked_info)
    lines = info.splitlines()
    assert lines[0] == "**Was Hearth über dich speichert**"
    assert any(line.startswith("• **Gruppenmitgliedschaften**: 1 Gruppenmitgliedschaft") for line in lines)
    assert "• **Treffen**: nichts über dich" in lines
    assert in_language("de", texts.info_footer) in lines
    assert "(s)" not in info and "group membership" not in info
    assert asked_info.response is not None
    why = said(await ann.select(asked_info.response, ["group memberships"], custom_id="privacy:info"))
    assert why.startswith("**Gruppenmitgliedschaften**: Zu welchen Gruppen du gehörst")
    assert "• 1 Gruppenmitgliedschaft" in why.splitlines()

    english = said(await bob.slash(group.channel, "privacy info"))
    assert "• **Group memberships**: 1 group membership" in english

    asked = await ann.slash(group.channel, "privacy delete")
    assert asked.ephemeral
    content = asked.response.content  # type: ignore[union-attr]
    assert content.startswith(in_language("de", texts.erase_heading))
    assert "• Gruppenmitgliedschaften: 1 Gruppenmitgliedschaft" in content
    assert content.endswith("Das lässt sich nicht rückgängig machen. Weiter?")
    done = await ann.click(asked.response, label="Ja, meine Daten löschen")  # type: ignore[arg-type]
    erased = last(done).content
    assert erased.startswith("Fertig. Überall gelöscht:")
    assert erased.endswith("Das lässt sich nicht rückgängig machen.")

    again = last(await ann.slash(group.channel, "privacy delete")).content
    assert again == in_language("de", texts.nothing_to_erase)
