"""Benchmark (issues 10, 17): CPU, garbage collection and SQL per /share in one burst, to compare two commits.

Run: .venv/bin/python -m bench.share_cpu      (about 30 s at load 3; BENCH_MEMBERS=100 gives 500 shares)

It runs bench.sharing's "Hearth, 1 channel, at once" scenario (same world, same driver) and prints, per
share over the measured burst: process and main-thread CPU time, the time spent in garbage collection
and how many collections of each generation ran, SQL statements and commits, and the objects alive at
the end. Wall time is printed too but on a shared machine it mostly measures the other tenants; compare
CPU. ``BENCH_PROFILE=1`` writes a main-thread-CPU cProfile to ``BENCH_PROFILE_OUT`` (default
<tempdir>/share_cpu.prof). ``BENCH_FREEZE=1`` calls ``gc.freeze()`` just before the burst, as the running bot
does once ready.

To compare an older commit with the same libraries, check it out in a second worktree and run this file
from there with the newer worktree's venv (its own modules are found first through PYTHONPATH):

    git worktree add /tmp/old 1ca87f7 && cp bench/share_cpu.py /tmp/old/bench/
    cd /tmp/old && PYTHONPATH=$PWD /path/to/new/.venv/bin/python -m bench.share_cpu

Alternate old and new, three times each, and report medians and ranges with the load average.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

import bench.sharing as sharing

counts = {"statements": 0, "commits": 0}
gc_seen: dict[str, Any] = {"seconds": 0.0, "started": 0.0, "runs": [0, 0, 0]}


@event.listens_for(Engine, "before_cursor_execute")
def _statement(*_args: Any) -> None:
    counts["statements"] += 1


@event.listens_for(Engine, "commit")
def _commit(*_args: Any) -> None:
    counts["commits"] += 1


def _gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        gc_seen["started"] = time.thread_time()
    else:
        gc_seen["seconds"] += time.thread_time() - gc_seen["started"]
        gc_seen["runs"][info["generation"]] += 1


def snapshot() -> dict[str, Any]:
    return {
        "cpu": time.process_time(),
        "thread": time.thread_time(),
        "gc": gc_seen["seconds"],
        "gc_runs": list(gc_seen["runs"]),
        **counts,
    }


def main() -> None:
    gc.callbacks.append(_gc)
    profiles: list[cProfile.Profile] = []

    class ThreadCpuProfile(cProfile.Profile):  # main-thread CPU, not wall time (the machine is shared)
        def __init__(self, *_args: Any, **_kwargs: Any) -> None:
            super().__init__(time.thread_time)
            profiles.append(self)

    cProfile.Profile = ThreadCpuProfile  # type: ignore[misc]  # bench.sharing makes its profiler from it
    sharing.PROFILE = os.environ.get("BENCH_PROFILE") == "1"
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    modal: Any = sharing._modal  # type: ignore[attr-defined]  # SimCord's form driver, as bench.sharing uses it
    submit = modal._submit_modal

    async def first_submit_starts_the_clock(*args: Any, **kwargs: Any) -> Any:
        if not before:
            if os.environ.get("BENCH_FREEZE") == "1":
                gc.collect()
                gc.freeze()
            before.update(snapshot())
        return await submit(*args, **kwargs)

    log = sharing.log

    def last_share_stops_it(text: str) -> None:
        if " shares in " in text:
            after.update(snapshot())
        log(text)

    modal._submit_modal = first_submit_starts_the_clock
    sharing.log = last_share_stops_it
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(sharing.simcord_run(Path(tmp), "1 channel, at once", groups=1, mode="burst"))
    n = figures.shares

    def per_share_ms(key: str) -> float:
        return float(after[key] - before[key]) / n * 1000

    gc_runs = [a - b for a, b in zip(after["gc_runs"], before["gc_runs"], strict=True)]
    print(sharing.machine())
    print(
        f"{Path.cwd()}: {n} shares, wall {figures.elapsed:.2f} s; per share: process CPU "
        f"{per_share_ms('cpu'):.1f} ms, main thread {per_share_ms('thread'):.1f} ms, in GC {per_share_ms('gc'):.2f} ms "
        f"(collections by generation {gc_runs}); statements {(after['statements'] - before['statements']) / n:.1f}, "
        f"commits {(after['commits'] - before['commits']) / n:.2f}; objects alive {len(gc.get_objects())}"
    )
    if profiles:
        out = os.environ.get("BENCH_PROFILE_OUT") or str(Path(tempfile.gettempdir()) / "share_cpu.prof")
        profiles[-1].dump_stats(out)
        print(f"profile (main-thread CPU): {out}")


if __name__ == "__main__":
    main()
