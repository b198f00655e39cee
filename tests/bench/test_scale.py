"""bench.scale still measures what it says: a tiny run delivers every message once and reports it."""

from __future__ import annotations

import pytest

from bench import scale

pytestmark = pytest.mark.postgres


async def test_a_tiny_scale_run_delivers_each_message_once(postgres_url: str) -> None:
    result = await scale.run_once(postgres_url, guilds=20, processes=2, shards=4, due_over=1.0)

    assert result["seeded"] == result["delivered"] == 20
    assert result["lost"] == result["sent_twice"] == result["global_429s"] == 0
    assert 0 < result["busiest_second"] <= 50
    assert result["cpu_ms_per_delivery"] > 0
