"""Each member chooses their own reminders when they answer Going or Maybe, and can turn them off."""

from __future__ import annotations

from datetime import UTC, datetime

import simcord
from sqlalchemy import select

from cogs.meetings.models import Rsvp
from cogs.meetings.phrases import friendly_offset
from tests.conftest import Harness
from tests.meetings.test_behaviour import World, advance_to, dms

START = datetime(2026, 1, 8, 18, 0, tzinfo=UTC)  # 19:00 in Berlin


def text_of(result: simcord.InteractionResult) -> str:
    return "\n".join(m.content for m in (result.response, *result.followups) if m is not None)


def last(result: simcord.InteractionResult) -> object:
    return [m for m in (result.response, *result.followups) if m is not None][-1]


def option_labels(message: object) -> list[str]:
    out = []
    for row in message.components:  # type: ignore[attr-defined]
        for item in row["components"] if isinstance(row, dict) else row.children:
            options = item.get("options") if isinstance(item, dict) else getattr(item, "options", None)
            for option in options or []:
                out.append(option["label"] if isinstance(option, dict) else option.label)
    return out


async def test_members_choose_their_own_reminders_at_rsvp_and_can_turn_them_off(db_harness: Harness) -> None:
    world = await World(db_harness).setup()
    env = world.env
    await world.schedule()  # reminders 1 day and 15 minutes before, by default
    card = world.group.channel.last_message
    assert card is not None

    alice = await world.alice.click(card, label="Going")
    assert alice.ephemeral
    assert "I'll remind you 1 day before, 15 minutes before" in text_of(alice)
    assert option_labels(last(alice)) == ["1 day before", "15 minutes before", "No reminders"]
    only_soon = await world.alice.select(last(alice), ["15"], custom_id=f"meeting:remind:{(await world.meeting()).id}")
    assert only_soon.ephemeral and "I'll remind you 15 minutes before" in text_of(only_soon)

    bob = await world.bob.click(world.group.channel.last_message, label="Maybe")
    off = await world.bob.select(last(bob), ["off"], custom_id=f"meeting:remind:{(await world.meeting()).id}")
    assert "no reminders" in text_of(off)

    await advance_to(env, datetime(2026, 1, 7, 18, 0, 30, tzinfo=UTC))  # a day before: neither chose it
    assert dms(world.alice) == [] and dms(world.bob) == []
    await advance_to(env, datetime(2026, 1, 8, 17, 45, 30, tzinfo=UTC))  # 15 minutes before
    (reminder,) = dms(world.alice)
    assert "Weekly circle" in reminder and "today at 19:00 (Europe/Berlin)" in reminder
    assert reminder.endswith(f"<t:{int(START.timestamp())}:R>.")  # Discord shows "in 15 minutes", live
    assert dms(world.bob) == []


async def test_keeping_the_meetings_times_says_tomorrow_at_19_00_not_1_d(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    await world.schedule()
    await world.alice.click(world.group.channel.last_message, label="Going")

    await advance_to(env, datetime(2026, 1, 7, 18, 0, 30, tzinfo=UTC))

    (reminder,) = dms(world.alice)
    assert "starts tomorrow at 19:00 (Europe/Berlin)" in reminder
    assert " 1 d" not in reminder


async def test_choosing_reminders_after_cant_is_refused_and_changes_nothing(harness: Harness) -> None:
    world = await World(harness).setup()
    await world.schedule()
    meeting = await world.meeting()
    answer = await world.alice.click(world.group.channel.last_message, label="Going")
    await world.alice.click(world.group.channel.last_message, label="Can't")

    late = await world.alice.select(last(answer), ["15"], custom_id=f"meeting:remind:{meeting.id}")

    assert "Answer **Going** or **Maybe**" in text_of(late)
    async with harness.bot.db.read() as session:
        (row,) = await session.scalars(select(Rsvp).where(Rsvp.user_id == world.alice.id))
    assert row.status == "no" and row.reminders is None


def test_offsets_read_as_people_say_them() -> None:
    assert [friendly_offset(m) for m in (1440, 2880, 60, 120, 15, 1, 90)] == [
        "1 day",
        "2 days",
        "1 hour",
        "2 hours",
        "15 minutes",
        "1 minute",
        "90 minutes",
    ]
