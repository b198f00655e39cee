"""Benchmark (issue 17): Hearth's own cost per hot interaction, open-loop, with a no-op floor per kind in the same run.

Run: .venv/bin/python -m bench.interactions [--repeat 3] [--kinds share,checkin,...] [--profile] [--inline]
     (BENCH_SECONDS=2 per steady rate, BENCH_RATES=100,200,400,600,800, BENCH_BURST=100, BENCH_ONE=50)

One harness drives every hot interaction through SimCord and the real bot (all features loaded, SQLite):

  share     the /share form submitted          checkin   the /checkin now form submitted
  rsvp      "Going"/"Maybe" on a meeting card   round     "Pass" by the member holding the stick
  report    the "Report message" form submitted privacy   /privacy info

Each kind is a ``Kind``: how to arrange its world and how to prepare ``n`` ready-to-fire interactions
(forms are opened and cards posted before the clock starts). The harness is shared:

* **answer time**: every REST request the bot makes on an interaction's token is timestamped (SimCord's
  router). An interaction is answered at its last such request that is not a defer or a modal, i.e. the
  member's final answer (for /share that comes after the post and its id are committed).
* **one at a time** (BENCH_ONE=50): each interaction fired when the previous one was answered; process
  CPU per interaction, p50 and p99, minus the floor's p50 (the issue's CPU target). Nothing is batched.
* **steady rate, open-loop** (share and checkin, the issue's rate targets): interaction n is fired at
  begin + n / rate whatever the backlog; latency is from that scheduled time to the answer.
  **saturation** is the first rate whose p99 passes 100 ms.
* **burst**: BENCH_BURST interactions in the same instant (rounds: one per round, ROUNDS rounds);
  throughput = n / time to the last answer; **CPU** = process CPU per interaction over that window.
* **no-op floor per kind**: the same world and the same Discord calls with the feature's service object
  replayed: one real interaction first records what each service method returned, then every service
  method used returns that recorded result without running (no database, no checks). Lookups a cog makes
  outside its own service (e.g. the groups API to resolve a channel) still run in the floor, so the floor
  is slightly high and "minus floor" slightly low for those kinds; the profile shows how much.
* **profile** (``--profile``): one extra burst per kind under cProfile, cumulative time summed by where
  the code lives (Hearth's bot/ and cogs/, SQLAlchemy, aiosqlite/sqlite3, discord.py, SimCord, asyncio,
  other) and the top Hearth functions by cumulative time.

The load average is printed with every figure. SimCord's callback records are compared by identity and
forms are opened without settling (its settle and record removal are quadratic; see bench/sharing.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import copy
import cProfile
import inspect
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import aiosqlite
import simcord
from simcord.http import router
from sqlalchemy import event

from bench.sharing import _no_settle, identity_callback_records, machine, percentile, wait_until
from bot import outcome
from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import load_settings
from bot.db import Database
from cogs.checkins.views import MOOD_ID, NOTE_ID, VISIBILITY_ID
from cogs.moderation.models import ModerationConfig
from cogs.sharing.models import SharingConfig
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import SECRET, TOKEN
from tests.support.groups import GroupFixture, make_group

SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
RATES = [int(x) for x in os.environ.get("BENCH_RATES", "100,200,400,600,800").split(",")]
BURST = int(os.environ.get("BENCH_BURST", "100"))
ONE_AT_A_TIME = int(os.environ.get("BENCH_ONE", "50"))
MEMBERS = 20
ROUNDS = 20  # a Pass needs the member holding the stick: one Pass per round per burst
REPORT_REASON_ID = "mod:report:reason"
NOT_FINAL = {5, 6, 9}  # interaction callbacks that are not the answer: defer, deferred update, modal

Fire = Callable[[], Awaitable[Any]]


def _raw(method: Any) -> Any:
    """SimCord's actor method without its one-operation-at-a-time guard (the driver overlaps on purpose)."""
    return getattr(method, "__wrapped__", method)


@dataclass
class World:
    env: simcord.Env
    clock: Clock
    guild: simcord.GuildHandle
    members: list[simcord.MemberActor]
    fac: simcord.MemberActor
    group: GroupFixture
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def bot(self) -> Hearth:
        assert isinstance(self.env.bot, Hearth)
        return self.env.bot


async def _open_forms(world: World, opened: list[tuple[simcord.MemberActor, Any]]) -> None:
    await wait_until(lambda: all(r.modal is not None for _m, r in opened), "forms to open")


