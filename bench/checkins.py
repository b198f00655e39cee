"""Check-in benchmark: throughput and submit latency through SimCord, and summary time on a big group.

Run: /tmp/venv/bin/python -m bench.checkins [--members 200] [--rounds 5] [--summary-members 1000]
Targets (issue 4): >= 300 check-ins/s, p99 of /checkin submit < 30 ms, summary < 200 ms.
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
        "public_events": False,
        "created_by": 0,
        "created_at": now,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(members: int, rounds: int, summary_members: int) -> None:
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
            session.add(
                GuildConfig(
                    guild_id=guild.id, anonymous_sharing=True, anonymous_requires_approval=False, break_glass=False
                )
            )
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
        values = {"checkin:note": "a short note", "checkin:visibility": ["me"]}
        started: dict[int, float] = {}
        burst_ms: list[float] = []
        original = cog.form_submitted

        handler_ms: list[float] = []

        async def timed(interaction: Any, *args: Any) -> None:
            await original(interaction, *args)
            burst_ms.append((time.perf_counter() - started[interaction.id]) * 1000)

        async def handler_only(interaction: Any, *args: Any) -> None:
            began = time.perf_counter()
            await original(interaction, *args)
            handler_ms.append((time.perf_counter() - began) * 1000)

        async def no_settle(*_args: Any, **_kwargs: Any) -> None:
            return None

        # Burst: every round, all members' forms are submitted at once (SimCord runs one actor verb at a
        # time, so forms are opened first, then the submits are dispatched together without settling).
        elapsed = 0.0
        cog.form_submitted = timed
        for index in range(rounds):
            shown = [(member, await member.slash(channel, "checkin now")) for member in people]
            began = time.perf_counter()
            with mock.patch.object(env, "_settle_internal", no_settle):
                for member, result in shown:
                    done = await _modal._submit_modal(member, result, {"checkin:mood": [str(1 + index % 5)], **values})
                    started[done._interaction.id] = time.perf_counter()
            await env.settle(timeout=600)
            elapsed += time.perf_counter() - began
        total = members * rounds
        assert len(burst_ms) == total, (len(burst_ms), total)

        cog.form_submitted = handler_only
        # One at a time: the latency a member sees when the bot is not flooded.
        single_ms: list[float] = []
        for member in people:
            result = await member.slash(channel, "checkin now")
            began = time.perf_counter()
            await member.submit_modal(result, {"checkin:mood": ["3"], **values})
            single_ms.append((time.perf_counter() - began) * 1000)
        cog.form_submitted = original

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
        service = cog.service
        lead = Actor(guild_id=guild.id, user_id=big_ids[0], role_ids=frozenset(), is_admin=False)
        summary_ms: dict[int, list[float]] = {7: [], 30: []}
        for _ in range(5):
            for days in (7, 30):
                started = time.perf_counter()
                await service.summary(lead, "Big", None, days)
                summary_ms[days].append((time.perf_counter() - started) * 1000)
    finally:
        await env.shutdown()

    rate = total / elapsed
    print("Hearth check-in benchmark (SQLite, SimCord 3.2.1, one process)")
    print(
        f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
        f"cpus={os.cpu_count()} | python {platform.python_version()}"
    )
    print(f"check-ins: {members} members x {rounds} rounds = {total}, each round's {members} submits at once")
    print(f"  throughput: {rate:.0f} check-ins/s (target >= 300) -> {'OK' if rate >= 300 else 'MISSED'}")
    for label, values_ms in (
        (f"submit in a burst of {members} (queueing included)", burst_ms),
        ("submit one at a time (SimCord round trip)", single_ms),
        ("submit one at a time, bot handler only (validate, write, reply)", handler_ms),
    ):
        p50, p95, p99 = (percentile(values_ms, s) for s in (0.5, 0.95, 0.99))
        verdict = "OK" if p99 < 30 else "MISSED"
        print(
            f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(values_ms):.1f} ms"
            f" (target p99 < 30 ms) -> {verdict}"
        )
    print(f"summary: {summary_members} members x 365 days = {rows_written:,} check-ins in the group")
    for days, values in summary_ms.items():
        print(
            f"  /checkin summary {days:>2} days: median {statistics.median(values):.1f} ms, "
            f"max {max(values):.1f} ms (target < 200 ms) -> {'OK' if max(values) < 200 else 'MISSED'}"
        )
    print(f"  ratio 30-day / 7-day summary: {statistics.median(summary_ms[30]) / statistics.median(summary_ms[7]):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--summary-members", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.members, args.rounds, args.summary_members))


if __name__ == "__main__":
    main()
