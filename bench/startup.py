"""Start-up time, idle memory and slash-command latency of the real Hearth bot, in one run.

    python -m bench.startup [--features privacy,groups] [--trials 5]   (default: every feature)

(a) ``create_bot`` -> ``await env.start()`` (READY) inside SimCord on SQLite: an empty database
    (first start, migrations included), a restart on the same database, and a database holding
    100,000 group memberships.
(b) peak and current RSS of an idle ``python -m bot`` process connected to the loopback Discord
    stand-in of the wire tests, and a clean exit on SIGTERM.
(c) latency of ``/privacy info`` under 100 concurrent users: 100 INTERACTION_CREATE payloads built
    the way ``simcord.actors._slash`` builds them, emitted at once, timed from each emit to the
    bot's ``POST /interactions/{id}/{token}/callback``.

``--features ""`` loads every feature.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import simcord
import sqlalchemy
from simcord import interactions as sc_interactions
from simcord.actors import _check_command_access
from simcord.enums import AppCommandType, InteractionType
from simcord.http import router as sc_router
from sqlalchemy import insert

from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.db import Database
from bot.db import migrate as migrations
from cogs.groups.models import Group, GroupMember

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FEATURES = ""  # every feature, as in production
# Same shapes as tests/conftest.py; fake values, never a real token.
SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a fake, like tests/conftest.py
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ab"  # noqa: S105 - a fake

STARTUP_TARGET_S = 2.0
RSS_TARGET_MB = 120.0
P99_TARGET_MS = 20.0

SEED_GROUPS = 1_000
SEED_MEMBERS = 100_000
SEED_GUILDS = 10

RSS_SYNC_TIMEOUT_S = 30.0
RSS_EXIT_TIMEOUT_S = 10.0
WAVE_SETTLE_TIMEOUT_S = 60.0
SEQUENTIAL_SAMPLES = 50
EPHEMERAL = 1 << 6


# --- helpers --------------------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"platform   {platform.platform()}",
        f"cpu        {cpu} (os.cpu_count()={os.cpu_count()})",
        f"python     {platform.python_version()} ({sys.executable})",
        f"load avg   {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min, at start)",
        f"libraries  discord.py {discord.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"simcord {getattr(simcord, '__version__', '?')}",
    ]


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def make_settings(folder: Path, features: str) -> Settings:
    config = folder / "config.toml"
    if not config.exists():
        config.write_text("")  # never pick up a developer's ./config.toml
    environ = {
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
        "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/hearth.sqlite3",
        "HEARTH_FEATURES": features,
    }
    return load_settings(config, environ)


def quantile(samples: list[float], q: int) -> float:
    """The q-th percentile (1..99), inclusive method."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


@dataclass
class Row:
    label: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: informational

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append(Row(label, value, target, ok))

    def print(self) -> None:
        width = max(len(r.label) for r in self.rows)
        vwidth = max(len(r.value) for r in self.rows)
        twidth = max(len(r.target) for r in self.rows)
        for r in self.rows:
            print(f"  {r.label:<{width}}  {r.value:>{vwidth}}  {r.target:<{twidth}}  {r.verdict}".rstrip())
        for note in self.notes:
            print(f"  note: {note}")


# --- (a) start-up time in SimCord -----------------------------------------------------------------


async def _start_once(settings: Settings) -> float:
    """Seconds from create_bot to env.start() returning with the bot READY; then shut down."""
    clock = Clock()
    started = time.perf_counter()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    elapsed = time.perf_counter() - started
    try:
        if not bot.is_ready():
            raise RuntimeError("env.start() returned but the bot is not READY")
    finally:
        await _stop(env, bot)
    return elapsed


async def _stop(env: simcord.Env, bot: Hearth) -> None:
    try:
        await env.shutdown()
        env._raise_errors_since(env._errors_acknowledged)
    finally:
        bot.scheduler.shutdown()
        await bot.db.close()


