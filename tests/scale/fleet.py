"""Several real ``python -m bot`` processes on one PostgreSQL behind the loopback stand-in (issue 20): start,
stop, kill, seed due deliveries, and read what Discord received. Shared by tests/scale and ``bench.scale``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import Clock
from bot.db.database import Database
from bot.db.models import DeliveryRecord
from bot.delivery import Deliveries, Delivery
from bot.shards import shard_of
from tests.wire.standin import DiscordStandin
from tests.wire.test_wire_smoke import REPO_ROOT, BotProcess, _bot_env, _drain

PURPOSE = "scale.reminder"


@dataclass
class Fleet:
    """N processes, each serving ``ranges[i]`` of ``count`` shards, on one database."""

    standin: DiscordStandin
    url: str
    home: Path
    count: int
    ranges: tuple[str, ...]
    processes: dict[str, BotProcess] = field(default_factory=dict)
    earlier_output: dict[str, str] = field(default_factory=dict)  # from processes that were killed

    async def start(self, ids: str) -> BotProcess:
        home = self.home / ids
        home.mkdir(exist_ok=True)
        env = _bot_env(self.standin, home) | {
            "HEARTH_DATABASE_URL": self.url,
            "HEARTH_SHARD_COUNT": str(self.count),
            "HEARTH_SHARD_IDS": ids,
        }
        env.setdefault("HEARTH_LOG_LEVEL", os.environ.get("HEARTH_LOG_LEVEL", "INFO"))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=REPO_ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        bot = BotProcess(proc)
        bot.drains = [
            asyncio.create_task(_drain(proc.stdout, bot.stdout)),
            asyncio.create_task(_drain(proc.stderr, bot.stderr)),
        ]
        if ids in self.processes:
            self.earlier_output[ids] = self.earlier_output.get(ids, "") + self.processes[ids].output()
        self.processes[ids] = bot
        return bot

    async def start_all(self) -> None:
        for ids in self.ranges:
            await self.start(ids)

    def outputs(self) -> str:
        return "\n".join(f"=== {ids} ===\n{bot.output()}" for ids, bot in self.processes.items())

    async def wait_ready(self, timeout: float, ranges: tuple[str, ...] | None = None) -> None:  # noqa: ASYNC109
        wanted = ranges or self.ranges

        def ready() -> bool:
            bots = [self.processes[ids] for ids in wanted]
            return all("ready in" in b.output() for b in bots) or any(b.exited for b in bots)

        try:
            await self.standin.wait_for(ready, timeout)
        except TimeoutError as error:
            raise TimeoutError(f"not ready in {timeout} s\n{self.outputs()}") from error
        dead = [ids for ids in wanted if self.processes[ids].exited]
        if dead:
            raise RuntimeError(f"processes {dead} exited\n{self.outputs()}")

    async def kill(self, ids: str) -> None:
        bot = self.processes[ids]
        bot.proc.send_signal(signal.SIGKILL)
        await bot.wait_exit(30)

    async def stop_all(self) -> list[int]:
        for bot in self.processes.values():
            if not bot.exited:
                bot.proc.send_signal(signal.SIGTERM)
        return [await bot.wait_exit(60) for bot in self.processes.values()]


async def seed(
    url: str, guild_ids: list[int], per_guild: int, *, first: datetime | None = None, step: float = 0.0
) -> int:
    """Write ``per_guild`` channel messages for each guild through the delivery record itself (what a reminder,
    a prompt or an escalation writes), due now or from ``first`` one every ``step`` seconds; the processes
    must deliver each exactly once."""
    db = Database(url)
    try:
        deliveries = Deliveries(db, Clock())
        wanted = [(guild, n) for guild in guild_ids for n in range(per_guild)]
        rows = [
            Delivery.channel(
                guild + 1,
                f"reminder {n} for {guild}",
                purpose=PURPOSE,
                guild_id=guild,
                due_at=None if first is None else first + timedelta(seconds=i * step),
            )
            for i, (guild, n) in enumerate(wanted)
        ]
        async with db.write() as session:
            return await deliveries.enqueue_many(session, rows)
    finally:
        await db.close()


async def records(url: str) -> list[DeliveryRecord]:
    db = Database(url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(DeliveryRecord).where(DeliveryRecord.purpose == PURPOSE)))
    finally:
        await db.close()


def arrived(standin: DiscordStandin) -> Counter[str]:
    """How many times each nonce's message was created on Discord."""
    return Counter(str(m.get("nonce")) for m in standin.state.channel_messages if m.get("nonce") is not None)


def guilds_on(standin: DiscordStandin, count: int, shards: range | list[int]) -> list[int]:
    return [g for g in standin.guild_ids if shard_of(g, count) in shards]


def now() -> datetime:
    return datetime.now(UTC)
