"""Meetings in the member's language, through SimCord (issue 15): a German member and an English member
side by side. Replies follow each member's Discord locale; the card, the server's event and the
start-of-meeting post speak the server's; reminder DMs, sent later from a timer, speak the language Hearth
kept with the member's answer (refreshed whenever they use meetings), else the server's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import simcord
from sqlalchemy import select, update

from bot import i18n
from cogs.meetings import texts
from cogs.meetings.models import Rsvp
from tests.conftest import Harness
from tests.i18n.test_behaviour import SimcordLocale, locales  # noqa: F401 (the fixture)
from tests.meetings.test_behaviour import advance_to, dms, events, text_of
from tests.support.groups import make_group

START = datetime(2026, 1, 3, 18, 0, tzinfo=UTC)  # Saturday 3 January, 19:00 in Berlin


def labels(message: object) -> list[str]:
    """Button labels, a select's placeholder and its options' labels, as the reader sees them."""
    if isinstance(message, simcord.InteractionResult):
        message = [m for m in (message.response, *message.followups) if m is not None][-1]
    out: list[str] = []
    for row in message.components:  # type: ignore[attr-defined]
        for item in row["components"] if isinstance(row, dict) else row.children:
            get = item.get if isinstance(item, dict) else lambda key, item=item: getattr(item, key, None)
            out.extend(text for text in (get("label"), get("placeholder")) if text)
            for option in get("options") or []:
                out.append(option["label"] if isinstance(option, dict) else option.label)
    return out


async def test_a_german_and_an_english_member_each_read_meetings_in_their_language(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    guild = env.create_guild(preferred_locale="en-US")
    voice = guild.create_voice_channel("meeting-room")
    fay = guild.add_member(env.create_user("fay"))
    ann = guild.add_member(env.create_user("ann"))
    bob = guild.add_member(env.create_user("bob"))
    locales[fay.id] = "de"
    locales[ann.id] = "de"
    locales[bob.id] = "en-US"
    group = await make_group(harness, guild, "Kreis", members=[ann, bob], facilitators=[fay], timezone="Europe/Berlin")

    # A German facilitator schedules in German words, and is answered in German.
    scheduled = await fay.slash(
        group.channel,
        "facilitate meeting schedule",
        title="Samstagskreis",
        when="jeden Samstag 19 Uhr",
        voice_channel=voice,
    )
    reply = text_of(scheduled)
    assert reply.startswith("**Samstagskreis** für **Kreis** angesetzt: jeden Samstag um 19:00 (Europe/Berlin).")
    assert "Erinnerungen: 1 Tag, 15 Minuten vorher." in reply

    # The card and the server's event are for everyone: the server's language (English).
    card = group.channel.last_message
    assert card is not None
    assert card.embeds[0].description == "**Kreis** meets every Saturday at 19:00."
    assert [f.name for f in card.embeds[0].fields][:2] == ["Next", "Length"]
    assert labels(card) == ["Going", "Maybe", "Can't"]
    (event,) = events(env, guild)
    assert "meets every Saturday at 19:00" in event.description  # type: ignore[attr-defined]

    # Each answers on the same card, and each reads the answer in their own language.
    german = await ann.click(card, label="Going")
    assert german.ephemeral
    with i18n.using("de"):
        chosen = texts.reminders_chosen([texts.offset_before(1440), texts.offset_before(15)])
    assert text_of(german).startswith("**Dabei** für **Samstagskreis** am Sa. 03 Jan., 19:00 (Europe/Berlin).")
    assert text_of(german).endswith(chosen)
    assert chosen == "Ich erinnere dich 1 Tag vorher, 15 Minuten vorher, per DM. Ändere oder deaktiviere das unten."
    assert labels(german) == [
        "Dabei für alle künftigen Termine",
        "Deine Erinnerungen",
        "1 Tag vorher",
        "15 Minuten vorher",
        "Keine Erinnerungen",
    ]
    meeting_id = german.response.components[1]["components"][0]["custom_id"].rsplit(":", 1)[1]
    kept = await ann.select(german.response, ["1440", "15"], custom_id=f"meeting:remind:{meeting_id}")
    assert text_of(kept) == f"Für **Samstagskreis** gespeichert. {chosen}"
    english = await bob.click(card, label="Going")
    assert text_of(english).startswith("**Going** for **Samstagskreis** on Sat 03 Jan, 19:00 (Europe/Berlin).")
    assert "I'll remind you 1 day before, 15 minutes before, by DM." in text_of(english)
    assert labels(english)[:3] == ["Going for all future dates", "Your reminders", "1 day before"]
    assert "Going: 2" in group.channel.last_message.embeds[0].fields[3].value  # still English

    # A refusal, in each language.
    refused = await ann.slash(group.channel, "meeting list", attendance=True)
    assert text_of(refused) == "Nur die Gruppenbegleitung kann die Anwesenheit sehen."
    refused = await bob.slash(group.channel, "meeting list", attendance=True)
    assert text_of(refused) == "Only facilitators can see attendance."

    # The day before, from a timer: each member's reminder DM in the language kept with their answer.
    stamp = int(START.timestamp())
    await advance_to(env, datetime(2026, 1, 2, 18, 0, 30, tzinfo=UTC))
    assert dms(ann) == [f"Erinnerung: **Samstagskreis** beginnt morgen um 19:00 (Europe/Berlin), <t:{stamp}:R>."]
    assert dms(bob) == [f"Reminder: **Samstagskreis** starts tomorrow at 19:00 (Europe/Berlin), <t:{stamp}:R>."]

    # Ann switches Discord to English and looks at the meetings: her next reminder follows.
    locales[ann.id] = "en-GB"
    listed = await ann.slash(group.channel, "meeting list")
    assert text_of(listed).startswith("**Meetings of Kreis**")
    await advance_to(env, datetime(2026, 1, 3, 17, 45, 30, tzinfo=UTC))
    assert dms(ann)[-1] == f"Reminder: **Samstagskreis** starts today at 19:00 (Europe/Berlin), <t:{stamp}:R>."

    # The start-of-meeting post is in the group's channel: the server's language.
    await advance_to(env, datetime(2026, 1, 3, 18, 0, 30, tzinfo=UTC), step_hours=0.1)
    assert group.channel.last_message.content == f"**Samstagskreis** is starting now. Join us in <#{voice.id}>."


async def test_reminders_fall_back_to_the_servers_language(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    guild = env.create_guild(preferred_locale="de")
    fay = guild.add_member(env.create_user("fay"))
    eve = guild.add_member(env.create_user("eve"))
    old = guild.add_member(env.create_user("old"))
    locales[fay.id] = "en-US"
    locales[eve.id] = "fr"  # no French catalog: the server's German
    locales[old.id] = "en-US"
    group = await make_group(harness, guild, "Kreis", members=[eve, old], facilitators=[fay], timezone="Europe/Berlin")
    await fay.slash(group.channel, "facilitate meeting schedule", title="Kreis am Donnerstag", when="2026-01-08 19:00")
    card = group.channel.last_message
    assert card is not None
    assert labels(card) == ["Dabei", "Vielleicht", "Kann nicht"]  # a German server's card
    await eve.click(card, label="Dabei")
    await old.click(card, label="Dabei")
    # An answer given before Hearth kept languages (meetings_0004) has none: the server's language.
    async with harness.bot.db.write() as session:
        await session.execute(update(Rsvp).where(Rsvp.user_id == old.id).values(locale=None))
    async with harness.bot.db.read() as session:
        kept = {row.user_id: row.locale for row in await session.scalars(select(Rsvp))}
    assert kept == {eve.id: "fr", old.id: None}

    await advance_to(env, datetime(2026, 1, 7, 18, 0, 30, tzinfo=UTC))
    assert dms(eve)[0].startswith("Erinnerung: **Kreis am Donnerstag** beginnt morgen um 19:00")
    assert dms(old)[0].startswith("Erinnerung: **Kreis am Donnerstag** beginnt morgen um 19:00")


@pytest.mark.parametrize(
    ("language", "count", "agenda", "duration"),
    [
        ("en", 0, "The agenda has 0 items: give a number from 1 to 0", "0 minutes"),
        ("en", 1, "The agenda has 1 item: give the number 1", "1 minute"),
        ("en", 2, "The agenda has 2 items: give a number from 1 to 2", "2 minutes"),
        ("en", 5, "The agenda has 5 items: give a number from 1 to 5", "5 minutes"),
        ("de", 0, "Die Tagesordnung hat 0 Punkte: Gib eine Nummer von 1 bis 0 an", "0 Minuten"),
        ("de", 1, "Die Tagesordnung hat 1 Punkt: Gib die Nummer 1 an", "1 Minute"),
        ("de", 2, "Die Tagesordnung hat 2 Punkte: Gib eine Nummer von 1 bis 2 an", "2 Minuten"),
        ("de", 5, "Die Tagesordnung hat 5 Punkte: Gib eine Nummer von 1 bis 5 an", "5 Minuten"),
    ],
)
def test_meeting_counts_follow_each_languages_plural_rule(
    language: str, count: int, agenda: str, duration: str
) -> None:
    with i18n.using(language):
        assert texts.agenda_number(count).startswith(agenda)
        assert texts.duration(count) == duration
