"""Two processes on one PostgreSQL, each on one of two shards: check-in reminders, group prompts and care
escalations are armed and fired only by the process serving the guild's shard, so each is written once
(issue 20).

Process A is the bot inside SimCord; process B is a second Hearth on the same database that never connects
(its jobs write delivery records, which A, serving the other shard, must not send)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import Hearth, create_bot
from bot.db.models import DeliveryRecord
from bot.delivery import owner_name
from bot.shards import ShardPlan, shard_of
from cogs.care.service import ESCALATION_PURPOSE
from cogs.checkins.reminders import REMINDER_PURPOSE
from tests.care.test_behaviour import dms, world
from tests.conftest import Harness, make_settings, release, running
from tests.support.postgres import temporary_database

pytestmark = pytest.mark.postgres

COUNT = 2
# Snowflakes whose time bits put them on shards 0 and 1 of 2 (shard = (id >> 22) % count).
GUILD_IDS = ((1_300_000_000_000 << 22) | 77, (1_300_000_000_001 << 22) | 77)
PROMPT_PURPOSE = "checkins.prompt"


@pytest.fixture
async def pg_harness(tmp_path: Path, postgres_url: str) -> AsyncIterator[Harness]:
    async with temporary_database(postgres_url) as url:
        async for harness in running(make_settings(tmp_path, url)):
            yield harness


def serve_only(bot: Hearth, plan: ShardPlan) -> None:
    """What a start with HEARTH_SHARD_COUNT/IDS gives (SimCord runs one unsharded client)."""
    bot.shard_plan = plan
    bot.deliveries.plan = plan
    bot.deliveries.owner = owner_name(plan)


async def restart_timers(bot: Hearth) -> None:
    for prefix in ("checkins:", "care:"):
        bot.scheduler.cancel_prefix(prefix)
    for name in ("CheckinCog", "CareCog"):
        await bot.cogs[name].hearth_start()  # type: ignore[attr-defined]


async def second_process(harness: Harness, shard: int, home: Path) -> Hearth:
    """Another process on the same database serving ``shard``: its features and timers, no gateway."""
    settings = make_settings(
        home, harness.settings.database_url, HEARTH_SHARD_COUNT=str(COUNT), HEARTH_SHARD_IDS=str(shard)
    )
    bot = create_bot(settings, clock=harness.clock)
    # Its REST calls reach the same (simulated) Discord; it has no gateway session of its own.
    bot.http = bot._connection.http = harness.bot.http
    await bot.db.ping()
    bot.scheduler.start()
    bot.deliveries.attach(bot.sender, bot._wake_deliveries)
    await bot.load_features()
    await bot.start_features()
    await bot.deliveries.start()
    return bot


async def run_due(bot: Hearth) -> None:
    """Let the headless process run what is due now. SimCord moves virtual time for the bot it drives
    only; the other process's scheduler reads the same clock but must be woken, then given a moment."""
    bot.scheduler._scheduler.wakeup()
    for _ in range(50):
        await asyncio.sleep(0.05)
        if not any(
            when is not None and when <= bot.clock.now()
            for when in map(bot.scheduler.next_run, bot.scheduler.job_ids())
        ):
            break
    await asyncio.sleep(0.3)  # the jobs just submitted finish their transaction


async def records(bot: Hearth, purpose: str) -> dict[int | None, int]:
    """How many delivery records each guild got for ``purpose``."""
    async with bot.db.read() as session:
        rows = await session.execute(
            select(DeliveryRecord.guild_id, func.count())
            .where(DeliveryRecord.purpose == purpose)
            .group_by(DeliveryRecord.guild_id)
        )
        return {guild_id: int(count) for guild_id, count in rows.all()}


async def test_each_reminder_prompt_and_escalation_is_armed_fired_and_written_by_its_shards_process_only(
    pg_harness: Harness, tmp_path: Path
) -> None:
    harness, env = pg_harness, pg_harness.env
    worlds: list[dict[str, Any]] = []
    create_guild = env.create_guild
    for guild_id in GUILD_IDS:
        env.create_guild = functools.partial(create_guild, id=guild_id)  # type: ignore[method-assign]
        try:
            w = await world(harness, env, facilitators=1)  # a guild on the shard we want
        finally:
            env.create_guild = create_guild  # type: ignore[method-assign]
        alice, group = w["alice"], w["group"]
        await alice.slash(group.channel, "checkin remind set", time="23:30", timezone="UTC")
        await w["leads"][0].slash(group.channel, "facilitate checkin prompt", time="23:30")
        await alice.slash(group.channel, "care ask")  # unclaimed: escalates after 10 minutes
        worlds.append(w)
    theirs = worlds[1]
    assert [shard_of(w["guild"].id, COUNT) for w in worlds] == [0, 1]

    a = harness.bot
    serve_only(a, ShardPlan(COUNT, (0,)))
    await restart_timers(a)
    (tmp_path / "b").mkdir()
    b = await second_process(harness, 1, tmp_path / "b")
    try:
        a_jobs, b_jobs = a.scheduler.job_ids("c"), b.scheduler.job_ids("c")
        timers = [j for j in a_jobs + b_jobs if j.split(":")[1] in ("remind", "prompt", "escalate")]
        assert len(timers) == 6 and len(set(timers)) == 6  # three per guild, each armed in one process

        # A DM reaches shard 0's process (A) even for a guild on shard 1: a case opened through A there is
        # armed by B's sweep, not by A.
        await theirs["mod"].slash(theirs["group"].channel, "care ask")
        for _ in range(3):  # past both escalations (10 minutes) and the sweep after the second case
            await env.advance_time(6 * 60)
            await run_due(b)
        for _ in range(24):  # an hour at a time (each advance gets 5 wall seconds): reminders and prompts are due
            await env.advance_time(3600 - 45)
            await run_due(b)

        assert await records(a, REMINDER_PURPOSE) == {GUILD_IDS[0]: 1, GUILD_IDS[1]: 1}
        assert await records(a, PROMPT_PURPOSE) == {GUILD_IDS[0]: 1, GUILD_IDS[1]: 1}
        escalations = await records(a, ESCALATION_PURPOSE)
        assert escalations == {GUILD_IDS[0]: 1, GUILD_IDS[1]: 2}  # shard 1: the case opened before and the one after

        # What people see: each message once, sent by the process of its guild's shard.
        for w in worlds:
            assert sum("How are you today?" in m.content for m in dms(w["alice"])) == 1
            pinged = [m for m in w["queue"].history() if m.content.startswith("<@&")]  # an escalation pings the role
            assert len(pinged) == escalations[w["guild"].id]
    finally:
        b.scheduler.shutdown()
        await release(b)
