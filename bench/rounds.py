"""Benchmark (issue 5): 200 talking-stick rounds at once, 10 members each, 1-minute turns.

Run: /tmp/venv/bin/python -m bench.rounds [rounds=200] [members=10] [virtual_minutes=30] [real_window_s=120]
(env ROUNDS_MODE=both|virtual|real; ROUNDS_SPREAD=seconds over which the real-time rounds start, default 60)

Two parts, each a fresh world (new SQLite file, new bot with every feature, new SimCord Env):

1. **Virtual time** (what the issue's "run for 30 minutes" means): 200 rounds in 200 channels (20 servers
   of 10 groups) with 10 members each, started 5 per virtual second, 1-minute turns, then virtual time
   moved in 5-second steps for 30 minutes. When a member's turn ends they press **Join queue** again (a
   real button click through SimCord), so every round keeps someone holding the stick for all 30 minutes
   (without it a round of 10 runs dry after 10 minutes and sits idle). Reported: virtual timer error of
   each hand-over (when the stick moved vs. the stored due time), the real time a batch of hand-overs due
   at the same instant takes to go through (what a person would wait if virtual time were wall time),
   live-message edits per round-minute (split into hand-overs and Join clicks) and CPU per hand-over.

2. **Real time**: the same 200 rounds on the wall clock (the bot's Clock is not on SimCord's virtual time)
   with real 1-minute turns, started evenly over 60 s so their turns fall due spread over each minute;
   then a window of real time (120 s: ~400 hand-overs and ~400 warnings) in which APScheduler fires the
   timers on real loop timers. Reported: real lag against the due time of the scheduler firing the
   hand-over, of the hand-over being committed, and of the live message edit being done (what a person
   sees); target p99 < 250 ms. CPU per hand-over over the window.

Harness overhead taken out (SimCord's, not the bot's; the bot's code path is unchanged):

* SimCord gives every bot timer a *real* fallback: if nobody moves virtual time, the timer fires after its
  delay in wall time and SimCord advances virtual time itself. A settle (every slash, every step) then
  counts that timer as active until its wall-clock fallback fires, so it waits, idle, for the next
  APScheduler wake-up (less than a second away with 200 rounds), and the fallback then moves virtual time
  in the middle of the driver's own operations. That was the "~4 s per step with the process idle past
  ~130 rounds" and the settle timeouts at 200 (SimCord as shipped, 200 rounds: the starts alone ran 250 s,
  220 s of it idle in epoll, and ended in "TimeoutError: bot did not settle while advancing time").
  Here the fallback is switched off (``Env._schedule_timer`` does nothing), so virtual timers fire only
  when the driver moves virtual time, as a benchmark on virtual time means. In the real-time part the
  scheduler's timer and jobs run outside SimCord's bot scope, so they are plain asyncio timers and tasks
  (SimCord neither virtualises nor settles them).
* SimCord's callback records are compared by identity instead of dataclass equality on removal (as
  bench/sharing.py does); it matters little here (the bot has ~1 pending timer: APScheduler's).
* Join clicks of one step are dispatched without SimCord's per-click settle and settled once together.

SimCord does not simulate Discord's rate limits; edits per round-minute are printed against Discord's
per-channel budget instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import simcord
from simcord import _runtime as simcord_runtime
from simcord.results import to_discord_message

from bot.app import Hearth, create_bot
from bot.clock import Clock
from cogs.rounds import domain as d
from cogs.rounds.cog import RoundsCog
from cogs.rounds.service import RoundSnapshot, Update
from tests.conftest import make_settings
from tests.support.groups import make_group

STAGGER = 5  # rounds started per virtual second (a facilitator's /facilitate round start is a few REST calls)
STEP = 5.0  # virtual seconds per advance_time step
SPREAD = float(os.environ.get("ROUNDS_SPREAD", "60"))  # real seconds over which the real-time rounds are started
SETTLE = 60.0  # SimCord settle timeout, s
PHASE_TIMEOUT = 900.0  # hard bound on each part, s
MODE = os.environ.get("ROUNDS_MODE", "both")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def spread(name: str, values: list[float], unit: str = "ms") -> str:
    if not values:
        return f"{name}: none"
    return (
        f"{name}: p50={percentile(values, 50):.1f} {unit} p99={percentile(values, 99):.1f} {unit} "
        f"max={max(values):.1f} {unit} (n={len(values)})"
    )


def machine(label: str = "machine") -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{label}: {platform.platform()} · Python {platform.python_version()} · {cpu} · "
        f"{os.cpu_count()} cores · load average {load}"
    )


# --- harness ------------------------------------------------------------------------------------------


def _no_real_fallback(*_args: Any) -> None:
    return None


async def _no_settle(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextlib.contextmanager
def identity_callback_records(enabled: bool) -> Iterator[None]:
    """Remove SimCord's callback records by identity (what ``list.remove`` means there), not field by field."""
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