def _submit(member: simcord.MemberActor, shown: Any, values: dict[str, Any]) -> Fire:
    return partial(_raw(simcord.MemberActor.submit_modal), member, shown, values)


# ---------------------------------------------------------------- the kinds: arrange a world, prepare n


async def _share_arrange(world: World) -> None:
    async with world.bot.db.write() as session:
        session.add(SharingConfig(guild_id=world.guild.id, anonymous_sharing=True, approval_required=False))


async def _share_prepare(world: World, n: int) -> list[Fire]:
    slash = _raw(simcord.MemberActor.slash)
    opened = [(m, await slash(m, world.group.channel, "share")) for m in (world.members[i % MEMBERS] for i in range(n))]
    await _open_forms(world, opened)
    return [_submit(m, r, {TEXT_ID: f"share {i}", WARNING_ID: ""}) for i, (m, r) in enumerate(opened)]


async def _checkin_prepare(world: World, n: int) -> list[Fire]:
    slash = _raw(simcord.MemberActor.slash)
    opened = [
        (m, await slash(m, world.group.channel, "checkin now")) for m in (world.members[i % MEMBERS] for i in range(n))
    ]
    await _open_forms(world, opened)
    return [
        _submit(m, r, {MOOD_ID: [str(3 + i % 3)], NOTE_ID: f"note {i}", VISIBILITY_ID: ["me"]})
        for i, (m, r) in enumerate(opened)
    ]


async def _rsvp_arrange(world: World) -> None:
    voice = world.guild.create_voice_channel("meeting-room")
    await world.fac.slash(
        world.group.channel, "facilitate meeting schedule", title="Weekly circle", when="2027-01-07 19:00",
        repeat="weekly", voice_channel=voice,
    )  # fmt: skip
    world.extra["card"] = world.group.channel.last_message


