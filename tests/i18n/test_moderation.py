"""Moderation in the member's language, through SimCord: a German member reports in German and receives a
moderator's warning in German; queue cards speak the server's language, each moderator's replies their
own; care wording stays English on purpose and never reaches the catalog."""

from __future__ import annotations

from typing import Any

import pytest
import simcord
from babel.messages.pofile import read_po
from simcord import interactions as simcord_interactions

from bot import i18n
from cogs.moderation import texts
from cogs.moderation.models import ModerationConfig
from cogs.sharing.models import SharingConfig
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.i18n.test_converted import converted_modules
from tests.moderation.support import REASON, Server, labels, private_queue, text_of
from tests.support.commands import allow
from tests.support.groups import make_group

Locales = dict[int, str]


@pytest.fixture
def locales(monkeypatch: pytest.MonkeyPatch) -> Locales:
    """SimCord sends every interaction as ``en-US``; this gives chosen members their own Discord locale."""
    chosen: Locales = {}
    original = simcord_interactions.base_payload

    def with_locale(backend: Any, **kwargs: Any) -> Any:
        record, payload = original(backend, **kwargs)
        payload["locale"] = chosen.get(kwargs["user_id"], "en-US")
        return record, payload

    monkeypatch.setattr(simcord_interactions, "base_payload", with_locale)
    return chosen


def de(text: Any, *args: Any) -> str:
    with i18n.using("de"):
        return str(text(*args))


async def server(harness: Harness, language: str) -> Server:
    """make_server's arrangement, in a server whose language is ``language``."""
    env = harness.env
    owner_user = env.create_user("olivia")
    guild = env.create_guild(owner=owner_user, preferred_locale=language)
    mods = guild.create_role("Moderators")
    alice, bob, carol = (guild.add_member(env.create_user(name)) for name in ("alice", "bob", "carol"))
    maya = guild.add_member(env.create_user("maya"), roles=[mods])
    group = await make_group(harness, guild, "Kreis", members=[alice, bob, carol])
    queue = private_queue(env, guild, mods)
    async with harness.bot.db.write() as session:
        session.add(ModerationConfig(guild_id=guild.id, moderator_role_id=mods.id, mod_queue_channel_id=queue.id))
        session.add(SharingConfig(guild_id=guild.id, anonymous_sharing=True, approval_required=False))
    owner = simcord.MemberActor(env, guild, owner_user)
    allow(env, guild, "mod", mods)  # what the setup checklist asks an admin to do (Integrations)
    return Server(guild, group, queue, guild.create_text_channel("general"), alice, bob, carol, maya, owner)