@contextlib.contextmanager
def logged_errors() -> Iterator[list[str]]:
    """Errors the bot logs (a timer job's exception is caught and logged by the cog, not raised)."""
    errors: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler = Count(logging.ERROR)
    logging.getLogger("hearth").addHandler(handler)
    try:
        yield errors
    finally:
        logging.getLogger("hearth").removeHandler(handler)


@dataclass
class World:
    env: simcord.Env
    bot: Hearth
    clock: Clock
    channels: list[tuple[simcord.ChannelHandle, list[simcord.MemberActor], simcord.MemberActor]]
    people: dict[int, simcord.MemberActor] = field(default_factory=dict)

    @property
    def cog(self) -> RoundsCog:
        cog = self.bot.get_cog("Rounds")
        assert isinstance(cog, RoundsCog)
        return cog


@contextlib.asynccontextmanager
async def world(folder: Path, rounds: int, members: int, *, virtual: bool) -> Any:
    clock = Clock()
    bot = create_bot(make_settings(folder), clock=clock)
    env = simcord.Env(bot, strict_sync=True, settle_timeout=SETTLE)
    if virtual:
        clock.use(env.now)
    with contextlib.ExitStack() as stack:
        stack.enter_context(identity_callback_records(True))
        # before start(): SimCord binds _schedule_timer when it attaches the bot
        stack.enter_context(mock.patch.object(env, "_schedule_timer", _no_real_fallback))
        await env.start()
        try:
            harness = SimpleNamespace(bot=bot, clock=clock)
            arranged = World(env, bot, clock, [])
            fay_user = env.create_user("fay")
            guild = fay = None
            for index in range(rounds):
                if index % 10 == 0:  # 10 groups per server, 20 servers
                    guild = env.create_guild(f"Server {index // 10}")
                    fay = guild.add_member(fay_user)
                assert guild is not None
                assert fay is not None
                people = [guild.add_member(env.create_user(f"m{index}-{i}")) for i in range(members)]
                arranged.people.update({p.id: p for p in people})
                group = await make_group(harness, guild, f"Group {index}", members=people, facilitators=[fay])  # type: ignore[arg-type]
                arranged.channels.append((group.channel, people, fay))
            log(f"arranged {rounds} groups of {members}")
            yield arranged
        finally:
            bot.scheduler.shutdown()
            await env.shutdown()
            await bot.db.close()


async def start_round(arranged: World, index: int) -> None:
    channel, people, fay = arranged.channels[index]
    result = await fay.slash(
        channel, "facilitate round start", topic="Bench", minutes=1, present=" ".join(f"<@{p.id}>" for p in people)
    )
    assert result.response is not None, result
    assert "Round started" in result.response.content, result.response.content


@dataclass
class Handover:
    due: datetime  # the stored due time of the turn that ended
    fired: datetime  # the expiry timer's job started (the bot's clock)
    committed: datetime | None = None  # the new holder is stored
    seen: datetime | None = None  # the live message edit (and the turn's effects) are done
    perf: float = 0.0
    perf_done: float | None = None