async def _rsvp_prepare(world: World, n: int) -> list[Fire]:
    click = _raw(simcord.MemberActor.click)
    card = world.extra["card"]
    labels = ("Going", "Maybe")  # members change their answer: every click is a write
    return [partial(click, world.members[i % MEMBERS], card, label=labels[(i // MEMBERS) % 2]) for i in range(n)]


async def _round_arrange(world: World) -> None:
    rounds = []
    for r in range(ROUNDS):
        a, b = (world.guild.add_member(world.env.create_user(f"r{r}{x}")) for x in "ab")
        group = await make_group(world, world.guild, f"Round {r}", members=[a, b], facilitators=[world.fac])  # type: ignore[arg-type]
        rounds.append((a, b, group.channel))
    world.extra["rounds"] = rounds


async def _round_prepare(world: World, n: int) -> list[Fire]:
    """One round per interaction: its stick-holder's Pass (rounds are started here, before the clock)."""
    click = _raw(simcord.MemberActor.click)
    fires: list[Fire] = []
    for a, b, channel in world.extra["rounds"][:n]:
        await world.fac.slash(
            channel, "facilitate round start", topic="How was your week?", minutes=5, present=f"<@{a.id}> <@{b.id}>"
        )
        await wait_until(partial(lambda c: c.last_message is not None, channel), "the round to start")
        card = channel.last_message
        fires.append(partial(click, a, card, label="Pass"))
    return fires


async def _report_arrange(world: World) -> None:
    mods = world.guild.create_role("Moderators")
    queue = world.guild.create_text_channel("mod-queue")
    async with world.bot.db.write() as session:
        session.add(ModerationConfig(guild_id=world.guild.id, moderator_role_id=mods.id, mod_queue_channel_id=queue.id))


async def _report_prepare(world: World, n: int) -> list[Fire]:
    author, reporters = world.members[0], world.members[1:]
    menu = _raw(simcord.MemberActor.context_menu)
    opened = []
    for i in range(n):
        if i % len(reporters) == 0:
            message = await author.send(world.group.channel, f"message {i}")
        reporter = reporters[i % len(reporters)]
        opened.append((reporter, await menu(reporter, world.group.channel, "Report message", message)))
    await _open_forms(world, opened)
    return [_submit(m, r, {REPORT_REASON_ID: f"reason {i}"}) for i, (m, r) in enumerate(opened)]


async def _privacy_prepare(world: World, n: int) -> list[Fire]:
    slash = _raw(simcord.MemberActor.slash)
    return [partial(slash, world.members[i % MEMBERS], world.group.channel, "privacy info") for i in range(n)]


async def _nothing(world: World) -> None:
    return None


@dataclass(frozen=True)
class Kind:
    name: str
    cog: str  # whose ``service`` the no-op floor replays
    prepare: Callable[[World, int], Awaitable[list[Fire]]]
    expect: str  # in the member's final answer when the interaction did what it should (not a refusal)
    arrange: Callable[[World], Awaitable[None]] = _nothing
    steady: bool = False  # the issue sets rate targets for share and checkin only
    burst: int | None = None  # fewer when each interaction needs its own round


KINDS = {
    k.name: k
    for k in (
        Kind("share", "Sharing", _share_prepare, "Posted anonymously", _share_arrange, steady=True),
        Kind("checkin", "CheckinCog", _checkin_prepare, "Checked in to", steady=True),
        Kind("rsvp", "MeetingsCog", _rsvp_prepare, "for **Weekly circle**", _rsvp_arrange),
        Kind("round", "Rounds", _round_prepare, "Passed", _round_arrange, burst=ROUNDS - 1),
        Kind("report", "ModerationCog", _report_prepare, "reached the moderators", _report_arrange),
        Kind("privacy", "PrivacyCog", _privacy_prepare, "/privacy export"),
    )
}


# ---------------------------------------------------------------- the shared harness


class Answers:
    """Timestamps of the bot's REST requests per interaction token; answered = a final one was seen."""

    def __init__(self) -> None:
        self.final: dict[str, float] = {}
        self.waiting: set[str] = set()
        self.done = asyncio.Event()

    def seen(self, path: str, json: Any) -> None:
        parts = path.strip("/").split("/")
        if parts[0] == "interactions" and len(parts) >= 4:
            if isinstance(json, dict) and json.get("type") in NOT_FINAL:
                return
            token = parts[2]
        elif parts[0] == "webhooks" and len(parts) >= 3:
            token = parts[2]
        else:
            return
        self.final[token] = time.perf_counter()
        if token in self.waiting:
            self.waiting.discard(token)
            if not self.waiting:
                self.done.set()


_RECORDING: contextvars.ContextVar[str | None] = contextvars.ContextVar("recording", default=None)


class _Replay:
    """Records what each service method returned; ``replay()`` makes them return that without running."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.results: dict[str, Any] = {}
        self.writes: set[str] = set()  # methods that opened a write transaction (the response layer defers first)
        before_wait = outcome.before_wait

        async def spy(*, contended: bool) -> None:
            if (name := _RECORDING.get()) is not None:
                self.writes.add(name)
            await before_wait(contended=contended)

        self.spying = mock.patch.object(outcome, "before_wait", spy)
        self.spying.start()
        for name, method in inspect.getmembers(service, inspect.iscoroutinefunction):
            if not name.startswith("_"):
                setattr(service, name, self._recording(name, method))

    def _recording(self, name: str, method: Any) -> Any:
        async def record(*args: Any, **kwargs: Any) -> Any:
            token = _RECORDING.set(name)
            try:
                result = await method(*args, **kwargs)
            finally:
                _RECORDING.reset(token)
            self.results[name] = result
            return result

        return record

    def replay(self) -> list[str]:
        self.spying.stop()
        for name, result in self.results.items():

            async def canned(*_args: Any, _result: Any = result, _write: bool = name in self.writes, **_kw: Any) -> Any:
                if _write:  # the defer a real write triggers (buttons: when contended, as in a burst), so the
                    await outcome.before_wait(contended=True)  # floor makes the same Discord calls
                return copy.copy(_result)

            setattr(self.service, name, canned)
        return sorted(self.results)


def _settings(folder: Path) -> Any:
    # Members share far more than the 5 an hour a server allows by default: without this most of a steady
    # run would be the (cheaper) refusal, not a share.
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text("[sharing]\nshares_per_hour = 1000000\n")
    return load_settings(
        folder / "config.toml",
        {
            "DISCORD_TOKEN": TOKEN,
            "HEARTH_SECRET_KEY": SECRET,
            "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.sqlite3",
        },
    )


class Counts:
    """SQL statements, commits and aiosqlite thread hops while counting (cProfile loses calls in greenlets)."""

    def __init__(self, world: World) -> None:
        self.on = False
        self.statements = self.commits = self.hops = 0
        engine = world.bot.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        hop = aiosqlite.Connection._execute
        counts = self

        async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            counts.hops += counts.on
            return await hop(self, fn, *args, **kwargs)

        self.patch = mock.patch.object(aiosqlite.Connection, "_execute", counted)

    def _statement(self, *_args: Any) -> None:
        self.statements += self.on

    def _commit(self, *_args: Any) -> None:
        self.commits += self.on


async def _world(folder: Path) -> World:
    clock = Clock()
    bot = create_bot(_settings(folder), clock=clock)
    env = simcord.Env(bot, strict_sync=True, settle_timeout=60)
    clock.use(env.now)
    await env.start()
    guild = env.create_guild()
    members = [guild.add_member(env.create_user(f"m{i}")) for i in range(MEMBERS)]
    fac = guild.add_member(env.create_user("fac"))
    world = World(env, clock, guild, members, fac, None)  # type: ignore[arg-type]
    world.group = await make_group(world, guild, "Bench", members=members, facilitators=[fac])  # type: ignore[arg-type]
    return world


async def _close(world: World) -> None:
    env = world.env
    await env.shutdown()
    if isinstance(env.bot, Hearth):
        env.bot.scheduler.shutdown()
        await env.bot.db.close()


async def _fire(
    answers: Answers, fires: list[Fire], rate: float | None
) -> tuple[list[float], float, float, simcord.InteractionResult]:
    """Fire on schedule (all at once without a rate): latencies (ms), wall and CPU seconds, the last result."""
    loop = asyncio.get_running_loop()
    due: dict[int, float] = {}
    tokens: dict[int, str] = {}
    last: list[simcord.InteractionResult] = []
    tasks: list[asyncio.Task[Any]] = []
    fired = asyncio.Event()

    async def one(n: int) -> None:
        result = await fires[n]()
        token = result._interaction.token
        last[:] = [result]
        tokens[n] = token
        if token not in answers.final:
            answers.waiting.add(token)
        if len(tokens) == len(fires):
            fired.set()

    def start(n: int, at: float) -> None:
        due[n] = at
        tasks.append(loop.create_task(one(n)))

    cpu0, begin = time.process_time(), time.perf_counter()
    for n in range(len(fires)):
        loop.call_at(loop.time() + (n / rate if rate else 0.0), start, n, begin + (n / rate if rate else 0.0))
    await asyncio.wait_for(fired.wait(), 120)
    while answers.waiting:
        answers.done.clear()
        await asyncio.wait_for(answers.done.wait(), 120)
    elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu0
    await asyncio.gather(*tasks)
    return [(answers.final[tokens[n]] - due[n]) * 1000 for n in range(len(fires))], elapsed, cpu, last[0]


async def measure(
    kind: Kind,
    folder: Path,
    count: int,
    *,
    noop: bool,
    rate: float | None,
    profile: bool,
    one_at_a_time: bool = False,
) -> dict[str, Any]:
    world = await _world(folder)
    answers = Answers()
    try:
        await kind.arrange(world)
        replay = _Replay(world.bot.get_cog(kind.cog).service) if noop else None  # type: ignore[union-attr]
        counts = Counts(world)
        with (
            mock.patch.object(world.env, "_settle_internal", _no_settle),
            mock.patch.object(router, "dispatch", _observed(answers)),
            counts.patch,
        ):
            fires = await kind.prepare(world, count + 1)
            # A first interaction outside the clock: warms the caches, and records the floor's canned results.
            await _fire(answers, fires[:1], None)
            stubbed = replay.replay() if replay else []
            # Main-thread CPU, not wall time: on a loaded machine wall time charges other processes and the
            # SQLite worker thread (which holds the GIL while it runs) to whatever function was on the stack.
            profiler = cProfile.Profile(time.thread_time) if profile else None
            thread0 = time.thread_time()
            if profiler:
                profiler.enable()
            requests = len(world.env.http_requests)
            counts.on = True
            if one_at_a_time:  # each waits for the previous answer: CPU per interaction, without a crowd
                each = [await _fire(answers, [fire], None) for fire in fires[1:]]
                latencies, cpu_each = [e[0][0] for e in each], [e[2] * 1000 for e in each]
                elapsed, cpu, last = sum(e[1] for e in each), sum(e[2] for e in each), each[-1][3]
            else:
                latencies, elapsed, cpu, last = await _fire(answers, fires[1:], rate)
                cpu_each = []
            if profiler:
                profiler.disable()
            requests = len(world.env.http_requests) - requests
            loop_cpu = time.thread_time() - thread0
            counts.on = False
        await world.env.settle()
        errors = list(world.env.errors)
        return {
            "lat": latencies, "elapsed": elapsed, "cpu_ms": cpu / count * 1000, "stubbed": stubbed,
            "profile": profiler, "errors": errors, "requests": requests / count, "answer": _answer(last),
            "worker_ms": (cpu - loop_cpu) / count * 1000,
            "cpu_each": cpu_each,
            "db": f"{counts.statements / count:.1f} SQL statements, {counts.commits / count:.1f} commits, "
            f"{counts.hops / count:.1f} aiosqlite thread hops",
        }  # fmt: skip
    finally:
        await _close(world)


def _answer(result: simcord.InteractionResult) -> str:
    """What the member saw last: a check that the interaction did what it should."""
    shown = result.followups[-1] if result.followups else result.response
    return " ".join(shown.content.split()) if shown is not None else "(no answer)"


def _observed(answers: Answers) -> Any:
    original = router.dispatch

    def dispatch(backend: Any, method: str, path: str, **kwargs: Any) -> Any:
        result = original(backend, method, path, **kwargs)
        answers.seen(path, kwargs.get("json"))
        return result

    return dispatch


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---------------------------------------------------------------- profile summary

AREAS = (
    ("hearth", ("/bot/", "/cogs/")),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("aiosqlite/sqlite3", ("/aiosqlite/", "sqlite3")),
    ("discord.py", ("/discord/",)),
    ("simcord", ("/simcord/",)),
    ("asyncio", ("/asyncio/", "selectors")),
)


def _area(filename: str) -> str:
    for name, marks in AREAS:
        if any(mark in filename for mark in marks):
            return name
    return "other"


def _owner(entries: dict[Any, Any], key: tuple[str, int, str], seen: frozenset[Any] = frozenset()) -> str:
    """The area of a function; builtins and other stdlib (copy.deepcopy, ...) count for their main caller's,
    searched up the call graph past recursion (deepcopy -> _deepcopy_dict -> deepcopy -> simcord)."""
    area = _area(key[0])
    if area != "other":
        return area
    callers = entries.get(key, (0, 0, 0, 0, {}))[4]
    for caller, _timing in sorted(callers.items(), key=lambda c: -c[1][2]):
        if caller not in seen and len(seen) < 20:
            found = _owner(entries, caller, seen | {key})
            if found != "other":
                return found
    return "other"


def profile_summary(profiler: cProfile.Profile, count: int, top: int = 10) -> list[str]:
    """Main-thread CPU per interaction by area (own time; builtins and stdlib count for their caller's), the
    functions with the most own time. Own time is reliable under
    asyncio; cumulative time is not (a coroutine's every resume is a call), so it is not shown."""
    stats = pstats.Stats(profiler)
    own: dict[str, float] = {}
    functions: list[tuple[float, str]] = []
    entries = stats.stats  # type: ignore[attr-defined]
    for (filename, line, func), (_cc, _nc, tottime, _cumtime, _callers) in entries.items():
        area = _owner(entries, (filename, line, func))
        own[area] = own.get(area, 0.0) + tottime
        short = filename.split("site-packages/")[-1].split("/wt/perf2/")[-1]
        functions.append((tottime, f"[{area}] {short}:{line} {func}"))
    total = sum(own.values()) or 1.0
    ranked = sorted(own.items(), key=lambda x: -x[1])
    lines = [
        "    main-thread CPU per interaction by area: "
        + ", ".join(f"{a} {t / count * 1000:.2f} ms ({t / total:.0%})" for a, t in ranked),
        "    most own time per interaction:",
    ]
    for tottime, name in sorted(functions, reverse=True)[:top]:
        lines.append(f"      {tottime / count * 1000:6.2f} ms  {name}")
    return lines


# ---------------------------------------------------------------- runs


def one_run(kinds: list[Kind], profile: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, identity_callback_records(True):
        k = 0

        def run(
            kind: Kind,
            count: int,
            *,
            noop: bool = False,
            rate: float | None = None,
            prof: bool = False,
            one: bool = False,
        ) -> Any:
            nonlocal k
            k += 1
            folder = Path(tmp) / f"w{k}"
            out = asyncio.run(measure(kind, folder, count, noop=noop, rate=rate, profile=prof, one_at_a_time=one))
            if kind.expect not in out["answer"]:
                print(f"  !! {kind.name}: the last answer lacks {kind.expect!r}: {out['answer'][:200]!r}")
            if out["errors"]:
                print(f"  !! {kind.name}: {len(out['errors'])} errors in the bot, first: {out['errors'][0]!r}")
            return out

        for kind in kinds:
            # The CPU target (p50/p99 per interaction minus the floor), one interaction at a time.
            n = min(ONE_AT_A_TIME, kind.burst or ONE_AT_A_TIME)
            floor_one, real_one = run(kind, n, noop=True, one=True), run(kind, n, one=True)
            base = statistics.median(floor_one["cpu_each"])
            own = real_one["cpu_each"]
            figures[f"{kind.name} 1by1 cpu-floor p50 ms"] = statistics.median(own) - base
            figures[f"{kind.name} 1by1 cpu-floor p99 ms"] = percentile(own, 99) - base
            print(
                f"  {kind.name}: one at a time ({n}): CPU/interaction p50 {statistics.median(own):.2f} ms "
                f"p99 {percentile(own, 99):.2f} ms; floor p50 {base:.2f} ms p99 "
                f"{percentile(floor_one['cpu_each'], 99):.2f} ms; minus the floor's p50: p50 "
                f"{statistics.median(own) - base:.2f} ms p99 {percentile(own, 99) - base:.2f} ms; "
                f"answer p50 {statistics.median(real_one['lat']):.1f} ms  load {_load()}"
            )
            n = kind.burst or BURST
            floor = run(kind, n, noop=True)
            real = run(kind, n)
            lat = real["lat"]
            figures[f"{kind.name} floor cpu ms"] = floor["cpu_ms"]
            figures[f"{kind.name} cpu-floor ms"] = real["cpu_ms"] - floor["cpu_ms"]
            figures[f"{kind.name} burst /s"] = n / real["elapsed"]
            print(
                f"  {kind.name}: burst {n}: {n / real['elapsed']:.0f}/s (floor {n / floor['elapsed']:.0f}/s), "
                f"cpu/interaction {real['cpu_ms']:.2f} ms, floor {floor['cpu_ms']:.2f} ms, "
                f"minus floor {real['cpu_ms'] - floor['cpu_ms']:.2f} ms; burst p50 {statistics.median(lat):.1f} ms "
                f"p99 {percentile(lat, 99):.1f} ms  load {_load()}\n"
                f"    per interaction: {real['db']}; "
                f"SQLite worker thread CPU {real['worker_ms']:.2f} ms (included above); "
                f"REST requests/interaction {real['requests']:.1f}, floor {floor['requests']:.1f}; "
                f"floor replays {kind.cog}.service: {', '.join(floor['stubbed']) or 'nothing'}\n"
                f"    last answer: {real['answer'][:80]!r} | floor: {floor['answer'][:80]!r}"
            )
            if profile:
                for label, noop in (("Hearth", False), ("no-op floor", True)):
                    out = run(kind, n, noop=noop, prof=True)
                    print(f"  {kind.name} profile ({label}, burst {n}; cProfile slows everything)  load {_load()}")
                    print("\n".join(profile_summary(out["profile"], n)))
            if not kind.steady:
                continue
            saturation = 0.0
            for rate in RATES:
                steady = run(kind, int(rate * SECONDS), rate=rate)
                p99 = percentile(steady["lat"], 99)
                figures[f"{kind.name} {rate}/s p99 ms"] = p99
                print(
                    f"  {kind.name}: {rate}/s for {SECONDS:g} s open-loop: "
                    f"p50 {statistics.median(steady['lat']):.1f} ms "
                    f"p99 {p99:.1f} ms, cpu/interaction {steady['cpu_ms']:.2f} ms  load {_load()}"
                )
                if p99 > 100:
                    break
                saturation = rate
            figures[f"{kind.name} saturation /s >="] = saturation
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--profile", action="store_true", help="add a cProfile summary per kind (first run only)")
    parser.add_argument("--inline", action="store_true", help="SQLite inline on the loop (bot/db/inline_sqlite.py)")
    args = parser.parse_args()
    Database.sqlite_inline = args.inline
    kinds = [KINDS[name] for name in args.kinds.split(",")]
    print(machine(), "· SQLite", "inline" if args.inline else "through aiosqlite's thread")
    runs = []
    for r in range(args.repeat):
        print(f"run {r + 1}/{args.repeat}  load {_load()}")
        runs.append(one_run(kinds, args.profile and r == 0))
    print("\nmedian [min-max] over runs:")
    for key in runs[0]:
        values = [run.get(key, 0.0) for run in runs]
        print(f"  {key:<28} {statistics.median(values):8.2f} [{min(values):.2f}-{max(values):.2f}]")
    print(machine().replace("machine:", "machine after:"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
