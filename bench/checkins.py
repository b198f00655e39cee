"""Check-in benchmark (issue 4): submit throughput and latency with 200 members at once, and summary time.

Run: /tmp/venv/bin/python -m bench.checkins [--members 200] [--rounds 1] [--summary-members 1000]
Targets (issue 4): >= 300 check-ins/s, p99 of /checkin submit < 30 ms, summary < 200 ms.

One run, one SQLite file, the real bot (``create_bot``) inside a SimCord ``Env``. Every member opens
the form (``/checkin now``) first; then all their submits are dispatched at once. The same burst is
measured three ways, so the figure for Hearth's own code is not hidden behind the test harness:

A. through SimCord, settled: the submits are dispatched to the bot and ``env.settle()`` joins the
   work, as a behaviour test would. Latency per submit = from its dispatch until the bot's handler
   (``CheckinCog.form_submitted``: validate, write, reply) returns; throughput = submits / (first
   dispatch .. settled). This includes SimCord's settlement loop, which on every pass walks each
   pending bot task against every tracked timer (200 open forms each hold a 15-minute timeout
   timer; 200 handlers are in flight), i.e. harness cost that grows with the square of the burst
   and does not exist on a real gateway.
B. through SimCord, unsettled: the same dispatch (discord.py parses the interaction, routes it to
   the member's form, the cog runs, the reply goes through discord.py's HTTP layer into SimCord's
   fake Discord), but the clock stops when the last handler returns, without ``env.settle()``.
   SimCord's loop hooks (every bot callback tracked in a list) are still in place, so this is
   still an upper bound for the bot's own in-process cost.
C. Hearth's write path alone: the same 200 check-ins as concurrent ``CheckinService.submit`` calls
   on the same database (validate, membership and guideline checks, insert, low-mood alert check,
   commit) with no Discord objects and no SimCord hooks.

Concurrent submits share one write transaction (group commit, ``bot/db/batching.py``); the
batch sizes are printed. Also measured: a submit one at a time through SimCord (a member's wait when
the bot is not flooded), and ``/facilitate checkin summary`` (the service call) on a group of 1,000 members with
a year of daily check-ins (~90% of members each day, a third each of only-me / facilitators / group).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import simcord
from simcord import _modal
from sqlalchemy import insert

from bot.actor import Actor
from bot.app import create_bot
from bot.clock import Clock
from bot.config import load_settings
from cogs.checkins.models import Checkin
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, GuildConfig

SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a throwaway test key
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ab"  # noqa: S105 - a fake token shape


def group_row(name: str, guild_id: int, channel_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "name": name,
        "name_key": name.casefold(),
        "description": "",
        "private": False,
        "channel_id": channel_id,
        "owns_channel": False,
        "guidelines": "",
        "guidelines_version": 1,
        "created_by": 0,
        "created_at": now,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(members: int, rounds: int, summary_members: int) -> None:
    wall = time.perf_counter()
    load_at_start = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    (folder / "config.toml").write_text("")
    settings = load_settings(
        folder / "config.toml",
        {
            "DISCORD_TOKEN": TOKEN,
            "HEARTH_SECRET_KEY": SECRET,
            "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.sqlite3",
            "HEARTH_LOG_LEVEL": "WARNING",
        },
    )
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    try:
        guild = env.create_guild()
        channel = guild.create_text_channel("grief")
        people = [guild.add_member(env.create_user(f"m{i}")) for i in range(members)]
        now = clock.now()
        async with bot.db.write() as session:
            session.add(GuildConfig(guild_id=guild.id))
            group = Group(**group_row("Grief", guild.id, channel.id, now))
            session.add(group)
            await session.flush()
            group_id = group.id
            await session.execute(
                insert(GroupMember), [{"group_id": group_id, "user_id": p.id, "joined_at": now} for p in people]
            )
            await session.execute(
                insert(GuidelinesAcceptance),
                [{"group_id": group_id, "user_id": p.id, "version": 1, "accepted_at": now} for p in people],
            )

        cog: Any = bot.get_cog("CheckinCog")
        service = cog.service
        values = {"checkin:note": "a short note", "checkin:visibility": ["me"]}
        original = cog.form_submitted
        started: dict[int, float] = {}
        finished: list[float] = []
        latencies: list[float] = []
        all_done = asyncio.Event()
        expected = 0

        async def timed(interaction: Any, *args: Any) -> None:
            await original(interaction, *args)
            now_ = time.perf_counter()
            latencies.append((now_ - started[interaction.id]) * 1000)
            finished.append(now_)
            if len(latencies) == expected:
                all_done.set()

        async def no_settle(*_args: Any, **_kwargs: Any) -> None:
            return None

        async def burst(index: int, settled: bool) -> tuple[float, list[float], list[int]]:
            """All members' forms open, then every submit dispatched at once; (seconds, latencies, batches)."""
            nonlocal expected
            shown = [(member, await member.slash(channel, "checkin now")) for member in people]
            latencies.clear()
            finished.clear()
            all_done.clear()
            expected = len(shown)
            batches_before = len(service.writer.batches)
            began = time.perf_counter()
            # SimCord runs one actor verb at a time and settles after it: dispatch without settling.
            with mock.patch.object(env, "_settle_internal", no_settle):
                for member, result in shown:
                    mood = str(1 + (index + member.id) % 5)
                    done = await _modal._submit_modal(member, result, {"checkin:mood": [mood], **values})
                    started[done._interaction.id] = time.perf_counter()
            if settled:
                await env.settle(timeout=600)
                elapsed = time.perf_counter() - began
            else:
                await asyncio.wait_for(all_done.wait(), timeout=600)
                elapsed = max(finished) - began
                await env.settle(timeout=600)  # tidy up, untimed
            assert len(latencies) == expected, (len(latencies), expected)
            return elapsed, list(latencies), service.writer.batches[batches_before:]

        cog.form_submitted = timed
        results: dict[str, tuple[float, list[float], list[int]]] = {}
        for key, settled in (("A", True), ("B", False)):
            elapsed, lat, sizes = 0.0, [], []
            for index in range(rounds):
                seconds, values_ms, batch_sizes = await burst(index, settled)
                elapsed, lat, sizes = elapsed + seconds, lat + values_ms, sizes + batch_sizes
            results[key] = (elapsed, lat, sizes)

        # One at a time through SimCord: what a member waits when the bot is not flooded (handler time).
        single_ms: list[float] = []

        async def handler_only(interaction: Any, *args: Any) -> None:
            began = time.perf_counter()
            await original(interaction, *args)
            single_ms.append((time.perf_counter() - began) * 1000)

        cog.form_submitted = handler_only
        for member in people:
            result = await member.slash(channel, "checkin now")
            await member.submit_modal(result, {"checkin:mood": ["3"], **values})
        cog.form_submitted = original
        assert len(single_ms) == len(people)

        # C: the service alone, the same burst as concurrent calls (no Discord objects, no SimCord hooks).
        actors = [Actor(guild_id=guild.id, user_id=p.id, role_ids=frozenset(), is_admin=False) for p in people]

        async def one(actor: Actor, mood: int) -> float:
            began = time.perf_counter()
            await service.submit(actor, group_id, mood, "a short note", "me")
            return (time.perf_counter() - began) * 1000

        elapsed, lat, sizes = 0.0, [], []
        for index in range(rounds):
            batches_before = len(service.writer.batches)
            began = time.perf_counter()
            lat += await asyncio.gather(*(one(a, 1 + (index + a.user_id) % 5) for a in actors))
            elapsed += time.perf_counter() - began
            sizes += service.writer.batches[batches_before:]
        results["C"] = (elapsed, lat, sizes)

        # --- summary over a big group: summary_members x a year of daily shared check-ins ---------------
        big_ids = list(range(10_000_000, 10_000_000 + summary_members))
        end = clock.now()
        async with bot.db.write() as session:
            big = Group(**group_row("Big", guild.id, None, end))
            session.add(big)
            await session.flush()
            big_id = big.id
            await session.execute(
                insert(GroupMember), [{"group_id": big_id, "user_id": u, "joined_at": end} for u in big_ids]
            )
            await session.execute(
                insert(GroupFacilitator), [{"group_id": big_id, "user_id": big_ids[0], "added_at": end}]
            )
        visibilities = ("facilitators", "group", "me")
        rows_written = 0
        for day in range(365):
            moment = end - timedelta(days=day, hours=1)
            batch = [
                {
                    "guild_id": guild.id,
                    "group_id": big_id,
                    "user_id": u,
                    "mood": 1 + (u + day) % 5,
                    "note": None,
                    "visibility": visibilities[(u + day) % 3],
                    "created_at": moment,
                }
                for u in big_ids
                if (u + day) % 10  # about 90% check in on a given day
            ]
            async with bot.db.write() as session:
                await session.execute(insert(Checkin), batch)
            rows_written += len(batch)
        lead = Actor(guild_id=guild.id, user_id=big_ids[0], role_ids=frozenset(), is_admin=False)
        summary_ms: dict[int, list[float]] = {7: [], 30: []}
        for _ in range(5):
            for days in (7, 30):
                began = time.perf_counter()
                await service.summary(lead, "Big", None, days)
                summary_ms[days].append((time.perf_counter() - began) * 1000)
    finally:
        await env.shutdown()

    print("Hearth check-in benchmark (SQLite, SimCord 3.2.1, one process)")
    print(machine(load_at_start))
    print(
        f"check-ins: {members} members, {rounds} round(s); in each, all {members} forms are open and every "
        "submit is dispatched at once (visibility: only me)"
    )
    labels = {
        "A": "A through SimCord, settled (harness included)",
        "B": "B through SimCord, not settled (discord.py + Hearth + fake HTTP)",
        "C": "C Hearth's write path alone (CheckinService.submit x N, concurrent)",
    }
    for key, label in labels.items():
        elapsed, lat, sizes = results[key]
        rate = len(lat) / elapsed
        p50, p99 = percentile(lat, 0.5), percentile(lat, 0.99)
        print(f"  {label}")
        print(
            f"    {len(lat)} check-ins in {elapsed * 1000:.0f} ms = {rate:,.0f} check-ins/s "
            f"(target >= 300: {'OK' if rate >= 300 else 'MISSED'}); per submit p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms, max {max(lat):.1f} ms (target p99 < 30 ms: {'OK' if p99 < 30 else 'MISSED'})"
        )
        print(f"    write transactions: {len(sizes)} (batch sizes {summarize(sizes)})")
    p50, p99 = percentile(single_ms, 0.5), percentile(single_ms, 0.99)
    print(
        f"  one at a time through SimCord (handler time, {len(single_ms)} submits): p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms, max {max(single_ms):.1f} ms (target p99 < 30 ms: {'OK' if p99 < 30 else 'MISSED'})"
    )
    print(f"summary: {summary_members} members x 365 days = {rows_written:,} check-ins in the group")
    for days, values_ms in summary_ms.items():
        print(
            f"  /facilitate checkin summary {days:>2} days: median {statistics.median(values_ms):.1f} ms, "
            f"max {max(values_ms):.1f} ms (target < 200 ms: {'OK' if max(values_ms) < 200 else 'MISSED'})"
        )
    print(f"  ratio 30-day / 7-day summary: {statistics.median(summary_ms[30]) / statistics.median(summary_ms[7]):.2f}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at end: {load}; wall time {time.perf_counter() - wall:.0f} s")


def summarize(sizes: list[int]) -> str:
    if not sizes:
        return "none"
    shown = ", ".join(str(n) for n in sizes[:12])
    return shown + (f", ... ({len(sizes) - 12} more)" if len(sizes) > 12 else "")


def machine(load: tuple[float, float, float]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"machine: {platform.platform()} | {cpu} | cores={os.cpu_count()} | python {platform.python_version()} | "
        f"load average at start {' '.join(f'{x:.2f}' for x in load)} (1/5/15 min)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--summary-members", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.members, args.rounds, args.summary_members))


if __name__ == "__main__":
    main()
