"""The resource library in the member's language: replies, buttons, refusals and the "Save as resource" form
from the catalog; a member with an English client in the same group still reads English."""

from __future__ import annotations

import simcord

from bot import i18n
from cogs.resources import texts
from tests.conftest import Harness
from tests.i18n.test_behaviour import SimcordLocale, in_language, locales  # noqa: F401 (fixture)
from tests.resources.test_behaviour import arrange, said


async def test_a_member_uses_the_library_in_their_language(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    s = await arrange(harness, env)
    locales[s.ana.id] = "de"

    added = said(await s.ana.slash(s.channel, "resource add", title="Box breathing", tags="breathing"))
    assert added.startswith("**Box breathing** ist jetzt in der Bibliothek von **Sleep**. Mitglieder finden es mit ")
    english = said(await s.ben.slash(s.channel, "resource add", title="Sleep diary", tags="sleep"))
    assert english.startswith("Added **Sleep diary** to the library of **Sleep**.")

    found = await s.ana.slash(s.channel, "resource search", query="sleep")
    text = said(found)
    assert text.startswith("**Gefundene Ressourcen**, die besten zuerst:")
    assert text.endswith("Hat eine geholfen? Drück unten ihre Nummer.")
    voted = await s.ana.click(found.response, label="1 hat mir geholfen")  # type: ignore[arg-type]
    assert said(voted) == in_language("de", texts.vote_counted, 1)
    listed = said(await s.ben.slash(s.channel, "resource list"))
    assert "1 found it helpful" in listed

    again = said(await s.ana.slash(s.channel, "resource add", title="box  BREATHING"))
    assert again.startswith("**Sleep** hat schon eine Ressource namens **Box breathing**. Wähle einen anderen Titel")
    assert env.errors  # a refusal, and nothing stored (the library's own tests cover that)

    message = await s.ben.send(s.channel, "This helped me a lot: https://example.org/breathe")
    shown = await s.ana.context_menu(s.channel, "Save as resource", message)
    assert shown.modal is not None
    assert shown.modal["title"] == "Als Ressource speichern"


def test_library_plurals_in_both_languages() -> None:
    with i18n.using("en"):
        assert [texts.found_helpful(n) for n in (1, 2)] == ["1 found it helpful", "2 found it helpful"]
        assert texts.too_many_tags(1) == "Use at most 1 tag." and texts.too_many_tags(5) == "Use at most 5 tags."
    with i18n.using("de"):
        assert [texts.found_helpful(n) for n in (0, 1, 2, 5)] == [
            "0 fanden es hilfreich",
            "1 fand es hilfreich",
            "2 fanden es hilfreich",
            "5 fanden es hilfreich",
        ]
