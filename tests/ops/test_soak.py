"""The soak, scaled down to about a minute: mixed load with injected REST errors, restarts and a held
database lock, then the end-of-run invariants. The full run is `python -m bench.soak`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bench.soak import INVARIANTS, SoakConfig, memory_slope, report, run_soak

# Known gaps the soak found; each names the issue that closes it. The test still fails on any other.
KNOWN = {
    # A share whose Discord message failed with an injected 500 stays "posted" with no message (#12).
    "no orphan rows",
    # A daily check-in reminder whose DM fails (injected 500) is not retried that day (#12).
    "check-in reminders: at most one a day",
    # Memory over one minute with restarts is dominated by start-up; the 10-minute run reports the slope.
    "memory growth < 5 MiB/hour",
}


async def test_scaled_down_soak_keeps_its_invariants(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)
    config = SoakConfig(
        virtual_hours=6,
        wall_minutes=0.6,
        restart_every_seconds=12,
        lock_every_seconds=10,
        lock_max_seconds=3,  # under the 5 s busy timeout: members must not notice
        fault_rate=0.05,
        folder=tmp_path,
    )
    world = await run_soak(config)
    figures = world.figures
    figures_text = report(world)  # shown by pytest when an assertion below fails
    # The load and the faults happened (a soak that did nothing cannot fail).
    assert sum(figures.actions.values()) >= 30
    assert {"checkin", "share", "round"} <= set(figures.actions)
    assert figures.restarts >= 1
    assert figures.lock_holds >= 1
    assert sum(figures.faults.values()) >= 1
    assert figures.virtual_hours >= 6
    # Every invariant was checked; all hold except the known gaps.
    assert list(figures.invariants) == [name for name, _ in INVARIANTS]
    failed = {name: verdict for name, verdict in figures.invariants.items() if not verdict.startswith("ok")}
    assert set(failed) <= KNOWN, figures_text
    assert figures.invariants["meeting reminders: none lost, none twice"].startswith("ok")
    assert "OperationalError" not in figures.bot_errors  # a lock shorter than the busy timeout is invisible
    assert memory_slope(figures, config.warmup_share)[1] >= 1
