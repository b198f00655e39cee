"""The soak's measure of Hearth's own memory sees what Hearth holds on to, and not the simulator's state."""

from __future__ import annotations

import sys

import simcord

from bench import soak_memory
from tests.conftest import Harness

MIB = 1024 * 1024


async def test_what_hearth_holds_is_counted_and_simulator_state_is_not(harness: Harness, env: simcord.Env) -> None:
    bot = harness.bot
    before, _ = soak_memory.retained(bot)
    assert before > 100_000  # the bot, its cogs, scheduler and engine are in there

    # The simulator's own log grows by ~8 MiB: not Hearth's memory.
    env.backend.http_requests.extend([f"{i:08d}" * 128 for i in range(8000)])  # type: ignore[misc]
    simulator, _ = soak_memory.retained(bot)
    assert abs(simulator - before) < MIB

    # A cache on the bot that only grows, and a module-level list in a feature: both are Hearth's.
    bot.soak_leak = [f"{i:08d}" * 128 for i in range(4000)]  # type: ignore[attr-defined]
    feature = sys.modules["cogs.checkins.cog"]
    feature.soak_leak = [f"{i:08d}" * 128 for i in range(4000)]  # type: ignore[attr-defined]
    try:
        leaked, _ = soak_memory.retained(bot)
    finally:
        del bot.soak_leak  # type: ignore[attr-defined]
        del feature.soak_leak  # type: ignore[attr-defined]
    assert leaked - simulator > 7 * MIB


def test_the_slope_is_per_hour_after_warm_up() -> None:
    # Warm-up (the first 30 %) climbs fast; afterwards 1 MiB per 10 minutes = 6 MiB/hour.
    points = [(0.0, 0.0), (60.0, 50.0), (120.0, 60.0), (600.0, 60.0), (1200.0, 61.0), (1800.0, 62.0)]
    slope, used = soak_memory.slope(points, warmup_share=0.3)
    assert used == 3
    assert 5.9 < slope < 6.1
