"""Check-in reminders and prompts through the delivery record (bot/delivery.py).

Service level (SQLite and PostgreSQL): a reminder job firing twice on one local day records one DM,
because ``last_sent_at`` is now read. SimCord: a failed send is retried and arrives once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import simcord
from sqlalchemy import select

from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.db.models import DeliveryRecord
from bot.delivery import Deliveries
from cogs.checkins.service import CheckinService
from tests.checkins.test_behaviour import advance_to, dms, setup_group
from tests.checkins.test_service import FakeTime, actor, arrange
from tests.conftest import Harness


async def test_a_reminder_job_firing_twice_a_day_records_one_dm(db: Database) -> None:
    clock = FakeTime(datetime(2026, 1, 10, 7, 30, tzinfo=UTC))
    deliveries = Deliveries(db, Clock(clock))
    checkins = CheckinService(
        db, CheckinSettings(), Clock(clock), retention_days=30, default_timezone="UTC", deliveries=deliveries
    )
    await arrange(db, members=1)
    info = await checkins.set_reminder(actor(1), time(7, 30), "UTC")

    first = await checkins.reminder_due(info.id, lambda _: "Peer Space")
    clock.now = datetime(2026, 1, 10, 7, 40, tzinfo=UTC)  # the same job again (a retry, a second process)
    again = await checkins.reminder_due(info.id)
    assert first is not None and first.send
    assert again is not None and not again.send
    async with db.read() as session:
        rows = list(await session.scalars(select(DeliveryRecord)))
    assert [(r.kind, r.user_id, r.purpose, r.ref) for r in rows] == [("dm", 1, "checkins.reminder", str(info.id))]
    assert "on **Peer Space**" in (rows[0].content or "")

    clock.now = datetime(2026, 1, 11, 7, 30, tzinfo=UTC)  # the next local day: a new reminder
    following = await checkins.reminder_due(info.id)
    assert following is not None and following.send


@pytest.mark.parametrize("status", [500, 429])
async def test_a_failed_reminder_dm_is_retried_and_arrives_once(
    harness: Harness, env: simcord.Env, status: int
) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await alice.slash(group.channel, "checkin remind set", time="07:30", timezone="UTC")
    assert len(dms(alice)) == 1  # the confirmation
    env.inject_error("POST", f"/channels/{alice.user.dm_channel.id}/messages", status=status, times=1)
    await advance_to(env, datetime(2026, 1, 1, 7, 30, 2, tzinfo=UTC))
    assert len(dms(alice)) == 1  # the first try failed
    await advance_to(env, datetime(2026, 1, 1, 8, 0, tzinfo=UTC))
    assert len(dms(alice)) == 2 and "How are you today?" in dms(alice)[-1]
    await harness.restart()
    await advance_to(env, datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert len(dms(alice)) == 2


async def test_a_failed_prompt_post_is_retried_and_posted_once(harness: Harness, env: simcord.Env) -> None:
    _guild, group, _, (lead,) = await setup_group(harness, env, facilitators=1, timezone="UTC")
    await lead.slash(group.channel, "facilitate checkin prompt", time="9:00")
    before = len(group.channel.history())
    env.inject_error("POST", f"/channels/{group.channel.id}/messages", status=503, times=1)
    await advance_to(env, datetime(2026, 1, 1, 9, 0, 2, tzinfo=UTC))
    assert len(group.channel.history()) == before
    await advance_to(env, datetime(2026, 1, 1, 10, 0, tzinfo=UTC))
    posts = [m for m in group.channel.history() if "How are you, really?" in m.content]
    assert len(posts) == 1 and posts[0].components  # with its Check in button
