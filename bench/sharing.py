"""Benchmark: 500 anonymous shares from 100 members at once (issue 7), through SimCord and the real bot.

Run: /tmp/venv/bin/python -m bench.sharing        (about a minute; BENCH_PROFILE=1 adds a cProfile top list)

What is measured, per share: from the modal submit (SimCord emits the MODAL_SUBMIT interaction; the
real discord.py parses it, runs ``ShareModal.on_submit`` -> ``SharingCog.submit``) to the post
existing: the message sent to the group's channel AND its message id committed to the database
(``SharingCog.publish`` returned). The author's ephemeral confirmation that follows is not part of it.
Every world is fresh (new SQLite file in WAL mode, new bot, new SimCord Env), break-glass is on so
every share also pays the AES-GCM seal, and all Hearth features are loaded (moderation included).

Method, and why it differs from a plain ``await member.submit_modal(...)`` loop:

* SimCord's ``submit_modal`` settles after every dispatch, and ``Env.settle`` rescans every pending
  bot task on each loop turn (``_is_parked`` -> ``_stored_wait_futures`` / ``_view_timeout_task_identity``);
  with hundreds of shares in flight that scan is quadratic and was most of the old figures (p50 9 s at
  50 concurrent). So the driver submits with settling switched off, waits on its own completion event
  (bounded by a timeout), and settles once at the end, when the work is done. Forms are opened the same
  way before the clock starts (each open form is a pending view-timeout task that settle rescans).
* SimCord records every callback the bot schedules in a list and removes it with ``list.remove``, which
  compares records with the dataclass ``__eq__`` against every older entry, including the ~500 parked
  timers of the open forms: quadratic, and ~70 % of the profile of a 500-share burst (20 M ``__eq__``
  calls). The main runs compare those records by identity (what the removal means; nothing else
  changes); the last two SimCord runs use SimCord as shipped, to show what that costs.
* The **no-op** scenario measures the remaining floor of SimCord + discord.py: the same modal, the same
  Discord calls (defer, channel send with embed and buttons, followup), with the sharing service
  replaced by an in-memory stub (no database, no HMAC, no AES). Hearth's share path per share is then
  1/throughput(Hearth) - 1/throughput(no-op).
* **service only** runs Hearth's own share path (``SharingService.create`` + ``attach_message``, i.e.
  every check, the HMACs, the seal and both transactions) for 500 concurrent shares on a plain asyncio
  loop, without SimCord or discord.py: the cost of Hearth's code by itself.
* SimCord does not simulate Discord's rate limits (its fake HTTP client answers every request, never a
  429), so in-process one channel and ten channels are measured alike; both are printed. On real
  Discord a channel takes about 5 messages per 5 s (the bucket Discord reports for channel message
  sends) and a bot about 50 requests/s in all (interaction responses are exempt), so on the wire 500
  posts into one channel take >= ~100 s whatever Hearth does: the printed bound, not Hearth, limits a
  real burst. discord.py would sleep on those 429s; in SimCord nothing sleeps.
* "At once" is a burst: 500 submits arrive in the same instant, so the last one waits for the 499
  before it and burst p99 is about 500 / throughput (queueing, not per-share cost). The latency
  target is therefore also measured the way a service level is: 500 shares arriving at a steady
  100 shares/s (the throughput target) from the same 100 members, where p99 is the per-share latency
  at the target load.
* The HMAC (pseudonym + server hash) and AES-GCM seal are timed with ``timeit`` on their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import io
import itertools
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import simcord
from simcord import _modal
from simcord import _runtime as simcord_runtime
from sqlalchemy import delete, func, select

from bot.actor import Actor
from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import load_settings
from bot.db import Database
from bot.keys import Keyring
from bot.safety import SafetyNet
from cogs.groups.models import Group, GroupMember
from cogs.sharing import domain
from cogs.sharing.models import AnonymousPost, SharingConfig
from cogs.sharing.service import Posted, Publication, ShareResult, SharingService, Target
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import SECRET, TOKEN
from tests.support.groups import make_group

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100"))  # the issue asks 100; smaller only for development
SHARES_EACH = 5
SHARES = MEMBERS * SHARES_EACH
PACED_RATE = 100.0  # shares/s, the throughput target
RUN_TIMEOUT = 60.0  # seconds; any scenario taking longer fails loudly instead of hanging
PROFILE = os.environ.get("BENCH_PROFILE") == "1"


class _Harness:
    def __init__(self, env: simcord.Env, clock: Clock) -> None:
        self.env = env
        self.clock = clock

    @property
    def bot(self) -> Hearth:
        bot = self.env.bot
        assert isinstance(bot, Hearth)
        return bot


@dataclass
class Figures:
    name: str
    shares: int
    elapsed: float
    latencies_ms: list[float]
    posted: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.shares / self.elapsed

    def line(self) -> str:
        ms = self.latencies_ms
        return (
            f"{self.name:<34} {self.rate:5.0f} shares/s {self.elapsed:6.2f} s  "
            f"latency p50 {statistics.median(ms):7.1f} ms  p99 {percentile(ms, 99):7.1f} ms  max {max(ms):7.1f} ms"
        )


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + RUN_TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {RUN_TIMEOUT:.0f} s")
        await asyncio.sleep(0.005)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _no_settle(*_args: Any, **_kwargs: Any) -> None:
    return None


def _settings(folder: Path) -> Any:
    (folder / "config.toml").write_text("")
    return load_settings(
        folder / "config.toml",
        {
            "DISCORD_TOKEN": TOKEN,
            "HEARTH_SECRET_KEY": SECRET,
            "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.sqlite3",
        },
    )


@contextlib.contextmanager
def identity_callback_records(enabled: bool) -> Iterator[None]:
    """SimCord records every bot ``call_soon`` in a list and removes it with ``list.remove``, which compares
    records with the dataclass ``__eq__`` (field tuples, then ``Handle.__eq__``) against every older entry:
    with 500 open forms each parked timer is compared on every callback. Comparing by identity, which
    is what that removal means, keeps SimCord's behaviour and takes its quadratic cost out of the figures."""
    if not enabled:
        yield
        return
    record = simcord_runtime._CallbackRecord
    original = record.__eq__
    record.__eq__ = object.__eq__  # type: ignore[method-assign]
    try:
        yield
    finally:
        record.__eq__ = original  # type: ignore[method-assign]


