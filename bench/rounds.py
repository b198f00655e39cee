"""Benchmark: many talking-stick rounds at once, in SimCord's virtual time.

200 rounds in 200 channels with 10 members each, 1-minute turns, 30 virtual minutes. Rounds are
started 5 per virtual second (a facilitator's /round start is 2-3 REST calls, and a bot gets 50
requests/s), so each second 5 hand-overs fall due together.

Reports:
- hand-over timer error: virtual lateness (when the stick moved vs. the stored due time) and the
  real-time lag of each hand-over after the first timer of its batch started (what a person would
  see if virtual time were wall time: the batch is processed one after the other on one loop);
- live-message edits per round-minute, and warning messages per round-minute;
- CPU time per hand-over (process CPU over the run / hand-overs; includes SimCord's simulated Discord).

Run: /tmp/venv/bin/python -m bench.rounds [rounds] [members] [minutes]
(env ROUNDS_STAGGER = rounds started per virtual second, ROUNDS_SETTLE = SimCord settle timeout, s)

Known limit: under SimCord, past ~130 live rounds in one process each virtual step slowed to
seconds of real time with the loop idle (SimCord's settling, not the bot's CPU), so the full 200
did not finish on this machine; 100 rounds run in ~20 s.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import simcord

from bot.app import create_bot
from bot.clock import Clock
from cogs.rounds.cog import RoundsCog
from tests.conftest import make_settings
from tests.support.groups import make_group

STAGGER = int(os.environ.get("ROUNDS_STAGGER", "5"))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def main(rounds: int, members: int, minutes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp))
        clock = Clock()
        bot = create_bot(settings, clock=clock)
        env = simcord.Env(bot, strict_sync=True, settle_timeout=float(os.environ.get("ROUNDS_SETTLE", "5")))
        clock.use(env.now)
        await env.start()
        try:
            await run(env, SimpleNamespace(bot=bot, clock=clock), rounds, members, minutes)
        finally:
            await env.shutdown()


async def run(env: simcord.Env, harness: Any, rounds: int, members: int, minutes: int) -> None:
    # Ten rounds per server: SimCord slowed to a crawl (idle, waiting) with all 2,000 members in one
    # guild, so the 200 channels are spread over 20 servers; the bot's work per round is the same.
    fay_user = env.create_user("fay")
    channels = []
    setup_started = time.perf_counter()
    guild = fay = None
    for index in range(rounds):
        if index % 10 == 0:
            guild = env.create_guild(f"Server {index // 10}")
            fay = guild.add_member(fay_user)
        assert guild is not None
        assert fay is not None
        people = [guild.add_member(env.create_user(f"m{index}-{i}")) for i in range(members)]
        group = await make_group(harness, guild, f"Group {index}", members=people, facilitators=[fay])
        channels.append((group.channel, people, fay))
    print(f"arranged {rounds} groups", file=sys.stderr, flush=True)
    for index, (channel, people, fay) in enumerate(channels):
        if index and index % STAGGER == 0:
            await env.advance_time(1)  # start STAGGER rounds per virtual second
        await fay.slash(
            channel, "round start", topic="Bench", minutes=1, present=" ".join(f"<@{p.id}>" for p in people)
        )
    setup_seconds = time.perf_counter() - setup_started
    print(f"started {rounds} rounds in {setup_seconds:.1f} s", file=sys.stderr, flush=True)

    cog = harness.bot.get_cog("Rounds")
    assert isinstance(cog, RoundsCog)
    due: dict[int, Any] = {view.id: view.state.due_at for view in await cog.service.live_rounds()}
    records: list[tuple[Any, float, float, float]] = []  # (due, real start, real done, virtual lateness)
    original = cog.service.timer

    async def timed(round_id: int, kind: str, turn: int, now: Any) -> Any:
        started = time.perf_counter()
        update = await original(round_id, kind, turn, now)
        if kind == "expire" and update is not None and update.changed:
            was_due = due[round_id]
            records.append((was_due, started, 0.0, (now - was_due).total_seconds()))
            due[round_id] = update.view.state.due_at
            pending.append(len(records) - 1)
        return update

    pending: list[int] = []
    original_apply = cog._apply

    async def applied(update: Any) -> None:
        await original_apply(update)
        while pending:
            index = pending.pop()
            was_due, started, _done, late = records[index]
            records[index] = (was_due, started, time.perf_counter(), late)

    cog.service.timer = timed  # type: ignore[method-assign]
    cog._apply = applied  # type: ignore[method-assign]

    requests_before = len(env.http_requests)
    cpu_before = time.process_time()
    wall_before = time.perf_counter()
    for step in range(minutes * 12):
        await env.advance_time(5)
        if step % 12 == 11:
            print(f"virtual minute {(step + 1) // 12}: {len(records)} hand-overs", file=sys.stderr, flush=True)
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    requests = env.http_requests[requests_before:]

    batches: dict[Any, float] = {}
    for was_due, started, _done, _late in records:
        batches[was_due] = min(batches.get(was_due, started), started)
    lag_ms = [(done - batches[was_due]) * 1000 for was_due, _s, done, _l in records]
    own_ms = [(done - started) * 1000 for _d, started, done, _l in records]
    virtual_ms = [late * 1000 for *_rest, late in records]
    edits = sum(1 for r in requests if r.method == "PATCH" and "/messages/" in r.path)
    posts = sum(1 for r in requests if r.method == "POST" and r.path.endswith("/messages"))
    round_minutes = rounds * minutes
    handovers = len(records)

    print(f"machine: {platform.platform()}, python {platform.python_version()}, cpus={os.cpu_count()}")
    print(f"rounds={rounds} members/round={members} turn=1 min virtual minutes={minutes} (setup {setup_seconds:.1f} s)")
    print(
        f"hand-overs: {handovers} (expected {rounds * min(members, minutes)}: each member holds the stick once); "
        f"run took {wall:.1f} s wall, {cpu:.1f} s CPU"
    )
    print(
        f"timer error, virtual (stick moved - due): p50={percentile(virtual_ms, 50):.1f} ms "
        f"p99={percentile(virtual_ms, 99):.1f} ms max={max(virtual_ms, default=0):.1f} ms"
    )
    print(
        f"timer error, real lag after the first timer of its batch (hand-overs due at the same instant): "
        f"p50={percentile(lag_ms, 50):.0f} ms p99={percentile(lag_ms, 99):.0f} ms max={max(lag_ms, default=0):.0f} ms"
    )
    print(f"one hand-over alone (real): p50={percentile(own_ms, 50):.1f} ms p99={percentile(own_ms, 99):.1f} ms")
    print(
        f"live-message edits per round-minute: {edits / round_minutes:.2f} "
        f"({edits / max(handovers, 1):.2f} per hand-over, i.e. per minute of turns); "
        f"warning messages per hand-over: {posts / max(handovers, 1):.2f}"
    )
    print(f"CPU per hand-over: {cpu / max(handovers, 1) * 1000:.2f} ms (includes warnings and SimCord's Discord)")
    if virtual_ms:
        print(f"mean virtual error {statistics.mean(virtual_ms):.2f} ms")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(arguments + [200, 10, 30][len(arguments) :])))