@dataclass
class Recorder:
    """Wraps the cog's timer path (same calls, timed): due time per (round, turn), when each expiry ran,
    when the hand-over was stored and when its message edit was done."""

    cog: RoundsCog
    now: Callable[[], datetime]
    due: dict[tuple[int, int], datetime] = field(default_factory=dict)
    handovers: list[Handover] = field(default_factory=list)
    ended_turns: list[tuple[int, int]] = field(default_factory=list)  # (round, user) whose turn timed out
    in_flight: int = 0

    def install(self) -> None:
        cog = self.cog
        arm, timer, apply = cog._arm, cog.service.timer, cog._apply
        current: contextvars.ContextVar[tuple[Update, Handover] | None] = contextvars.ContextVar(
            "bench_handover", default=None
        )

        def armed(view: RoundSnapshot) -> None:
            if view.state.due_at is not None:
                self.due[(view.id, view.state.turn)] = view.state.due_at
            arm(view)

        async def timed(round_id: int, kind: str, turn: int, now: datetime) -> Update | None:
            if kind != "expire":
                return await timer(round_id, kind, turn, now)
            self.in_flight += 1
            try:
                record = Handover(self.due[(round_id, turn)], self.now(), perf=time.perf_counter())
                update = await timer(round_id, kind, turn, now)
                if update is not None and update.changed:
                    record.committed = self.now()
                    self.handovers.append(record)
                    current.set((update, record))  # same task: perform() applies it next
                    self.ended_turns += [(round_id, e.user_id) for e in update.effects if isinstance(e, d.TurnEnded)]
                return update
            finally:
                self.in_flight -= 1

        async def applied(update: Update) -> None:
            await apply(update)
            pending = current.get()
            if pending is not None and pending[0] is update:
                pending[1].seen, pending[1].perf_done = self.now(), time.perf_counter()
                current.set(None)

        cog._arm = armed  # type: ignore[method-assign]
        cog.service.timer = timed  # type: ignore[method-assign]
        cog._apply = applied  # type: ignore[method-assign]


# --- part 1: virtual time -------------------------------------------------------------------------------


async def virtual_part(folder: Path, rounds: int, members: int, minutes: int) -> list[str]:
    with logged_errors() as errors:
        lines = await _virtual_run(folder, rounds, members, minutes)
    return [*lines, f"[virtual] errors logged by the bot (e.g. a timer job failing): {len(errors)}"]


async def _virtual_run(folder: Path, rounds: int, members: int, minutes: int) -> list[str]:
    out: list[str] = []
    async with world(folder, rounds, members, virtual=True) as arranged:
        env = arranged.env
        recorder = Recorder(arranged.cog, arranged.clock.now)
        recorder.install()  # before the starts: it learns every turn's due time from the cog's _arm
        begin = time.perf_counter()
        for index in range(rounds):
            if index and index % STAGGER == 0:
                await env.advance_time(1)
            await start_round(arranged, index)
        setup = time.perf_counter() - begin
        log(f"started {rounds} rounds in {setup:.1f} s")
        messages = {v.id: (v.channel_id, v.message_id) for v in await arranged.cog.service.live_rounds()}
        first = len(recorder.handovers)  # none expected: the first turns end after the starts

        step_edits = click_edits = clicks = 0
        step_cpu = click_cpu = 0.0
        step_wall: list[float] = []
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        for step in range(int(minutes * 60 / STEP)):
            mark, c0, w0 = len(env.http_requests), time.process_time(), time.perf_counter()
            await env.advance_time(STEP)
            step_wall.append(time.perf_counter() - w0)
            step_cpu += time.process_time() - c0
            step_edits += _edits(env, mark)
            # Everyone whose turn just ended presses Join queue again (clicks of one step settle together).
            rejoin, recorder.ended_turns = recorder.ended_turns, []
            mark, c0 = len(env.http_requests), time.process_time()
            with mock.patch.object(env, "_settle_internal", _no_settle):
                for round_id, user_id in rejoin:
                    channel_id, message_id = messages[round_id]
                    assert message_id is not None
                    stored = env.backend.messages[channel_id][message_id]
                    await arranged.people[user_id].click(to_discord_message(env, stored), label="Join queue")
            await env.settle()
            clicks += len(rejoin)
            click_cpu += time.process_time() - c0
            click_edits += _edits(env, mark)
            if (step + 1) % int(60 / STEP) == 0:
                log(f"virtual minute {(step + 1) * STEP / 60:.0f}: {len(recorder.handovers)} hand-overs")
        cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
        assert not env.errors, env.errors
        live = await arranged.cog.service.live_rounds()
        holding = sum(1 for v in live if v.state.holder is not None)

    records = [r for r in recorder.handovers[first:] if r.perf_done is not None]
    virtual_ms = [(r.fired - r.due).total_seconds() * 1000 for r in records]
    batch_start: dict[datetime, float] = {}
    for r in records:
        batch_start[r.due] = min(batch_start.get(r.due, r.perf), r.perf)
    batch_ms = [((r.perf_done or 0.0) - batch_start[r.due]) * 1000 for r in records]
    own_ms = [((r.perf_done or 0.0) - r.perf) * 1000 for r in records]
    round_minutes = rounds * minutes
    n = len(records)
    out += [
        f"[virtual] {rounds} rounds x {members} members, 1-minute turns, {minutes} virtual minutes in "
        f"{int(minutes * 60 / STEP)} steps of {STEP:.0f} s; rounds started {STAGGER}/virtual s "
        f"(setup {setup:.1f} s real)",
        f"[virtual] hand-overs: {n} (expected {rounds * minutes}); {clicks} Join-queue clicks; "
        f"rounds live with a holder at the end: {holding}/{len(live)}; run {wall:.1f} s wall, {cpu:.1f} s CPU",
        "[virtual] " + spread("hand-over timer error, virtual (stick moved - due)", virtual_ms),
        "[virtual] "
        + spread("real time from the first timer of a batch due at one instant to each edit done", batch_ms),
        "[virtual] " + spread("one hand-over alone, real (timer start to message edited)", own_ms),
        f"[virtual] live-message edits per round-minute: {(step_edits + click_edits) / round_minutes:.2f} "
        f"= hand-overs {step_edits / round_minutes:.2f} ({step_edits / max(n, 1):.2f} per hand-over) "
        f"+ Join clicks {click_edits / round_minutes:.2f} ({click_edits / max(clicks, 1):.2f} per click); "
        f"Discord allows ~5 per 5 s per channel (60/min)",
        f"[virtual] CPU per hand-over: {step_cpu / max(n, 1) * 1000:.2f} ms (steps: timers, edits, the warning "
        f"post each turn, SimCord's Discord); per Join click {click_cpu / max(clicks, 1) * 1000:.2f} ms; "
        f"step wall p50 {percentile(step_wall, 50) * 1000:.0f} ms p99 {percentile(step_wall, 99) * 1000:.0f} ms",
    ]
    return out


