"""Meetings benchmark: 10,000 weekly meetings across 1,000 servers.

Measures, in one run:
- rebuild at start: load due meetings and add their jobs (windowed, as the cog does, and all 10,000)
- the scheduler's memory for those jobs (tracemalloc)
- firing error of 1,000 reminders due at the same instant (each job runs what the cog's job runs:
  the real service tick through ``tick_writer``, a ``GroupCommit``), and when each job's database work is done
  (completion - due time, p50/p99); then the same jobs with one transaction each, for comparison
- fan-out: sending the 1,000 reminders through the cog's pacer at a 50 requests/s cap

Run: /tmp/venv/bin/python -m bench.meetings
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, update

from bot.clock import Clock
from bot.db import Database
from bot.db import migrate as migrations
from bot.pacing import RatePacer
from bot.scheduler import Scheduler
from cogs.groups.models import Group, GroupMember, GuidelinesAcceptance
from cogs.meetings.cog import HORIZON
from cogs.meetings.jobs import tick_writer
from cogs.meetings.models import Meeting, ReminderSent, Rsvp
from cogs.meetings.service import MeetingService

SERVERS = 1_000
MEETINGS = 10_000
DUE_TOGETHER = 1_000
RATE = 50.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


@dataclass
class Firing:
    batched: bool
    lateness: list[float] = field(default_factory=list)  # job start - due time
    completion: list[float] = field(default_factory=list)  # job's database work done - due time
    outbox: list[str] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    def report(self) -> str:
        if self.batched:
            how = f"batched: {len(self.batches)} transactions, largest {max(self.batches, default=0)} jobs"
        else:
            how = "one transaction per job (no batching)"
        return (
            f"[{how}] firing error of {len(self.lateness)} reminders due together: "
            f"p50 {ms(statistics.median(self.lateness))}, p99 {ms(pct(self.lateness, 0.99))}, "
            f"max {ms(max(self.lateness))} | database work done after due time: "
            f"p50 {ms(statistics.median(self.completion))}, p99 {ms(pct(self.completion, 0.99))}, "
            f"max {ms(max(self.completion))} | reminders produced {len(self.outbox)}"
        )


async def main() -> None:
    folder = tempfile.mkdtemp(prefix="hearth-bench-meetings-")
    db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
    await migrations.upgrade(db)
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(6)

    # --- arrange: 1,000 servers with a group each, 10 weekly meetings per server ---------------------
    due_at = now + timedelta(seconds=4)
    start_of_due = due_at + timedelta(minutes=15)
    async with db.write() as session:
        await session.execute(
            insert(Group),
            [
                {
                    "id": g + 1,
                    "guild_id": 1_000_000 + g,
                    "name": f"G{g}",
                    "name_key": f"g{g}",
                    "description": "",
                    "private": False,
                    "channel_id": 2_000_000 + g,
                    "owns_channel": False,
                    "guidelines": "",
                    "guidelines_version": 1,
                    "timezone": "Europe/Berlin",
                    "created_by": 1,
                    "created_at": now,
                }
                for g in range(SERVERS)
            ],
        )
        rows = []
        for m in range(MEETINGS):
            g = m % SERVERS
            urgent = m < DUE_TOGETHER
            start = start_of_due if urgent else now + timedelta(minutes=rng.randint(30, 7 * 24 * 60))
            local = start.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
            rows.append(
                {
                    "id": m + 1,
                    "guild_id": 1_000_000 + g,
                    "group_id": g + 1,
                    "title": f"Meeting {m}",
                    "timezone": "Europe/Berlin",
                    "start_local": local.isoformat(timespec="minutes"),
                    "duration_minutes": 60,
                    "rrule": "FREQ=WEEKLY",
                    "voice_channel_id": None,
                    "voice_is_stage": False,
                    "location": None,
                    "reminder_offsets": "1440,15",
                    "show_event": True,
                    "created_by": 1,
                    "created_at": now,
                    "cancelled_at": None,
                    "occurrence_at": start,
                    "reminders_done": "1440" if urgent else "",
                    "started": False,
                    # Spread like real weekly meetings: the next job (reminder/start/end) anywhere in the week.
                    "next_job_at": due_at if urgent else now + timedelta(minutes=rng.randint(10, 7 * 24 * 60)),
                    "card_channel_id": None,
                    "card_message_id": None,
                    "event_id": None,
                    "event_problem": None,
                }
            )
        await session.execute(insert(Meeting), rows)
        members = [{"group_id": g + 1, "user_id": 5_000_000 + g, "joined_at": now} for g in range(SERVERS)]
        await session.execute(insert(GroupMember), members)
        await session.execute(insert(GuidelinesAcceptance), [{**m, "version": 1, "accepted_at": now} for m in members])
        rsvps = [
            {
                "meeting_id": m + 1,
                "user_id": 5_000_000 + (m % SERVERS),
                "occurrence_key": "*",
                "status": "going",
                "updated_at": now,
            }
            for m in range(DUE_TOGETHER)
        ]
        await session.execute(insert(Rsvp), rsvps)

    service = MeetingService(db, default_offsets=[1440, 15], attendance_share=0.5)
    clock = Clock()

    # --- rebuild: all 10,000 jobs (worst case) and the windowed rebuild the cog does ------------------
    async def noop(_: int) -> None:
        return None

    full = Scheduler(clock)
    full.start()
    tracemalloc.start()
    t0 = time.perf_counter()
    due_all = await service.due_jobs(now + timedelta(days=8))
    t_query = time.perf_counter() - t0
    for meeting_id, _guild_id, at in due_all:
        full.at(f"meetings:m:{meeting_id}", max(at, now), noop, meeting_id)
    t_full = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    full.cancel_prefix("")  # a stopped APScheduler still runs jobs on a pending wake-up
    full.shutdown()

    window = Scheduler(clock)
    window.start()
    t0 = time.perf_counter()
    due_window = await service.due_jobs(clock.now() + HORIZON)
    for meeting_id, _guild_id, at in due_window:
        window.at(f"meetings:m:{meeting_id}", max(at, clock.now()), noop, meeting_id)
    later = await service.earliest_job_after(clock.now() + HORIZON)
    t_window = time.perf_counter() - t0
    window.cancel_prefix("")
    window.shutdown()

    # --- firing error and database work: 1,000 reminders due at the same instant -------------------
    # Each job runs what the cog's job runs: ``tick_writer(...).run`` (jobs due together share a
    # transaction). For comparison, the same 1,000 jobs again with one transaction per job.
    async def fire(batched: bool) -> Firing:
        due_at = datetime.now(UTC) + timedelta(seconds=3)
        async with db.write() as session:
            await session.execute(delete(ReminderSent))
            await session.execute(
                update(Meeting)
                .where(Meeting.id <= DUE_TOGETHER)
                .values(
                    occurrence_at=due_at + timedelta(minutes=15),
                    next_job_at=due_at,
                    reminders_done="1440",
                    started=False,
                )
            )
        scheduler = Scheduler(clock, misfire_grace_seconds=3600)
        scheduler.start()
        batcher = tick_writer(service, clock.now)
        firing = Firing(batched)
        finished = asyncio.Event()

        async def job(meeting_id: int) -> None:
            firing.lateness.append((clock.now() - due_at).total_seconds())
            if batched:
                result = await batcher.run(meeting_id)
            else:
                result = await service.tick(meeting_id, clock.now(), "UTC")
            firing.completion.append((clock.now() - due_at).total_seconds())
            firing.outbox.extend(r.text for r in result.reminders)
            if len(firing.completion) == DUE_TOGETHER:
                finished.set()

        for meeting_id in range(1, DUE_TOGETHER + 1):
            scheduler.at(f"meetings:m:{meeting_id}", due_at, job, meeting_id)
        await asyncio.wait_for(finished.wait(), timeout=300)
        await asyncio.sleep(0.05)  # let APScheduler see its jobs finish before it stops
        scheduler.shutdown()
        firing.batches = batcher.batches
        return firing

    batched = await fire(batched=True)
    unbatched = await fire(batched=False)
    outbox = batched.outbox

    # --- fan-out through the pacer at 50 requests/s -----------------------------------------------------
    pacer = RatePacer(RATE)
    sent = 0

    async def fake_send(_: str) -> None:
        nonlocal sent
        await pacer.wait()
        sent += 1

    t0 = time.perf_counter()
    for text in outbox:
        await fake_send(text)
    t_fan = time.perf_counter() - t0
    bound = (len(outbox) - 1) / RATE

    print(f"machine: {platform.platform()} python {platform.python_version()} cpus={os.cpu_count()}")
    print(f"meetings={MEETINGS} servers={SERVERS}")
    print(
        f"rebuild all {len(due_all)} jobs: {t_full:.3f} s (query {t_query:.3f} s)"
        f" | windowed ({HORIZON}) {len(due_window)} jobs + sweep at {later}: {t_window:.3f} s"
    )
    print(f"scheduler+rows memory for {len(due_all)} jobs: {current / 2**20:.1f} MiB held, {peak / 2**20:.1f} MiB peak")
    for firing in (batched, unbatched):
        print(firing.report())
    print(
        f"fan-out {sent} sends at {RATE:.0f}/s: {t_fan:.2f} s vs bound {bound:.2f} s "
        f"(ratio {t_fan / bound:.3f}, target within 10 %)"
    )
    await db.close()


if __name__ == "__main__":
    asyncio.run(main())