async def simcord_run(folder: Path, name: str, *, groups: int, mode: str, fast_records: bool = True) -> Figures:
    """One fresh world; ``mode`` is "burst" (all at once), "paced" (PACED_RATE/s) or "noop" (burst, stub service)."""
    with identity_callback_records(fast_records):
        return await _simcord_run(folder, name, groups=groups, mode=mode)


async def _simcord_run(folder: Path, name: str, *, groups: int, mode: str) -> Figures:
    clock = Clock()
    bot = create_bot(_settings(folder), clock=clock)
    env = simcord.Env(bot, strict_sync=True, settle_timeout=RUN_TIMEOUT)
    clock.use(env.now)
    await env.start()
    try:
        harness = _Harness(env, clock)
        guild = env.create_guild()
        members = [guild.add_member(env.create_user(f"member{i}")) for i in range(MEMBERS)]
        per_group = MEMBERS // groups
        fixtures = [
            await make_group(
                harness,  # type: ignore[arg-type]
                guild,
                f"Bench {g}",
                members=members[g * per_group : (g + 1) * per_group],
            )
            for g in range(groups)
        ]
        channel_of: dict[int, simcord.ChannelHandle] = {}
        for g, fixture in enumerate(fixtures):
            for member in members[g * per_group : (g + 1) * per_group]:
                channel_of[id(member)] = fixture.channel
        async with bot.db.write() as session:
            # Every share pays the AES-GCM seal too (break-glass is sharing's own setting since issue 10).
            session.add(
                SharingConfig(guild_id=guild.id, anonymous_sharing=True, approval_required=False, break_glass=True)
            )

        # Open every form first (not measured). Each open form is a pending view-timeout task that
        # Env.settle rescans on every turn, so forms are opened without settling and awaited directly.
        t0 = time.perf_counter()
        with mock.patch.object(env, "_settle_internal", _no_settle):
            shown = [(m, await m.slash(channel_of[id(m)], "share")) for _round in range(SHARES_EACH) for m in members]
            await wait_until(lambda: all(result.modal is not None for _m, result in shown), "forms to open")
        log(f"{name}: {len(shown)} forms opened in {time.perf_counter() - t0:.1f} s")

        cog: Any = bot.get_cog("Sharing")
        started: dict[str, float] = {}
        latencies: list[float] = []
        done = asyncio.Event()
        publish = cog.publish

        async def timed_publish(publication: Publication, **kwargs: Any) -> Any:
            message = await publish(publication, **kwargs)
            latencies.append(time.perf_counter() - started[publication.text])
            if len(latencies) == len(shown):
                done.set()
            return message

        cog.publish = timed_publish
        if mode == "noop":
            _stub_service(cog, {f.group_id: f.channel.id for f in fixtures})

        profiler = cProfile.Profile() if PROFILE else None
        interval = 1.0 / PACED_RATE
        order = list(range(len(shown)))
        begin = time.perf_counter()
        if profiler:
            profiler.enable()
        with mock.patch.object(env, "_settle_internal", _no_settle):
            for n in order:
                member, result = shown[n]
                if mode == "paced":
                    delay = begin + n * interval - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                text = f"share {n}"
                started[text] = time.perf_counter()
                await _modal._submit_modal(member, result, {TEXT_ID: text, WARNING_ID: ""})
            await asyncio.wait_for(done.wait(), RUN_TIMEOUT)
        elapsed = time.perf_counter() - begin
        if profiler:
            profiler.disable()
        log(f"{name}: {len(shown)} shares in {elapsed:.2f} s")
        await env.settle()

        posted = sum(1 for f in fixtures for m in f.channel.history() if m.content.startswith("share "))
        assert posted == len(shown) == len(latencies), (posted, len(shown), len(latencies))
        if mode != "noop":
            async with bot.db.read() as session:
                stored = await session.scalar(
                    select(func.count()).select_from(AnonymousPost).where(AnonymousPost.message_id.is_not(None))
                )
            assert stored == len(shown), stored
        figures = Figures(name, len(shown), elapsed, [x * 1000 for x in latencies], posted)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            figures.notes.append(out.getvalue())
        return figures
    finally:
        await env.shutdown()
        if isinstance(env.bot, Hearth):
            env.bot.scheduler.shutdown()
            await env.bot.db.close()