def _edits(env: simcord.Env, mark: int) -> int:
    return sum(1 for r in env.http_requests[mark:] if r.method == "PATCH" and "/messages/" in r.path)


# --- part 2: real time -----------------------------------------------------------------------------------


async def real_part(folder: Path, rounds: int, members: int, window: float) -> list[str]:
    with logged_errors() as errors:
        async with world(folder, rounds, members, virtual=False) as arranged:
            return await _real_run(arranged, rounds, members, window, errors)


def plain_asyncio(arranged: World) -> None:
    """Run the scheduler's wake-ups on the loop's own (unpatched) call_soon_threadsafe/call_later in an empty
    context. SimCord attributes a callback to the bot by the *caller's* context, so without this every
    wake-up scheduled from a command handler would become a virtual timer again; jobs the wake-up starts
    are then plain tasks, outside SimCord's bot scope. APScheduler and the bot's code are unchanged."""
    runtime = arranged.env._runtime
    assert runtime is not None
    inner = arranged.bot.scheduler._scheduler
    empty = contextvars.Context()
    inner._context = empty

    def wakeup() -> None:
        runtime.call_soon_threadsafe(inner._wakeup_now, context=empty)

    def start_timer(wait_seconds: float | None) -> None:
        inner._stop_timer()
        if wait_seconds is not None:
            inner._timeout = runtime.call_later(wait_seconds, inner._wakeup_now, context=empty)

    inner.wakeup = wakeup  # type: ignore[method-assign]
    inner._start_timer = start_timer  # type: ignore[method-assign]
    wakeup()


