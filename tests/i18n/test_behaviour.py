"""Hearth in the member's language, through SimCord: replies follow the member's Discord locale, then the
server's, then English; what the bot posts in a channel speaks the server's; the command tree carries
every shipped language's names and descriptions within Discord's rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest
import simcord
from simcord import interactions as simcord_interactions

from bot import i18n
from cogs.checkins import texts as checkins_texts
from cogs.rounds import texts as rounds_texts
from tests.conftest import Harness
from tests.rounds.helpers import live_message, refused
from tests.support.groups import make_group

SimcordLocale = dict[int, str]


@pytest.fixture
def locales(monkeypatch: pytest.MonkeyPatch) -> SimcordLocale:
    """SimCord sends every interaction as ``en-US``; this gives chosen members their own Discord locale."""
    chosen: SimcordLocale = {}
    original = simcord_interactions.base_payload

    def with_locale(backend: Any, **kwargs: Any) -> Any:
        record, payload = original(backend, **kwargs)
        payload["locale"] = chosen.get(kwargs["user_id"], "en-US")
        return record, payload

    monkeypatch.setattr(simcord_interactions, "base_payload", with_locale)
    return chosen


def in_language(language: str, text: Any, *args: Any) -> str:
    """What the catalog says in ``language``: the reply must be exactly this."""
    with i18n.using(language):
        return str(text(*args))


async def test_each_member_reads_rounds_in_their_own_language(
    harness: Harness, env: simcord.Env, locales: SimcordLocale
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    fay = guild.add_member(env.create_user("fay"))
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[ann.id] = "de"
    locales[bob.id] = "en-US"
    group = await make_group(harness, guild, "Circle", members=[ann, bob], facilitators=[fay])

    started = await fay.slash(
        group.channel, "facilitate round start", topic="How was your week?", present=f"<@{ann.id}>"
    )
    assert started.response.content.startswith("Round started")
    message = await live_message(harness, group.channel)
    assert message.content.startswith("**Sharing round: How was your week?**")  # the server's language

    joined = await bob.click(message, label="Join queue")
    assert joined.response.content == in_language("en", rounds_texts.position, False, 1)
    assert joined.response.content == "You're in the queue, number 1."

    mine = await ann.slash(group.channel, "round status")
    lines = mine.response.content.splitlines()
    assert in_language("de", rounds_texts.you_hold) in lines
    assert "Du hast den Redestab." in lines

    again = await ann.click(await live_message(harness, group.channel), label="Join queue")
    refused(env, again, in_language("de", rounds_texts.holding_already))
    controls = await ann.click(await live_message(harness, group.channel), label="Facilitator controls")
    refused(env, controls, "Diese Knöpfe sind für die Gruppenbegleitung.")

    passed = await bob.click(await live_message(harness, group.channel), label="Pass")
    assert passed.response.content == "Passed: no turn for you this round."
    done = await ann.click(await live_message(harness, group.channel), label="Done")
    assert done.response.content == "Danke, dass du das geteilt hast."

    ended = await fay.slash(group.channel, "facilitate round end")
    assert ended.response.content.startswith("Round ended.")
    ended_text = await ended_round_message(group)
    assert ended_text.startswith("**Sharing round ended: How was your week?**\nCircle · thank you, everyone.\n")
    assert "\n2 turns, 1 person shared\n" in ended_text  # the summary too, in the server's language


async def test_channel_posts_speak_the_servers_language_and_unknown_locales_fall_back_to_it(
    harness: Harness, env: simcord.Env, locales: SimcordLocale
) -> None:
    guild = env.create_guild(preferred_locale="de")
    fay = guild.add_member(env.create_user("fay"))
    ann = guild.add_member(env.create_user("ann"))
    eve = guild.add_member(env.create_user("eve"))
    locales[fay.id] = "en-US"
    locales[eve.id] = "fr"  # no French catalog: the server's German, not an error
    group = await make_group(harness, guild, "Kreis", members=[ann, eve], facilitators=[fay])

    started = await fay.slash(
        group.channel, "facilitate round start", topic="Wie geht's?", minutes=1, present=f"<@{ann.id}>"
    )
    assert started.response.content.startswith("Round started")  # fay reads English
    message = await live_message(harness, group.channel)
    assert message.content.startswith("**Gesprächsrunde: Wie geht's?**")
    assert "Kreis · 1 Min. pro Beitrag · Reihenfolge: Anmeldung" in message.content
    labels = [c.label for row in message.components if isinstance(row, discord.ActionRow) for c in row.children]
    assert labels[:2] == ["Anstellen", "Nicht mehr anstellen"]

    joined = await eve.click(message, label="Anstellen")
    assert joined.response.content == "Du stehst in der Warteschlange, auf Platz 1."
    message = await live_message(harness, group.channel)
    assert "**Als Nächstes:** 1. <@" in message.content  # edited after eve's click: still the server's

    await env.advance_time(31)  # a timer's post: the warning, in the server's language
    warning = group.channel.last_message
    assert warning is not None
    assert warning.content.startswith(f"<@{ann.id}>, du hast noch etwa 30 Sek.")

    ended = await fay.slash(group.channel, "facilitate round end")
    assert "Speaking-time balance" in ended.response.content
    assert (await ended_round_message(group)).startswith("**Gesprächsrunde beendet: Wie geht's?**")


async def ended_round_message(group: Any) -> str:
    for message in group.channel.history():
        if "beendet:" in message.content or "round ended:" in message.content:
            return str(message.content)
    raise AssertionError("no ended round message")


async def test_the_command_tree_is_localised_within_discords_rules(harness: Harness, env: simcord.Env) -> None:
    tree = harness.bot.tree
    translator = tree.translator
    assert translator is not None
    payloads = [await c.get_translated_payload(tree, translator) for c in tree.get_commands(type=None)]
    by_name = {p["name"]: p for p in payloads}
    assert by_name["round"]["name_localizations"]["de"] == "runde"
    assert by_name["facilitate"]["name_localizations"]["de"] == "begleiten"
    rounds = next(o for o in by_name["facilitate"]["options"] if o["name"] == "round")
    start = next(o for o in rounds["options"] if o["name"] == "start")
    assert start["name_localizations"]["de"] == "starten"
    assert start["description_localizations"]["de"].startswith("Eine Redestab-Runde")

    problems: list[str] = []

    def check(node: dict[str, Any], where: str) -> None:
        siblings: dict[str, set[str]] = {}
        for option in node.get("options", []):
            for locale, name in {"": option["name"], **(option.get("name_localizations") or {})}.items():
                if not i18n.NAME_RULE.match(name) or name != name.lower():
                    problems.append(f"{where} {option['name']} [{locale}]: {name!r}")
                if name in siblings.setdefault(locale, set()):
                    problems.append(f"{where}: two options named {name!r} in {locale}")
                siblings[locale].add(name)
            for locale, text in (option.get("description_localizations") or {}).items():
                if not 1 <= len(text) <= 100:
                    problems.append(f"{where} {option['name']} [{locale}]: description of {len(text)} chars")
            for choice in option.get("choices", []):
                for locale, text in (choice.get("name_localizations") or {}).items():
                    if not 1 <= len(text) <= 100:
                        problems.append(f"{where} choice [{locale}]: {text!r}")
            check(option, f"{where} {option['name']}")

    for payload in payloads:
        if payload.get("type", 1) != 1:
            continue  # context menus may have spaces and capitals
        names = {"": payload["name"], **(payload.get("name_localizations") or {})}
        for locale, name in names.items():
            if not i18n.NAME_RULE.match(name) or name != name.lower():
                problems.append(f"/{payload['name']} [{locale}]: {name!r}")
        for locale, text in (payload.get("description_localizations") or {}).items():
            if not 1 <= len(text) <= 100:
                problems.append(f"/{payload['name']} [{locale}]: description of {len(text)} chars")
        check(payload, f"/{payload['name']}")
    top = [n for p in payloads if p.get("type", 1) == 1 for n in (p.get("name_localizations") or {}).items()]
    assert len(top) == len(set(top)), "two commands share a localised name"
    assert problems == []
    # Every shipped language reaches Discord: a Discord locale exists for it.
    known = {locale.value.split("-")[0] for locale in discord.Locale}
    assert all(language.split("_")[0] in known for language in i18n.shipped())

    synced = [r for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert synced, "the tree was synced"
    sent = {c["name"]: c for c in synced[-1].json}
    assert sent["round"]["name_localizations"]["de"] == "runde"


async def test_each_member_reads_check_ins_in_their_own_language_and_the_card_speaks_the_servers(
    harness: Harness, env: simcord.Env, locales: SimcordLocale
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[ann.id] = "de"
    group = await make_group(harness, guild, "Circle", members=[ann, bob])

    shown = await ann.slash(group.channel, "checkin now")
    assert shown.modal is not None
    assert shown.modal["title"] == "Einchecken · Circle"
    done = await ann.submit_modal(shown, form(4, "", "group"))
    lines = last(done).content.splitlines()
    assert lines[0] == in_language("de", checkins_texts.checked_in, "Circle", 4, "group")
    assert lines[0] == "Eingecheckt in **Circle**: 🙂 4/5 · Gut · er steht im Kanal deiner Gruppe."
    minutes = harness.settings.checkins.edit_window_minutes
    assert lines[1].startswith(f"Du kannst ihn noch {minutes} Minuten lang mit </checkin edit:")  # clickable

    card = group.channel.last_message
    assert card is not None
    assert card.content == f"**Check-in** · <@{ann.id}> · 🙂 4/5 · Good"  # the server's language
    supported = await bob.click(card, label="Send support")
    assert last(supported).content == "Support sent. 💛 They'll see someone is with them."
    assert (group.channel.last_message.content or "").endswith("💛 1 person sent support")  # type: ignore[union-attr]

    again = await ann.click(group.channel.last_message, label="Send support")  # type: ignore[arg-type]
    refused(env, again, in_language("de", checkins_texts.own_checkin_support))

    history = await ann.slash(group.channel, "checkin history")
    assert "**Deine letzten 30 Tage**" in last(history).content
    assert "• 1 Check-in, Stimmung im Schnitt 4,0 von 5 (Gut)" in last(history).content
    assert "Aktuelle Serie: 1 Tag am Stück; längste: 1 Tag" in last(history).content

    bad = await bob.slash(group.channel, "checkin remind set", time="25:99")
    refused(env, bad, "'25:99' is not a time of day")
    bad_de = await ann.slash(group.channel, "checkin remind set", time="25:99")
    refused(env, bad_de, "'25:99' ist keine Uhrzeit")


def form(mood: int, note: str, visibility: str) -> dict[str, Any]:
    from cogs.checkins.views import MOOD_ID, NOTE_ID, VISIBILITY_ID

    return {MOOD_ID: [str(mood)], NOTE_ID: note, VISIBILITY_ID: [visibility]}


def last(result: simcord.InteractionResult) -> Any:
    return result.followups[-1] if result.followups else result.response


async def test_a_scheduled_prompt_speaks_the_servers_language_with_its_button(
    harness: Harness, env: simcord.Env, locales: SimcordLocale
) -> None:
    guild = env.create_guild(preferred_locale="de")
    lead = guild.add_member(env.create_user("lead"))
    alice = guild.add_member(env.create_user("alice"))
    locales[lead.id] = "en-US"
    locales[alice.id] = "fr"  # no French catalog: the server's German
    group = await make_group(harness, guild, "Kreis", members=[alice], facilitators=[lead])

    result = await lead.slash(group.channel, "facilitate checkin prompt", time="9:00", day="Saturday")
    assert "every Saturday at 09:00 (UTC)" in result.response.content  # lead reads English
    # 1 January 2026 is a Thursday; the prompt comes on Saturday, from a timer, through the delivery record.
    await env.advance_time((datetime(2026, 1, 3, 9, 1, tzinfo=UTC) - env.now()).total_seconds())
    prompt = group.channel.last_message
    assert prompt is not None
    assert prompt.content == in_language("de", checkins_texts.prompt, "Kreis")
    assert prompt.content.startswith("**Wie geht es dir wirklich?** Zeit für den Check-in von **Kreis**.")
    shown = await alice.click(prompt, label="Einchecken")
    assert shown.modal is not None and shown.modal["title"] == "Einchecken · Kreis"


def test_message_menus_are_named_in_each_language() -> None:
    """Discord shows a message menu's name in the reader's language too (spaces and capitals allowed)."""
    from discord import app_commands

    from bot.translator import translate

    where = app_commands.TranslationContextLocation.command_name
    assert translate("Report message", "de", where, menu=True) == "Nachricht melden"
    assert translate("Save as resource", "de", where, menu=True) == "Als Ressource speichern"
    assert translate("Report message", "fr", where, menu=True) is None  # no catalog: Discord's default