def _stub_service(cog: Any, channels: dict[int, int]) -> None:
    """The no-op command: same modal and Discord calls, no database, no HMAC, no AES."""
    ids = itertools.count(1)

    async def create(actor: Actor, target: Target, text: str | None, warning: str | None) -> ShareResult:
        post_id = next(ids)
        code = f"{post_id:016d}"
        publication = Publication(post_id, code, text or "", warning or None, None, channels[target.group_id])
        return ShareResult(publication, False, None, False, target.group_name, target.group_id)

    async def attach_message(*_args: Any, **_kwargs: Any) -> Posted:
        return Posted(None)

    cog.service.create = create
    cog.service.attach_message = attach_message


async def service_only(folder: Path) -> Figures:
    """Hearth's share path alone (no SimCord, no discord.py): 500 concurrent create + attach_message."""
    db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
    async with db.write() as session:  # reuse the world of a finished run, minus its posts
        await session.execute(delete(AnonymousPost))
    async with db.read() as session:
        rows = (await session.execute(select(GroupMember.group_id, GroupMember.user_id))).all()
        guild_id = await session.scalar(select(Group.guild_id).limit(1))  # no GuildConfig row unless /setup ran
    assert guild_id is not None
    assert len(rows) == MEMBERS
    settings = _settings(folder)

    keys = Keyring(SECRET.encode())
    service = SharingService(
        db, lambda: keys, settings.sharing, Clock(), SafetyNet.from_settings(settings.safety), retention_days=0
    )
    latencies: list[float] = []
    message_ids = itertools.count(10**17)

    async def one(group_id: int, user_id: int, n: int) -> None:
        start = time.perf_counter()
        actor = Actor(guild_id=guild_id, user_id=user_id, role_ids=frozenset(), is_admin=False)
        result = await service.create(actor, Target(group_id, "Bench"), f"share {n}", None)
        await service.attach_message(result.publication.post_id, 1, next(message_ids), None, flag=False)
        latencies.append(time.perf_counter() - start)

    shares = [(*rows[n % MEMBERS], n) for n in range(SHARES)]
    begin = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(one(g, u, n) for g, u, n in shares)), RUN_TIMEOUT)
    elapsed = time.perf_counter() - begin
    # One share alone, for the unloaded service time.
    async with db.write() as session:
        await session.execute(delete(AnonymousPost))
    single: list[float] = []
    for n in range(50):
        group_id, user_id = rows[n % MEMBERS]
        start = time.perf_counter()
        await one(group_id, user_id, n)
        single.append(time.perf_counter() - start)
    await db.close()
    figures = Figures("service only, 500 at once", SHARES, elapsed, [x * 1000 for x in latencies])
    figures.notes.append(
        f"service only, one share at a time (50): p50 {statistics.median(single) * 1000:.2f} ms  "
        f"p99 {percentile(single, 99) * 1000:.2f} ms"
    )
    return figures


