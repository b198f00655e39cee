"""Meeting reminders through the delivery record (bot/delivery.py), against SimCord's Discord.

Each reminder reaches the member exactly once when Discord fails the first try (500, 429) and when
the process stops between recording a reminder and sending it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.db.models import DeliveryRecord
from bot.delivery import SENT
from tests.conftest import Harness
from tests.meetings.test_behaviour import World, advance_to, dms

REMINDER_AT = datetime(2026, 1, 2, 17, 45, tzinfo=UTC)  # 15 min before 2026-01-02 19:00 Berlin


async def scheduled(harness: Harness) -> World:
    world = await World(harness).setup()
    await world.schedule(when="2026-01-02 19:00", repeat="once", reminders="15m")
    await world.alice.click(world.group.channel.last_message, label="Going")
    return world


async def records(harness: Harness) -> list[DeliveryRecord]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(DeliveryRecord).where(DeliveryRecord.purpose == "meetings.reminder")))


@pytest.mark.parametrize("status", [500, 429])
async def test_a_failed_reminder_send_is_retried_and_arrives_once(harness: Harness, status: int) -> None:
    world = await scheduled(harness)
    env = world.env
    env.inject_error("POST", f"/channels/{world.alice.user.dm_channel.id}/messages", status=status, times=1)
    await advance_to(env, REMINDER_AT, step_hours=6)
    await env.advance_time(2)
    assert dms(world.alice) == []  # the first try failed; the record waits for its retry (5 s later)
    [record] = await records(harness)
    assert (record.state, record.attempts, record.last_status) == ("pending", 1, status)
    await env.advance_time(10 * 60)
    assert len(dms(world.alice)) == 1
    assert "Weekly circle" in dms(world.alice)[0]
    [record] = await records(harness)
    assert (record.state, record.content) == (SENT, None)  # its words are not kept once sent
    await env.advance_time(3600)
    assert len(dms(world.alice)) == 1


async def test_a_restart_between_recording_and_sending_a_reminder_sends_it_once(harness: Harness) -> None:
    world = await scheduled(harness)
    env = world.env

    async def crashed() -> int:  # the process dies before its delivery loop runs
        return 0

    harness.bot.deliveries.run = crashed  # type: ignore[method-assign]
    await advance_to(env, REMINDER_AT, step_hours=6)
    await env.advance_time(30)
    assert dms(world.alice) == []
    assert [r.state for r in await records(harness)] == ["pending"]  # recorded, with the meeting's state

    await harness.restart()
    await env.advance_time(5)
    assert len(dms(world.alice)) == 1
    await harness.restart()
    await env.advance_time(3600)
    assert len(dms(world.alice)) == 1
    assert [r.state for r in await records(harness)] == [SENT]


START_AT = datetime(2026, 1, 2, 18, 0, tzinfo=UTC)  # 19:00 Berlin


def starting_posts(world: World) -> list[str]:
    return [m.content for m in world.group.channel.history() if "is starting now" in m.content]


async def test_the_start_of_a_meeting_is_posted_once_with_the_voice_channel_link(harness: Harness) -> None:
    world = await scheduled(harness)
    env = world.env
    await advance_to(env, START_AT, step_hours=6)
    await env.advance_time(5)
    assert starting_posts(world) == [f"**Weekly circle** is starting now. Join us in <#{world.voice.id}>."]
    post = next(m for m in world.group.channel.history() if "is starting now" in m.content)
    assert post.mentions == [] and not post.mention_everyone
    await harness.restart()
    await env.advance_time(3600)
    assert len(starting_posts(world)) == 1


async def test_no_stale_start_post_after_the_bot_was_down_through_the_start(harness: Harness) -> None:
    world = await scheduled(harness)
    env = world.env
    await advance_to(env, datetime(2026, 1, 2, 17, 50, tzinfo=UTC), step_hours=6)
    harness.bot.scheduler.shutdown()  # down from 17:50 to 18:20
    await env.advance_time(30 * 60)
    await harness.restart()
    await env.advance_time(5)
    assert starting_posts(world) == []