async def _seed(settings: Settings) -> int:
    """Migrate, then insert SEED_GROUPS groups and SEED_MEMBERS memberships; returns rows written."""
    db = Database(settings.database_url)
    try:
        await migrations.upgrade(db)
        now = datetime.now(UTC)
        base_id = 1_100_000_000_000_000_000
        groups = [
            {
                "id": i + 1,
                "guild_id": base_id + i % SEED_GUILDS,
                "name": f"Group {i}",
                "name_key": f"group {i}",
                "description": "",
                "private": i % 3 == 0,
                "role_id": base_id + 10_000 + i,
                "channel_id": base_id + 20_000 + i,
                "owns_channel": True,
                "neutral_role": True,
                "guidelines": "Be kind. What is shared here stays here.",
                "guidelines_version": 1,
                "created_by": base_id + 100_000,
                "created_at": now - timedelta(days=30),
            }
            for i in range(SEED_GROUPS)
        ]
        per_group = SEED_MEMBERS // SEED_GROUPS
        members = [
            {
                "group_id": g + 1,
                "user_id": base_id + 1_000_000 + (g * 37 + k) % (SEED_MEMBERS // 4),
                "joined_at": now - timedelta(minutes=k),
            }
            for g in range(SEED_GROUPS)
            for k in range(per_group)
        ]
        async with db.write() as session:
            await session.execute(insert(Group), groups)
            for start in range(0, len(members), 10_000):
                await session.execute(insert(GroupMember), members[start : start + 10_000])
        return len(groups) + len(members)
    finally:
        await db.close()


def bench_startup(features: str, trials: int, report: Report) -> None:
    empty: list[float] = []
    restart: list[float] = []
    seeded: list[float] = []
    for _ in range(trials):
        with temp_dir("hearth-bench-") as folder:
            settings = make_settings(folder, features)
            empty.append(asyncio.run(_start_once(settings)))
            restart.append(asyncio.run(_start_once(settings)))
    with temp_dir("hearth-bench-seed-") as folder:
        settings = make_settings(folder, features)
        seed_started = time.perf_counter()
        rows = asyncio.run(_seed(settings))
        seed_s = time.perf_counter() - seed_started
        size_mb = (folder / "hearth.sqlite3").stat().st_size / 2**20
        for _ in range(trials):
            seeded.append(asyncio.run(_start_once(settings)))
    report.notes.append(
        f"seeded database: {rows:,} rows ({SEED_GROUPS:,} groups, {SEED_MEMBERS:,} memberships), "
        f"{size_mb:.1f} MB, seeded in {seed_s:.2f} s"
    )
    for label, samples in (
        ("(a1) start, empty db (migrations)", empty),
        ("(a2) start, restart same db", restart),
        (f"(a3) start, db with {rows:,} rows", seeded),
    ):
        med, worst = statistics.median(samples), max(samples)
        report.add(
            f"{label} median/max",
            f"{med * 1000:.0f} / {worst * 1000:.0f} ms",
            f"< {STARTUP_TARGET_S * 1000:.0f} ms",
            worst < STARTUP_TARGET_S,
        )
        report.notes.append(f"{label} trials ms: " + ", ".join(f"{s * 1000:.0f}" for s in samples))
    report.notes.append("(a1) trial 1 is the first bot built in this process: it includes importing feature modules")


# --- (b) peak RSS of the idle real process ------------------------------------------------------------


def _proc_status_kb(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmHWM", "VmRSS"}:
            values[key] = int(rest.split()[0])
    return values


async def _drain(stream: asyncio.StreamReader | None, sink: bytearray) -> None:
    if stream is None:
        return
    while chunk := await stream.read(65536):
        sink += chunk


async def _rss(features: str, idle_s: float) -> tuple[float, dict[str, int], int, str]:
    """(spawn-to-synced seconds, /proc status in kB, exit code, captured output)."""
    from tests.wire.standin import DiscordStandin

    with temp_dir("hearth-bench-rss-") as folder:
        config = folder / "config.toml"
        config.touch()
        async with DiscordStandin() as standin:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "HEARTH_"))}
            env.update(
                PYTHONPATH=str(REPO_ROOT),
                PYTHONUNBUFFERED="1",
                DISCORD_TOKEN=standin.token,
                HEARTH_SECRET_KEY=SECRET,
                HEARTH_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'hearth.sqlite3'}",
                HEARTH_DISCORD_API_URL=standin.http_base,
                HEARTH_DISCORD_GATEWAY_URL=standin.gateway_url,
                HEARTH_CONFIG=str(config),
                HEARTH_FEATURES=features,
            )
            spawned = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=REPO_ROOT,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = bytearray(), bytearray()
            drains = [asyncio.create_task(_drain(proc.stdout, out)), asyncio.create_task(_drain(proc.stderr, err))]

            def output() -> str:
                return (out + err).decode(errors="replace")

            try:
                await standin.wait_for(
                    lambda: (
                        (bool(standin.state.synced_commands) and standin.state.identify is not None)
                        or proc.returncode is not None
                    ),
                    RSS_SYNC_TIMEOUT_S,
                )
                synced_s = time.perf_counter() - spawned
                if proc.returncode is not None:
                    raise RuntimeError(f"bot exited early with {proc.returncode}\n{output()}")
                await asyncio.sleep(idle_s)
                if proc.returncode is not None:
                    raise RuntimeError(f"bot exited while idle with {proc.returncode}\n{output()}")
                status = _proc_status_kb(proc.pid)
                proc.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(proc.wait(), RSS_EXIT_TIMEOUT_S)
                await asyncio.wait_for(asyncio.gather(*drains), 5)
                return synced_s, status, code, output()
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
                for task in drains:
                    task.cancel()