def crypto_costs() -> tuple[float, float]:
    keys = Keyring(SECRET.encode())
    loops = 20_000
    hmac_s = timeit.timeit(lambda: (domain.pseudonym(keys, 1, 2, 3), domain.server_hash(keys, 1, 3)), number=loops)
    key = keys.derive("break-glass")
    seal_s = timeit.timeit(lambda: domain.seal_author(key, 123456789012345678, "ABCDEFGHIJKLMNOP"), number=loops)
    return hmac_s / loops * 1e6, seal_s / loops * 1e6


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {platform.platform()} · Python {platform.python_version()} · {cpu} · "
        f"{os.cpu_count()} cores · load average {load}"
    )


def main() -> None:
    print(machine())
    print(f"{SHARES} shares from {MEMBERS} members ({SHARES_EACH} each), SQLite (WAL), break-glass on, all features")
    results: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        runs = [
            ("no-op share (SimCord floor)", 10, "noop", True),
            ("Hearth, 10 channels, at once", 10, "burst", True),
            ("Hearth, 1 channel, at once", 1, "burst", True),
            (f"Hearth, 10 channels, {PACED_RATE:.0f}/s paced", 10, "paced", True),
            ("no-op, SimCord as shipped", 10, "noop", False),
            ("Hearth, 10 ch, SimCord as shipped", 10, "burst", False),
        ]
        for n, (name, groups, mode, fast) in enumerate(runs):
            (root / f"w{n}").mkdir()
            results.append(asyncio.run(simcord_run(root / f"w{n}", name, groups=groups, mode=mode, fast_records=fast)))
        results.append(asyncio.run(service_only(root / "w1")))
    hmac_us, seal_us = crypto_costs()
    print()
    for figures in results:
        print(figures.line())
        for note in figures.notes:
            print("   " + note)
    print()
    floor, hearth, shipped_floor, shipped = results[0], results[1], results[4], results[5]
    print(
        f"per share, at once (1/throughput): Hearth flow {1000 / hearth.rate:.1f} ms = SimCord + discord.py floor "
        f"{1000 / floor.rate:.1f} ms + Hearth's share path {1000 / hearth.rate - 1000 / floor.rate:.1f} ms "
        f"(service alone on a plain loop: {1000 / results[-1].rate:.1f} ms)"
    )
    print(
        f"SimCord as shipped (dataclass-equality callback removal): floor {1000 / shipped_floor.rate:.1f} ms, "
        f"Hearth flow {1000 / shipped.rate:.1f} ms per share"
    )
    print(f"per share: pseudonym + server hash HMAC-SHA256 {hmac_us:.1f} µs, AES-256-GCM seal {seal_us:.1f} µs")
    print(
        "real Discord bound (not simulated by SimCord): ~5 messages / 5 s per channel -> 500 posts in 1 channel "
        ">= ~100 s, in 10 channels >= ~10 s; the bot's global ~50 requests/s caps any spread at ~50 posts/s"
    )
    print("targets: >= 100 shares/s; p99 < 50 ms in process")
    print(machine().replace("machine:", "machine after:"))


if __name__ == "__main__":
    main()