async def test_a_german_member_reports_in_german_and_is_warned_in_german(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    s = await server(harness, "de")
    locales[s.bob.id] = "de"
    locales[s.maya.id] = "en-US"  # the moderator reads English; the server and its members German
    message = await s.alice.send(s.channel, "ihr seid alle nutzlos")

    shown = await s.bob.context_menu(s.channel, "Report message", message)
    assert shown.modal is not None
    assert shown.modal["title"] == "Nachricht melden"
    thanks = await s.bob.submit_modal(shown, {REASON: "Beleidigend"})
    assert text_of(thanks) == de(texts.report_thanks, True)
    assert text_of(thanks).startswith("Danke. Deine Meldung ist beim Moderationsteam angekommen")

    card = s.card()  # the queue channel speaks the server's German, whoever reported
    assert card.content.startswith("**Gemeldete Nachricht · Fall #1** · offen")
    assert "Gemeldet von 1 Person" in card.content
    assert "ihr seid alle nutzlos" in card.content and "Beleidigend" in card.content  # their words, as written
    assert labels(card) == ["Verwerfen", "Nachricht löschen", "Person verwarnen", "Person in Timeout"]

    form = await s.maya.click(card, label="Person verwarnen")
    assert form.modal is not None and form.modal["title"] == "Warn the author"  # maya's own English
    sent = await s.maya.submit_modal(form, {"mod:warn:text": "Bitte halte dich an Richtlinie 2."})
    assert text_of(sent) == "Warning delivered by direct message. It's recorded in the audit log."

    dm = s.alice.user.dm_channel.last_message
    assert dm is not None
    with i18n.using("de"):
        link = f"https://discord.com/channels/{s.guild.id}/{s.channel.id}/{message.id}"
        assert dm.content == texts.warning_message("Test Guild", link, "Bitte halte dich an Richtlinie 2.")
    assert dm.content.startswith("Das Moderationsteam von **Test Guild** hat dich wegen deiner Nachricht")
    assert "Person verwarnt von <@" in s.card().content  # the stored English note, shown in German


async def test_an_anonymous_authors_warning_and_the_audit_log_read_in_each_readers_language(
    harness: Harness, env: simcord.Env, locales: Locales
) -> None:
    s = await server(harness, "de")
    locales[s.alice.id] = locales[s.bob.id] = locales[s.maya.id] = "de"
    shown = await s.alice.slash(s.channel, "share")
    await s.alice.submit_modal(shown, {TEXT_ID: "Niemand versteht mich.", WARNING_ID: ""})
    post = s.channel.last_message
    assert post is not None

    form = await s.bob.click(post, label="Melden")  # sharing's button opens moderation's form
    assert form.modal is not None and form.modal["title"] == "Nachricht melden"
    await s.bob.submit_modal(form, {REASON: "Regelverstoß"})
    card = s.card()
    assert "Verfasst: anonymer Beitrag `" in card.content
    assert labels(card) == ["Verwerfen", "Nachricht löschen", "Person verwarnen", "Für anonymes Teilen sperren"]

    warn = await s.maya.click(card, label="Person verwarnen")
    sent = await s.maya.submit_modal(warn, {"mod:warn:text": "Bitte freundlich bleiben."})
    assert text_of(sent) == "Verwarnung per Direktnachricht zugestellt. Sie steht im Protokoll."
    dm = s.alice.user.dm_channel.last_message
    assert dm is not None
    assert dm.content.startswith("Das Moderationsteam von **Test Guild** hat dir eine Verwarnung")
    assert "Das Moderationsteam weiß nicht, dass du es warst" in dm.content

    log = await s.maya.slash(s.channel, "mod log")
    assert log.response is not None
    assert log.response.content.startswith("**Protokoll** · 1 Eintrag · Seite 1/1")
    assert "**Person verwarnt** · anonymer Beitrag " in log.response.content

    locales[s.maya.id] = "en-US"
    english = await s.maya.slash(s.channel, "mod log")
    assert english.response is not None
    assert english.response.content.startswith("**Audit log** · 1 entry · page 1/1")
    assert "**warned the author** · anonymous post " in english.response.content


def test_plurals_and_time_outs_in_both_languages() -> None:
    for language, expected in {
        "en": ["Reported by 0 people", "Reported by 1 person", "Reported by 2 people", "Reported by 5 people"],
        "de": [
            "Gemeldet von 0 Personen",
            "Gemeldet von 1 Person",
            "Gemeldet von 2 Personen",
            "Gemeldet von 5 Personen",
        ],
    }.items():
        with i18n.using(language):
            assert [texts.card_reported_by(n) for n in (0, 1, 2, 5)] == expected
    with i18n.using("de"):
        assert [texts.timeout_label(m) for m in (10, 60, 1440, 10080)] == ["10 Minuten", "1 Stunde", "1 Tag", "1 Woche"]
        assert texts.stored("timed out the author") == "Person in Timeout geschickt"
        assert texts.stored("a moderator's own words") == "a moderator's own words"


def test_care_wording_stays_english_and_out_of_the_catalog() -> None:
    with (i18n.LOCALES_DIR / "hearth.pot").open("rb") as template:
        catalog = read_po(template)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert not ids & set(texts.CARE_TEXTS)
    with i18n.using("de"):
        assert texts.reach_out_message("Server", "Wie geht es dir?").startswith("A moderator of **Server** wanted")


def test_moderation_is_guarded_against_literal_replies() -> None:
    assert {"sharing", "moderation"} <= {p.parent.name for p in converted_modules()}


def test_mod_log_choices_name_each_action_as_the_log_does() -> None:
    from cogs.moderation.cog import ACTION_CHOICES

    assert {choice.value: choice.name for choice in ACTION_CHOICES} == texts.ACTION_LABELS