def bench_rss(features: str, idle_s: float, report: Report) -> None:
    synced_s, status, code, output = asyncio.run(_rss(features, idle_s))
    hwm_mb, rss_mb = status["VmHWM"] / 1024, status["VmRSS"] / 1024
    report.add(
        "(b) idle process peak RSS (VmHWM)", f"{hwm_mb:.1f} MB", f"< {RSS_TARGET_MB:.0f} MB", hwm_mb < RSS_TARGET_MB
    )
    report.add(
        "(b) idle process RSS now (VmRSS)", f"{rss_mb:.1f} MB", f"< {RSS_TARGET_MB:.0f} MB", rss_mb < RSS_TARGET_MB
    )
    report.add("(b) exit code after SIGTERM", str(code), "== 0", code == 0)
    report.add("(b) spawn to commands synced (cold)", f"{synced_s * 1000:.0f} ms", "info")
    if "Traceback" in output:
        report.notes.append("(b) the bot printed a traceback:\n" + output)


# --- (c) latency of /privacy info under 100 concurrent users ---------------------------------------


@dataclass
class LatencyResult:
    samples: list[float] = field(default_factory=list)  # seconds, emit -> callback
    busy: float = 0.0  # summed wall seconds, first emit -> last callback of each wave
    cpu: float = 0.0  # summed process CPU seconds (all threads) over the same spans
    problems: list[str] = field(default_factory=list)