async def _real_run(arranged: World, rounds: int, members: int, window: float, errors: list[str]) -> list[str]:
    bot = arranged.bot
    # The scheduler's timer and jobs: plain asyncio, outside SimCord's bot scope (see the module docstring).
    plain_asyncio(arranged)
    recorder = Recorder(arranged.cog, lambda: datetime.now(UTC))
    recorder.install()

    t0 = time.perf_counter()
    slash_ms: list[float] = []
    for index in range(rounds):
        delay = t0 + index * SPREAD / rounds - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        s0 = time.perf_counter()
        await start_round(arranged, index)
        slash_ms.append((time.perf_counter() - s0) * 1000)
    log(f"started {rounds} rounds over {time.perf_counter() - t0:.1f} s of real time")
    await asyncio.sleep(max(0.0, t0 + SPREAD - time.perf_counter()))
    window_start = datetime.now(UTC)
    cpu0, load0 = time.process_time(), os.getloadavg()[0]
    mark = len(arranged.env.http_requests)
    for _ in range(int(window)):
        await asyncio.sleep(max(0.0, t0 + SPREAD + _ + 1 - time.perf_counter()))
    window_end = datetime.now(UTC)
    edits = _edits(arranged.env, mark)
    handed = sum(1 for r in recorder.handovers if r.due >= window_start)
    cpu = time.process_time() - cpu0
    bot.scheduler.shutdown()
    for _ in range(600):  # bounded: hand-overs already running finish their edits (<= 30 s)
        if not recorder.in_flight and all(r.seen is not None for r in recorder.handovers):
            break
        await asyncio.sleep(0.05)
    assert not arranged.env.errors, arranged.env.errors

    inside = [r for r in recorder.handovers if window_start <= r.due < window_end]
    fire_ms = [(r.fired - r.due).total_seconds() * 1000 for r in inside]
    commit_ms = [(r.committed - r.due).total_seconds() * 1000 for r in inside if r.committed is not None]
    seen_ms = [(r.seen - r.due).total_seconds() * 1000 for r in inside if r.seen is not None]
    expected = sum(1 for (_r, _t), due in recorder.due.items() if window_start <= due < window_end)
    over = sum(1 for x in seen_ms if x >= 250)
    return [
        f"[real] {rounds} rounds x {members} members on the wall clock, 1-minute turns, started evenly over "
        f"{SPREAD:.0f} s (/facilitate round start p50 {percentile(slash_ms, 50):.0f} ms, "
        f"p99 {percentile(slash_ms, 99):.0f} ms); "
        f"measured window {window:.0f} s",
        f"[real] hand-overs due in the window: {expected}, done: {len(inside)}; timer errors logged: {len(errors)}",
        f"[real] live-message edits in the window: {edits} for {handed} hand-overs "
        f"({edits / max(handed, 1):.2f} per hand-over = per round-minute)",
        "[real] " + spread("scheduler firing lag (timer job started - due)", fire_ms),
        "[real] " + spread("hand-over committed - due", commit_ms),
        "[real] "
        + spread("live message edited - due (what a person sees)", seen_ms)
        + f"; {over} of {len(seen_ms)} at or over 250 ms",
        f"[real] CPU in the window: {cpu:.1f} s of {window:.0f} s ({cpu / window:.0%} of one core), "
        f"{cpu / max(len(inside), 1) * 1000:.2f} ms per hand-over (includes the warnings, SimCord's Discord); "
        f"load average 1 min {load0:.2f} -> {os.getloadavg()[0]:.2f}",
    ]


# --- main -------------------------------------------------------------------------------------------------


def run_part(part: Callable[[], Awaitable[list[str]]]) -> list[str]:
    async def bounded() -> list[str]:
        return await asyncio.wait_for(part(), PHASE_TIMEOUT)

    return asyncio.run(bounded())


def main(rounds: int, members: int, minutes: int, window: float) -> None:
    print(machine())
    begin = time.perf_counter()
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if MODE in ("both", "virtual"):
            (root / "virtual").mkdir()
            lines += run_part(lambda: virtual_part(root / "virtual", rounds, members, minutes))
            for line in lines:
                print(line, flush=True)
        if MODE in ("both", "real"):
            (root / "real").mkdir()
            real = run_part(lambda: real_part(root / "real", rounds, members, window))
            for line in real:
                print(line, flush=True)
    print("targets: p99 hand-over error < 250 ms real; edits only when what a person sees changes")
    print(machine("machine after") + f" · whole run {time.perf_counter() - begin:.0f} s")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    defaults = [200, 10, 30, 120]
    rounds_, members_, minutes_, window_ = arguments + defaults[len(arguments) :]
    main(rounds_, members_, minutes_, float(window_))
