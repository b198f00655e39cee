"""Processes started together log their shards in paced across all of them: Discord refuses a second
IDENTIFY in one bucket (shard % max_concurrency) within 5 s, whichever process sends it (issue 20)."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import pytest

from bot.app import ShardedHearth, create_bot
from bot.shards import identify_bucket
from tests.conftest import make_settings
from tests.support.postgres import temporary_database

pytestmark = pytest.mark.postgres

GAP = 0.4  # stands for Discord's 5 s window, so the test stays short
COUNT, BUCKETS = 6, 2
PROCESSES = ("0-1", "2-3", "4-5")


async def log_in(bot: ShardedHearth, identified: list[tuple[float, int]]) -> None:
    """What discord.py does at start: its shards one after another, each through the hook, then IDENTIFY."""
    for index, shard in enumerate(bot.shard_plan.ids):
        await bot.before_identify_hook(shard, initial=index == 0)
        identified.append((time.monotonic(), shard))


async def test_identifies_in_one_bucket_are_a_gap_apart_across_processes(tmp_path: Path, postgres_url: str) -> None:
    async with temporary_database(postgres_url) as url:
        bots = []
        for ids in PROCESSES:
            home = tmp_path / ids
            home.mkdir()
            bot = create_bot(make_settings(home, url, HEARTH_SHARD_COUNT=str(COUNT), HEARTH_SHARD_IDS=ids))
            assert isinstance(bot, ShardedHearth)
            bot.identify_gap, bot.max_concurrency = GAP, BUCKETS
            bots.append(bot)
        identified: list[tuple[float, int]] = []
        try:
            await asyncio.wait_for(asyncio.gather(*(log_in(bot, identified) for bot in bots)), 30)
            await asyncio.sleep(GAP)  # the last holders let go
        finally:
            for bot in bots:
                await bot.db.close()

    assert sorted(shard for _, shard in identified) == list(range(COUNT))
    for bucket in range(BUCKETS):
        times = sorted(at for at, shard in identified if identify_bucket(shard, BUCKETS) == bucket)
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert len(times) == COUNT // BUCKETS and min(gaps) >= GAP * 0.98, (bucket, gaps)
    # The buckets log in side by side: pacing one bucket does not hold up the other.
    first = {identify_bucket(shard, BUCKETS): at for at, shard in sorted(identified, reverse=True)}
    assert abs(first[0] - first[1]) < GAP