@dataclass
class CallbackLog:
    at: dict[int, list[float]] = field(default_factory=dict)
    flags: dict[int, list[int]] = field(default_factory=dict)

    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, ids: Iterable[int], timeout: float) -> None:  # noqa: ASYNC109
        """Until every id has a callback, or ``timeout`` seconds (then settle reports what is stuck)."""
        wanted = list(ids)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not all(i in self.at for i in wanted):
                    self.changed.clear()
                    await self.changed.wait()

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def dispatch(backend: Any, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            result = original(backend, method, path, *args, **kwargs)
            if method == "POST" and path.startswith("/interactions/") and path.endswith("/callback"):
                interaction_id = int(path.split("/")[2])
                self.at.setdefault(interaction_id, []).append(time.perf_counter())
                body = kwargs.get("json") or {}
                flags = int((body.get("data") or {}).get("flags") or 0)
                self.flags.setdefault(interaction_id, []).append(flags)
                self.changed.set()
            return result

        return dispatch


async def _latency(features: str, users: int, waves: int, *, settle_driven: bool = False) -> LatencyResult:
    """Waves of ``users`` simultaneous /privacy info; the first wave only warms up."""
    with temp_dir("hearth-bench-lat-") as folder:
        settings = make_settings(folder, features)
        clock = Clock()
        bot = create_bot(settings, clock=clock)
        # A wave of 100 may take longer than SimCord's default 5 s settle on a loaded machine.
        env = simcord.Env(bot, strict_sync=True, settle_timeout=WAVE_SETTLE_TIMEOUT_S)
        clock.use(env.now)
        await env.start()
        log = CallbackLog()
        original = sc_router.dispatch
        setattr(sc_router, "dispatch", log.wrap(original))  # noqa: B010 - patch the module seam for this run
        try:
            guild = env.create_guild("Bench Guild")
            channel = guild.create_text_channel("general")
            actors = [guild.add_member(env.create_user(f"user{i}")) for i in range(users)]
            await env.settle()
            backend = env.backend
            root = backend.find_command("privacy", guild.id, type=AppCommandType.CHAT_INPUT)
            if root is None:
                raise RuntimeError("/privacy was not synced to SimCord")
            leaf, nesting = sc_interactions.walk_to_subcommand(root, ["info"])
            for actor in actors:
                _check_command_access(actor, channel.id, "privacy", root)

            def data_for(actor: simcord.MemberActor) -> dict[str, Any]:
                leaf_options, resolved = sc_interactions.build_options(
                    actor, "privacy info", leaf, {}, channel_id=channel.id
                )
                data: dict[str, Any] = {
                    "id": root["id"],
                    "name": root["name"],
                    "type": root.get("type", AppCommandType.CHAT_INPUT),
                    "options": sc_interactions.nest_options(root, nesting, leaf_options),
                }
                if resolved:
                    data["resolved"] = resolved
                if root.get("guild_id"):
                    data["guild_id"] = root["guild_id"]
                return data

            result = LatencyResult()
            for wave in range(waves + 1):  # wave 0 warms up
                prepared = []
                for actor in actors:
                    record, payload = sc_interactions.base_payload(
                        backend,
                        type=InteractionType.APPLICATION_COMMAND,
                        channel_id=channel.id,
                        guild_id=guild.id,
                        user_id=actor.id,
                        data=data_for(actor),
                    )
                    prepared.append((record, payload))
                gc.collect()
                emitted: dict[int, float] = {}
                env._begin_operation("slash")
                try:
                    cpu_first = time.process_time()
                    first = time.perf_counter()
                    for record, payload in prepared:
                        env._notify_dispatch_observers(record)
                        emitted[record.id] = time.perf_counter()
                        backend.emit("INTERACTION_CREATE", payload)
                    if not settle_driven:
                        # Let the bot answer without SimCord's settle loop polling every pending task
                        # on the same event loop (test-harness work, O(pending) per loop turn).
                        await log.wait_for(emitted.keys(), WAVE_SETTLE_TIMEOUT_S)
                    cpu = time.process_time() - cpu_first
                    await env._settle_internal(dispatch="INTERACTION_CREATE")
                finally:
                    env._end_operation()
                env._raise_errors_since(env._errors_acknowledged)
                last = first
                for record, _ in prepared:
                    stamps = log.at.get(record.id, [])
                    flags = log.flags.get(record.id, [])
                    ephemeral = bool(flags) and all(f & EPHEMERAL for f in flags) and record.ephemeral
                    if len(stamps) != 1 or not record.responded or not ephemeral or record.followup_ids:
                        result.problems.append(
                            f"wave {wave} interaction {record.id}: {len(stamps)} callbacks, flags {flags}, "
                            f"responded={record.responded}, followups={len(record.followup_ids)}"
                        )
                        continue
                    last = max(last, stamps[0])
                    if wave:
                        result.samples.append(stamps[0] - emitted[record.id])
                if wave:
                    result.busy += last - first
                    result.cpu += cpu
            return result
        finally:
            setattr(sc_router, "dispatch", original)  # noqa: B010
            await _stop(env, bot)


def bench_latency(features: str, users: int, waves: int, settle_driven: bool, report: Report) -> None:
    # Service time first: one user at a time, no queueing (what a single command costs end to end).
    alone = asyncio.run(_latency(features, 1, SEQUENTIAL_SAMPLES, settle_driven=settle_driven))
    if len(alone.samples) >= 2:
        p50, p99 = quantile(alone.samples, 50) * 1000, quantile(alone.samples, 99) * 1000
        report.add("(c0) /privacy info, 1 user at a time: p50 / p99", f"{p50:.1f} / {p99:.1f} ms", "info")
    burst = asyncio.run(_latency(features, users, waves, settle_driven=settle_driven))
    label = f"(c) /privacy info, {users} concurrent"
    bad = alone.problems + burst.problems
    answered = len(alone.samples) + len(burst.samples)
    if bad:
        report.add(f"{label}: exactly one ephemeral answer", f"{len(bad)} bad", "0 bad", False)
        report.notes.extend(bad[:5])
    else:
        report.add(f"{label}: exactly one ephemeral answer", f"{answered} ok", "all", True)
    samples = burst.samples
    if len(samples) < 2:
        return
    p50, p99 = quantile(samples, 50) * 1000, quantile(samples, 99) * 1000
    report.add(f"{label}: p50", f"{p50:.1f} ms", "info")
    report.add(f"{label}: p99", f"{p99:.1f} ms", f"< {P99_TARGET_MS:.0f} ms", p99 < P99_TARGET_MS)
    report.add(f"{label}: max", f"{max(samples) * 1000:.1f} ms", "info")
    report.add(f"{label}: throughput", f"{len(samples) / burst.busy:.0f} /s", "info")
    report.add(f"{label}: CPU per command", f"{burst.cpu / len(samples) * 1000:.1f} ms", "info")
    mode = "settle loop running during the wave" if settle_driven else "settled once after every callback arrived"
    report.notes.append(
        f"(c) {len(samples)} samples = {waves} waves x {users} after 1 warm-up wave ({mode}); latency = emit of "
        "the INTERACTION_CREATE to the bot's POST .../callback, so later answers in a wave queue behind earlier "
        "ones on the one event loop: p99 of a burst ~ burst size / throughput; throughput = samples / summed "
        "(first emit -> last callback); CPU = process CPU time (all threads) over the same spans / samples"
    )


# --- entry point -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--features", default=DEFAULT_FEATURES, help='comma-separated features; "" = all')
    parser.add_argument("--trials", type=int, default=5, help="start-ups per database state (default 5)")
    parser.add_argument("--users", type=int, default=100, help="concurrent users per wave (default 100)")
    parser.add_argument("--waves", type=int, default=20, help="measured waves after one warm-up (default 20)")
    parser.add_argument(
        "--settle-driven",
        action="store_true",
        help="(c): run SimCord's settle loop during each wave instead of after its callbacks (adds harness load)",
    )
    parser.add_argument("--idle", type=float, default=5.0, help="seconds the real process idles (default 5)")
    args = parser.parse_args(argv)

    print("Hearth start-up bench")
    for line in machine():
        print(f"  {line}")
    print(f"  features   {args.features or '(all)'}")
    report = Report()
    began = time.perf_counter()
    bench_rss(args.features, args.idle, report)
    bench_startup(args.features, args.trials, report)
    bench_latency(args.features, args.users, args.waves, args.settle_driven, report)
    report.print()
    print(f"  total bench time {time.perf_counter() - began:.1f} s")
    misses = [r for r in report.rows if r.ok is False]
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
