"""Resource search benchmark (issue 18): latency over 100,000 resources in 1,000 groups, SQLite and PostgreSQL.

Run: .venv/bin/python -m bench.resources [--resources 100000] [--groups 1000] [--queries 2000] [--repeat 3]
[--only sqlite]
Target (issue 18): p99 of a search < 20 ms inside the process.

Each database is seeded once (about a minute each) and then measured ``--repeat`` times; every pass
prints its wall-clock p50/p90/p99 and the process CPU per search (threads included, so aiosqlite's
worker counts), which a loaded machine inflates far less than wall time. The last line per database is
the median of the passes.

Each measured call is ``ResourceService.search`` as ``/resource search`` makes it: resolve the group,
check membership, run the full-text query (FTS5 with bm25 on SQLite; a GIN-indexed tsvector with
ts_rank on PostgreSQL), rank by relevance and helpful votes, load the top 5 rows. Texts are drawn from
a 400-word vocabulary with a Zipf-like skew, so common words match thousands of resources across the
server; queries are 1-3 such words (the last one a prefix, as typed), some with FTS operators and
quotes, asked by a random member in a random group. PostgreSQL runs on a throwaway local server
(tests/support/postgres.py), so it needs the PostgreSQL binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import insert

from bench.common import load, machine, on_each_database, pct
from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.db import migrate as migrations
from cogs.groups.models import Group, GroupMember, GuidelinesAcceptance, GuildConfig
from cogs.resources.models import Resource
from cogs.resources.service import LIVE, ResourceService

GUILD = 1
NOW = datetime(2026, 12, 1, tzinfo=UTC)
WORDS = [f"w{i:03d}" for i in range(400)] + ["sleep", "anxiety", "breathing", "grief", "walk", "journal"]


def word(rng: random.Random) -> str:
    # Zipf-like: low indexes are common (the top word appears in a few percent of all texts).
    return WORDS[min(int(rng.paretovariate(1.0)) - 1, len(WORDS) - 1)] if rng.random() < 0.8 else rng.choice(WORDS)


async def seed(db: Database, resources: int, groups: int, rng: random.Random) -> None:
    async with db.write() as session:
        session.add(GuildConfig(guild_id=GUILD))
        await session.flush()
        await session.execute(
            insert(Group),
            [
                {
                    "id": g,
                    "guild_id": GUILD,
                    "name": f"group {g}",
                    "name_key": f"group {g}",
                    "description": "",
                    "private": False,
                    "owns_channel": False,
                    "guidelines": "",
                    "guidelines_version": 1,
                    "created_by": 1,
                    "created_at": NOW,
                }
                for g in range(1, groups + 1)
            ],
        )
        await session.execute(
            insert(GroupMember), [{"group_id": g, "user_id": 1000 + g, "joined_at": NOW} for g in range(1, groups + 1)]
        )
        await session.execute(
            insert(GuidelinesAcceptance),
            [{"group_id": g, "user_id": 1000 + g, "version": 1, "accepted_at": NOW} for g in range(1, groups + 1)],
        )
    batch: list[dict[str, object]] = []
    for i in range(resources):
        group = i % groups + 1
        title = " ".join(word(rng) for _ in range(rng.randint(2, 6))) + f" {i}"
        batch.append(
            {
                "guild_id": GUILD,
                "group_id": group,
                "scope": group,
                "author_id": 1000 + group,
                "title": title,
                "title_key": title.casefold(),
                "url": f"https://example.org/{i}" if i % 3 == 0 else None,
                "description": " ".join(word(rng) for _ in range(rng.randint(10, 60))),
                "tags": " ".join(sorted({word(rng) for _ in range(rng.randint(0, 4))})),
                "status": LIVE,
                "pinned": False,
                "helpful": rng.choice([0, 0, 0, 1, 2, 5, 12]),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        if len(batch) == 5000:
            async with db.write() as session:
                await session.execute(insert(Resource), batch)
            batch = []
    if batch:
        async with db.write() as session:
            await session.execute(insert(Resource), batch)
    # Fresh planner statistics, as autovacuum/ANALYZE would have after a real load.
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")


def queries(count: int, groups: int, rng: random.Random) -> list[tuple[Actor, str]]:
    shapes = [
        lambda: word(rng),
        lambda: f"{word(rng)} {word(rng)}",
        lambda: f"{word(rng)} {word(rng)} {word(rng)[:2]}",
        lambda: f'"{word(rng)} AND ({word(rng)}*',  # operators and quotes, searched as words
        lambda: word(rng)[:2],  # a short prefix: the widest match
    ]
    out = []
    for _ in range(count):
        group = rng.randint(1, groups)
        actor = Actor(guild_id=GUILD, user_id=1000 + group, role_ids=frozenset(), is_admin=False)
        out.append((actor, f"group {group}|{rng.choice(shapes)()}"))
    return out


async def measure(db: Database, asks: list[tuple[Actor, str]]) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds of each search, and how many found something."""
    service = ResourceService(db, Clock(lambda: NOW))
    timings: list[float] = []
    cpu: list[float] = []
    hits = 0
    for actor, packed in asks:
        group, text = packed.split("|", 1)
        started, used = time.perf_counter(), time.process_time()
        found = await service.search(actor, text, group_name=group)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        hits += bool(found)
    return timings, cpu, hits


async def run(label: str, url: str, args: argparse.Namespace) -> None:
    rng = random.Random(18)
    db = Database(url)
    try:
        await migrations.upgrade(db)
        started = time.perf_counter()
        await seed(db, args.resources, args.groups, rng)
        seeded = time.perf_counter() - started
        asks = queries(args.queries, args.groups, rng)
        await measure(db, asks[:100])  # warm caches and connections
        passes: list[tuple[float, float, float, float]] = []
        for index in range(args.repeat):
            before = load()
            timings, cpu, hits = await measure(db, asks)
            figures = (statistics.median(timings), pct(timings, 99), statistics.median(cpu), pct(cpu, 99))
            passes.append(figures)
            print(
                f"{label:10} pass {index + 1}: {args.resources:,} resources / {args.groups:,} groups "
                f"(seeded in {seeded:.0f} s): {len(timings)} searches, {hits} with results · "
                f"p50 {figures[0]:.2f} ms · p90 {pct(timings, 90):.2f} ms · p99 {figures[1]:.2f} ms · "
                f"max {max(timings):.2f} ms · CPU p50 {figures[2]:.2f} ms · CPU p99 {figures[3]:.2f} ms · "
                f"load average {before}"
            )
        p50, p99, cpu50, cpu99 = (statistics.median(column) for column in zip(*passes, strict=True))
        print(
            f"{label:10} median of {len(passes)} passes: p50 {p50:.2f} ms · p99 {p99:.2f} ms · "
            f"CPU p50 {cpu50:.2f} ms · CPU p99 {cpu99:.2f} ms"
        )
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(machine())
    await on_each_database(lambda label, url: run(label, url, args), args.only)


if __name__ == "__main__":
    asyncio.run(main())
