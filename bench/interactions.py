"""Benchmark (issue 17): Hearth's own cost per interaction, open-loop, with a no-op floor in the same run.

Run: .venv/bin/python -m bench.interactions [--repeat 3]     (BENCH_SECONDS=2 per steady rate by default)

Covered so far: the ``/share`` submit (the no-op floor is the same modal and Discord calls with the
sharing service stubbed in memory, as in bench/sharing.py). Each figure is measured twice in the same
run: SQLite through aiosqlite's worker thread (``thread``, how main was) and inline on the loop
(``inline``, bot/db/inline_sqlite.py). Not yet covered: /checkin now, RSVP, round Next/Pass, Report,
/privacy info (see the report on issue 17).

* steady rate, open-loop: submit n is scheduled at begin + n / rate whatever the backlog; latency is
  from that scheduled time to the post existing (message sent and its id committed).
* saturation: the first rate whose p99 passes 100 ms.
* burst: 100 submits in the same instant; throughput = 100 / time to the last post.
* CPU: process CPU (time.process_time) per share during the burst, minus the no-op floor's.
Forms are opened before the clock starts, without settling (SimCord's settle is quadratic in open
forms; see bench/sharing.py), and SimCord's callback records compare by identity.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

import simcord
from simcord import _modal

from bench.sharing import (
    _no_settle,
    _settings,
    _stub_service,
    identity_callback_records,
    machine,
    percentile,
    wait_until,
)
from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.db import Database
from cogs.sharing.models import SharingConfig
from cogs.sharing.service import Publication
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.support.groups import make_group

SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
RATES = [int(x) for x in os.environ.get("BENCH_RATES", "100,200,400,600,800").split(",")]
BURST = 100
MEMBERS = 20


class _Harness:
    def __init__(self, env: simcord.Env, clock: Clock) -> None:
        self.env, self.clock = env, clock

    @property
    def bot(self) -> Hearth:
        assert isinstance(self.env.bot, Hearth)
        return self.env.bot


async def _world(folder: Path, count: int, *, noop: bool, rate: float | None) -> dict[str, Any]:
    clock = Clock()
    bot = create_bot(_settings(folder), clock=clock)
    env = simcord.Env(bot, strict_sync=True, settle_timeout=60)
    clock.use(env.now)
    await env.start()
    try:
        guild = env.create_guild()
        members = [guild.add_member(env.create_user(f"m{i}")) for i in range(MEMBERS)]
        fixture = await make_group(_Harness(env, clock), guild, "Bench", members=members)  # type: ignore[arg-type]
        async with bot.db.write() as session:
            session.add(SharingConfig(guild_id=guild.id, anonymous_sharing=True, approval_required=False))
        with mock.patch.object(env, "_settle_internal", _no_settle):
            shown = [
                (members[n % MEMBERS], await members[n % MEMBERS].slash(fixture.channel, "share")) for n in range(count)
            ]
            await wait_until(lambda: all(r.modal is not None for _m, r in shown), "forms to open")
        cog: Any = bot.get_cog("Sharing")
        if noop:
            _stub_service(cog, {fixture.group_id: fixture.channel.id})
        due: dict[str, float] = {}
        latencies: list[float] = []
        done = asyncio.Event()
        publish = cog.publish

        async def timed_publish(publication: Publication, **kwargs: Any) -> Any:
            message = await publish(publication, **kwargs)
            latencies.append(time.perf_counter() - due[publication.text])
            if len(latencies) == count:
                done.set()
            return message

        cog.publish = timed_publish
        loop = asyncio.get_running_loop()
        tasks: list[asyncio.Task[Any]] = []

        def submit(n: int, at: float) -> None:
            member, result = shown[n]
            due[f"share {n}"] = at
            tasks.append(
                loop.create_task(_modal._submit_modal(member, result, {TEXT_ID: f"share {n}", WARNING_ID: ""}))
            )

        with mock.patch.object(env, "_settle_internal", _no_settle):
            cpu0, begin = time.process_time(), time.perf_counter()
            for n in range(count):
                at = begin + (n / rate if rate else 0.0)
                loop.call_at(loop.time() + (at - begin), submit, n, at)
            await asyncio.wait_for(done.wait(), 120)
            elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu0
            await asyncio.gather(*tasks)
        await env.settle()
        return {"lat": [x * 1000 for x in latencies], "elapsed": elapsed, "cpu_ms": cpu / count * 1000}
    finally:
        await env.shutdown()
        if isinstance(env.bot, Hearth):
            env.bot.scheduler.shutdown()
            await env.bot.db.close()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def one_run() -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, identity_callback_records(True):
        k = 0

        def world(count: int, *, noop: bool, rate: float | None) -> dict[str, Any]:
            nonlocal k
            k += 1
            (Path(tmp) / f"w{k}").mkdir()
            return asyncio.run(_world(Path(tmp) / f"w{k}", count, noop=noop, rate=rate))

        floor = world(BURST, noop=True, rate=None)
        print(
            f"  no-op floor burst {BURST}: {BURST / floor['elapsed']:.0f}/s "
            f"cpu {floor['cpu_ms']:.2f} ms  load {_load()}"
        )
        figures["floor cpu ms"] = floor["cpu_ms"]
        for inline in (False, True):
            mode = "inline" if inline else "thread"
            Database.sqlite_inline = inline
            burst = world(BURST, noop=False, rate=None)
            figures[f"{mode} burst /s"] = BURST / burst["elapsed"]
            figures[f"{mode} cpu-floor ms"] = burst["cpu_ms"] - floor["cpu_ms"]
            print(
                f"  {mode}: burst {BURST} shares {BURST / burst['elapsed']:.0f}/s, cpu/share {burst['cpu_ms']:.2f} ms "
                f"(minus floor {burst['cpu_ms'] - floor['cpu_ms']:.2f} ms)  load {_load()}"
            )
            saturation = 0.0
            for rate in RATES:
                steady = world(int(rate * SECONDS), noop=False, rate=rate)
                lat = steady["lat"]
                p99 = percentile(lat, 99)
                figures[f"{mode} {rate}/s p99 ms"] = p99
                print(
                    f"  {mode}: {rate}/s for {SECONDS:.0f} s open-loop: p50 {statistics.median(lat):.1f} ms "
                    f"p99 {p99:.1f} ms, cpu/share {steady['cpu_ms']:.2f} ms  load {_load()}"
                )
                if p99 > 100:
                    break
                saturation = rate
            figures[f"{mode} saturation /s >="] = saturation
        Database.sqlite_inline = False
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    runs = []
    for r in range(args.repeat):
        print(f"run {r + 1}/{args.repeat}")
        runs.append(one_run())
    print("\nmedian [min-max] over runs:")
    for key in runs[0]:
        values = [run.get(key, 0.0) for run in runs]
        print(f"  {key:<28} {statistics.median(values):8.2f} [{min(values):.2f}-{max(values):.2f}]")
    print(machine().replace("machine:", "machine after:"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
