"""Benchmark: 500 anonymous shares from 100 members at once, through SimCord and the real bot.

Run: /tmp/venv/bin/python -m bench.sharing

Prints shares/s, latency percentiles from modal submit to the post existing in the channel (its
message sent and its message id stored), and the per-share cost of the pseudonym HMACs and the
break-glass encryption. Targets: >= 100 shares/s, p99 < 50 ms in process.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import platform
import statistics
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any
from unittest import mock

import simcord
from simcord import _modal

from bot.app import create_bot
from bot.clock import Clock
from bot.config import load_settings
from bot.keys import Keyring
from cogs.groups.models import GuildConfig
from cogs.sharing import domain
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import SECRET, TOKEN
from tests.support.groups import make_group

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100"))
SHARES_EACH = int(os.environ.get("BENCH_SHARES_EACH", "5"))


class _Harness:
    def __init__(self, env: simcord.Env, clock: Clock) -> None:
        self.env = env
        self.clock = clock

    @property
    def bot(self) -> Any:
        return self.env.bot


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(folder: Path) -> None:
    (folder / "config.toml").write_text("")
    settings = load_settings(
        folder / "config.toml",
        {
            "DISCORD_TOKEN": TOKEN,
            "HEARTH_SECRET_KEY": SECRET,
            "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.sqlite3",
        },
    )
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True, settle_timeout=600)
    clock.use(env.now)
    await env.start()
    try:
        harness = _Harness(env, clock)
        guild = env.create_guild()
        members = [guild.add_member(env.create_user(f"member{i}")) for i in range(MEMBERS)]
        group = await make_group(harness, guild, "Bench", members=members)  # type: ignore[arg-type]
        async with bot.db.write() as session:
            config = await session.get(GuildConfig, guild.id)
            assert config is not None
            config.break_glass = True  # measure the encryption too

        async def no_settle(*_args: Any, **_kwargs: Any) -> None:
            return None

        # Open every form first (not measured): each member runs /share five times.
        shown = []
        with mock.patch.object(env, "_settle_internal", no_settle):
            for _round in range(SHARES_EACH):
                for member in members:
                    shown.append((member, await member.slash(group.channel, "share")))
        await env.settle(timeout=600)
        assert all(result.modal is not None for _member, result in shown)

        cog = bot.get_cog("Sharing")
        started: dict[int, float] = {}
        latencies: list[float] = []
        current: contextvars.ContextVar[int] = contextvars.ContextVar("interaction")
        submit, publish = cog.submit, cog.publish

        async def timed_submit(interaction: Any, *args: Any) -> None:
            current.set(interaction.id)
            await submit(interaction, *args)

        async def timed_publish(*args: Any, **kwargs: Any) -> Any:
            message = await publish(*args, **kwargs)
            latencies.append(time.perf_counter() - started[current.get()])
            return message

        cog.submit, cog.publish = timed_submit, timed_publish

        begin = time.perf_counter()
        with mock.patch.object(env, "_settle_internal", no_settle):
            for n, (member, result) in enumerate(shown):
                submitted = await _modal._submit_modal(member, result, {TEXT_ID: f"share {n}", WARNING_ID: ""})
                started[submitted._interaction.id] = time.perf_counter()
        await env.settle(timeout=600)
        elapsed = time.perf_counter() - begin

        posted = [m for m in group.channel.history() if m.content.startswith("share ")]
        assert len(posted) == len(shown) == len(latencies), (len(posted), len(shown), len(latencies))
    finally:
        await env.shutdown()

    keys = Keyring(SECRET.encode())
    loops = 20_000
    hmac_us = timeit.timeit(lambda: (domain.pseudonym(keys, 1, 2, 3), domain.server_hash(keys, 1, 3)), number=loops)
    key = keys.derive("break-glass")
    seal_us = timeit.timeit(lambda: domain.seal_author(key, 123456789012345678, "ABCDEFGHIJKLMNOP"), number=loops)

    ms = [x * 1000 for x in latencies]
    print(f"machine: {platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} CPUs")
    print(f"shares: {len(posted)} from {MEMBERS} members, submitted at once, SQLite, break-glass on")
    print(f"throughput: {len(posted) / elapsed:.0f} shares/s ({elapsed:.2f} s in all)  target >= 100")
    print(
        f"latency submit -> post exists: p50 {statistics.median(ms):.1f} ms  p90 {percentile(ms, 90):.1f} ms  "
        f"p99 {percentile(ms, 99):.1f} ms  max {max(ms):.1f} ms  target p99 < 50 ms"
    )
    print(
        f"per share: pseudonym + server hash HMACs {hmac_us / loops * 1e6:.1f} µs, "
        f"break-glass AES-GCM seal {seal_us / loops * 1e6:.1f} µs"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder)))


if __name__ == "__main__":
    main()
