"""/facilitate stats benchmark (issue 18): a group with 1,000 members and a year of history, 52 weeks asked at once.

Run: .venv/bin/python -m bench.stats [--members 1000] [--weeks 52] [--repeat 3] [--only sqlite]
Target (issue 18): < 300 ms including the chart.

Seeds one group: every member checks in about three times a week (shared with facilitators), a weekly
meeting with 40 attendees, a weekly round with 10 speakers, 50 anonymous posts a week, members joining
through the year. Then measures what the cog does for ``/facilitate stats weeks:52`` (the service, the text, the CSV
and the chart rendered in a worker thread, as the cog does), ``--repeat`` times from nothing published:

- the publishing job (``StatsService.publish_due``, four times a day) over the whole year, then the first
  ask, which only reads, and later asks;
- for comparison, a first ask with nothing published (before the job's first run after an upgrade),
  which computes the year itself.

PostgreSQL runs on a throwaway local server (tests/support/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert

from bench.common import load, machine, on_each_database, spread
from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.db import migrate as migrations
from cogs.checkins.models import Checkin, PublishedWeek
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuildConfig
from cogs.meetings.models import Attendance, Meeting
from cogs.rounds.models import Round, RoundEntry
from cogs.sharing.models import AnonymousPost
from cogs.stats import domain, texts
from cogs.stats.models import PublishedStat
from cogs.stats.service import StatsService

GUILD = 1
LEAD = 1
START = datetime(2025, 12, 1, tzinfo=UTC)  # a Monday
EVERYTHING = frozenset({"groups", "checkins", "meetings", "rounds", "sharing"})


async def seed(db: Database, members: int, weeks: int, rng: random.Random) -> None:
    people = list(range(100, 100 + members))
    async with db.write() as session:
        session.add(GuildConfig(guild_id=GUILD, timezone="UTC"))
        group = Group(
            guild_id=GUILD, name="Caregivers", name_key="caregivers", description="", private=False,
            owns_channel=False, guidelines="", guidelines_version=1, created_by=LEAD, created_at=START,
            channel_id=10,
        )  # fmt: skip
        session.add(group)
        await session.flush()
        group_id = group.id
        joined = [START + timedelta(days=rng.uniform(0, 7 * weeks)) for _ in people]
        await session.execute(
            insert(GroupMember),
            [
                {"group_id": group_id, "user_id": p, "joined_at": j}
                for p, j in [(LEAD, START), *zip(people, joined, strict=True)]
            ],
        )
        session.add(GroupFacilitator(group_id=group_id, user_id=LEAD, added_at=START))
    checkins = []
    for week in range(weeks):
        for p in people:
            for _ in range(rng.choice((0, 2, 3, 4))):
                at = START + timedelta(weeks=week, seconds=rng.uniform(0, 7 * 86400))
                checkins.append(
                    {"guild_id": GUILD, "group_id": group_id, "user_id": p, "mood": rng.randint(1, 5),
                     "note": None, "visibility": "facilitators", "created_at": at}
                )  # fmt: skip
    async with db.write() as session:
        for start in range(0, len(checkins), 5000):
            await session.execute(insert(Checkin), checkins[start : start + 5000])
        meeting = Meeting(
            guild_id=GUILD, group_id=group_id, title="Weekly", timezone="UTC", start_local="2025-12-01T19:00:00",
            duration_minutes=60, reminder_offsets="", created_by=LEAD, created_at=START,
        )  # fmt: skip
        session.add(meeting)
        await session.flush()
        attendance, entries, posts = [], [], []
        for week in range(weeks):
            occurrence = START + timedelta(weeks=week, days=2, hours=19)
            for p in rng.sample(people, 40):
                attendance.append(
                    {"meeting_id": meeting.id, "occurrence_at": occurrence, "user_id": p, "seconds": 3000,
                     "attended": rng.random() < 0.9}
                )  # fmt: skip
            round_row = Round(
                guild_id=GUILD, group_id=group_id, channel_id=10, topic="t", turn_seconds=120, order="signup",
                status="ended", started_at=occurrence, ended_at=occurrence + timedelta(minutes=30),
            )  # fmt: skip
            session.add(round_row)
            await session.flush()
            for p in rng.sample(people, 10):
                entries.append({"round_id": round_row.id, "user_id": p, "place": "done",
                                "seconds": rng.uniform(30, 300), "shared": 1})  # fmt: skip
            for n in range(50):
                posts.append(
                    {"code": f"W{week}N{n}", "guild_id": GUILD, "group_id": group_id,
                     "pseudonym": f"p{rng.randint(1, 200)}", "server_hash": "s", "content": "words",
                     "status": "posted", "created_at": occurrence + timedelta(hours=n)}
                )  # fmt: skip
        await session.execute(insert(Attendance), attendance)
        await session.execute(insert(RoundEntry), entries)
        await session.execute(insert(AnonymousPost), posts)
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")


async def one_ask(service: StatsService, weeks: int) -> tuple[float, float, float]:
    """(service ms, whole ms including text, CSV and the chart, the process's CPU ms for all of it, worker
    threads included: what a loaded machine inflates least) for one /facilitate stats."""
    from cogs.stats.chart import render

    actor = Actor(guild_id=GUILD, user_id=LEAD, role_ids=frozenset(), is_admin=False)
    started, used = time.perf_counter(), time.process_time()
    stats = await service.group_stats(actor, "Caregivers", None, weeks, EVERYTHING)
    served = time.perf_counter()
    texts.group_text(stats)
    domain.group_csv(stats)
    await asyncio.to_thread(render, domain.group_points(stats), "Caregivers: engagement per week")
    done = time.perf_counter()
    return (served - started) * 1000, (done - started) * 1000, (time.process_time() - used) * 1000


async def unpublish(db: Database) -> None:
    """Back to nothing published (as right after an upgrade), so each pass starts the same."""
    async with db.write() as session:
        await session.execute(delete(PublishedStat))
        await session.execute(delete(PublishedWeek))


async def run(label: str, url: str, args: argparse.Namespace) -> None:
    db = Database(url)
    try:
        await migrations.upgrade(db)
        started = time.perf_counter()
        await seed(db, args.members, args.weeks, random.Random(18))
        seeded = time.perf_counter() - started
        now = START + timedelta(weeks=args.weeks, hours=1)
        service = StatsService(db, Clock(lambda: now), minimum=5, default_timezone="UTC")
        job, first, first_chart, later, later_chart, cold, cold_chart = [], [], [], [], [], [], []
        loads, first_cpu, later_cpu, cold_cpu = [], [], [], []
        for _ in range(args.repeat):
            loads.append(load().split()[0])
            await unpublish(db)
            began = time.perf_counter()
            await service.publish_due(EVERYTHING)
            job.append((time.perf_counter() - began) * 1000)
            served, whole, cpu = await one_ask(service, args.weeks)
            first.append(served)
            first_chart.append(whole)
            first_cpu.append(cpu)
            for _ in range(3):
                served, whole, cpu = await one_ask(service, args.weeks)
                later.append(served)
                later_chart.append(whole)
                later_cpu.append(cpu)
            await unpublish(db)
            served, whole, cpu = await one_ask(service, args.weeks)
            cold.append(served)
            cold_chart.append(whole)
            cold_cpu.append(cpu)
        print(
            f"{label:10} {args.members:,} members, {args.weeks} weeks (seeded in {seeded:.0f} s), "
            f"{args.repeat} passes, median [range]; 1-minute load at each pass {', '.join(loads)}\n"
            f"  publishing job (whole year, one group): {spread(job)}\n"
            f"  first ask after the job: service {spread(first)}, with text, CSV and chart {spread(first_chart)}, "
            f"CPU {spread(first_cpu)}\n"
            f"  later asks ({len(later)}): service {spread(later)}, with chart {spread(later_chart)}, "
            f"CPU {spread(later_cpu)}\n"
            f"  first ask with nothing published (computes the year): service {spread(cold)}, "
            f"with chart {spread(cold_chart)}, CPU {spread(cold_cpu)}\n"
            f"  load average after: {load()}"
        )
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--weeks", type=int, choices=domain.WEEK_CHOICES, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(machine())
    # matplotlib's first import is not part of a request (the cog imports it on the first chart only).
    import cogs.stats.chart  # noqa: F401

    await on_each_database(lambda label, url: run(label, url, args), args.only)


if __name__ == "__main__":
    asyncio.run(main())
