"""Self-test for tests/support/postgres.py: a real server answers `select 1`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from .postgres import (
    postgres_server,
    require_postgres_bin,
    temporary_database,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    # Sync fixture: postgres_server() drives its own event loop for startup.
    bin_dir = require_postgres_bin()
    with postgres_server(bin_dir) as url:
        yield url


async def _scalar(url: str, sql: str) -> object:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql))).scalar_one()
    finally:
        await engine.dispose()


async def test_select_one(pg_url: str) -> None:
    assert pg_url.startswith("postgresql+asyncpg://")
    assert "@127.0.0.1:" in pg_url
    assert pg_url.endswith("/hearth_test")
    assert await _scalar(pg_url, "select 1") == 1
    assert await _scalar(pg_url, "show server_encoding") == "UTF8"


async def test_temporary_database(pg_url: str) -> None:
    async with temporary_database(pg_url, "hearth_harness_tmp") as url:
        assert url.endswith("/hearth_harness_tmp")
        assert await _scalar(url, "select current_database()") == "hearth_harness_tmp"
    # Dropped on exit: it must be gone from the catalog.
    count = await _scalar(pg_url, "select count(*) from pg_database where datname = 'hearth_harness_tmp'")
    assert count == 0
