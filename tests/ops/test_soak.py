"""The soak, scaled down to about a minute: mixed load with injected REST errors, restarts and a held
database lock, then the end-of-run invariants. The full run is `python -m bench.soak`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bench.soak import INVARIANTS, SoakConfig, report, run_soak


async def test_scaled_down_soak_keeps_its_invariants(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)
    config = SoakConfig(
        virtual_hours=12,
        wall_minutes=0.6,
        restart_every_seconds=12,
        lock_every_seconds=10,
        lock_max_seconds=3,  # under the 5 s busy timeout: members must not notice
        fault_rate=0.05,
        keep_virtual_hours=8,  # the simulator prunes messages 8 virtual hours old: pruning is tested too
        folder=tmp_path,
    )
    world = await run_soak(config)
    figures = world.figures
    figures_text = report(world)  # shown by pytest when an assertion below fails
    # The load and the faults happened (a soak that did nothing cannot fail).
    assert sum(figures.actions.values()) >= 30, figures_text
    assert {"checkin", "share", "round", "care"} <= set(figures.actions), figures_text
    assert figures.restarts >= 1
    assert figures.lock_holds >= 1
    assert sum(figures.faults.values()) >= 1
    assert figures.virtual_hours >= 12
    assert world.care.offered >= 1, figures_text  # care was exercised: an offer made, so cases were checked
    assert len(figures.hearth) >= 3, figures_text
    assert world.pruner.messages_pruned > 0 and world.pruner.interactions_pruned > 0, figures_text
    # Every invariant was checked, and every one holds.
    assert list(figures.invariants) == [name for name, _ in INVARIANTS]
    failed = {name: verdict for name, verdict in figures.invariants.items() if not verdict.startswith("ok")}
    assert failed == {}, figures_text
    assert "OperationalError" not in figures.bot_errors  # a lock shorter than the busy timeout is invisible
