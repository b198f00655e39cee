"""Several processes on one PostgreSQL: what must happen once happens once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event

from bot.db import Database
from bot.db import migrate as migrations
from bot.db.locks import RETENTION, run_exclusive, try_xact_lock
from tests.support.postgres import temporary_database


def count_table_creations(db: Database) -> list[str]:
    created: list[str] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            created.append(statement)

    return created


@pytest.mark.postgres
async def test_processes_migrating_an_empty_database_together_run_the_migrations_once(postgres_url: str) -> None:
    async with temporary_database(postgres_url) as url:
        processes = [Database(url) for _ in range(3)]
        created = [count_table_creations(db) for db in processes]
        try:
            # Without the lock, concurrent DDL deadlocks or fails: bound the wait so the test fails instead.
            states = await asyncio.wait_for(asyncio.gather(*(migrations.upgrade(db) for db in processes)), 60)
        finally:
            for db in processes:
                await db.close()
        assert all(state.up_to_date for state in states)
        # One process created the tables; the others waited and found nothing left to do.
        assert sorted(len(c) > 0 for c in created) == [False, False, True]
        fresh = Database(url)
        try:
            assert (await migrations.state(fresh)).up_to_date
        finally:
            await fresh.close()


@pytest.mark.postgres
async def test_a_held_lock_is_refused_to_a_second_process_until_released(postgres_url: str) -> None:
    async with temporary_database(postgres_url) as url:
        first, second = Database(url), Database(url)
        try:
            async with first.engine.begin() as holding:
                assert await try_xact_lock(holding, RETENTION)
                async with second.engine.begin() as other:
                    assert not await try_xact_lock(other, RETENTION)
            async with second.engine.begin() as other:
                assert await try_xact_lock(other, RETENTION)  # released with the first transaction
        finally:
            await first.close()
            await second.close()


async def test_on_sqlite_the_locks_are_no_ops(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/one.sqlite3")
    try:
        async with db.engine.begin() as first, db.engine.connect() as second:
            assert await try_xact_lock(first, RETENTION)
            assert await try_xact_lock(second, RETENTION)
    finally:
        await db.close()


@pytest.mark.postgres
async def test_processes_starting_together_upload_the_commands_once(postgres_url: str, tmp_path: Any) -> None:
    from bot.app import create_bot
    from tests.conftest import make_settings

    async with temporary_database(postgres_url) as url:
        settings = make_settings(tmp_path, url)
        bots = [create_bot(settings) for _ in range(3)]
        await migrations.upgrade(bots[0].db)
        uploads: list[int] = []

        for index, bot in enumerate(bots):

            async def fake_sync(*, guild: Any = None, index: int = index) -> list[Any]:
                for _ in range(5):  # let the other processes run in between, as a slow upload would
                    await asyncio.sleep(0)
                uploads.append(index)
                return []

            bot.tree.sync = fake_sync  # type: ignore[method-assign]
        try:
            synced = await asyncio.wait_for(asyncio.gather(*(bot.sync_commands_if_changed() for bot in bots)), 60)
        finally:
            for bot in bots:
                await bot.db.close()
        assert len(uploads) == 1
        assert sorted(synced) == [False, False, True]


@pytest.mark.postgres
async def test_daily_housekeeping_runs_in_one_process_while_another_skips_it(postgres_url: str) -> None:
    async with temporary_database(postgres_url) as url:
        first, second = Database(url), Database(url)
        started, release = asyncio.Event(), asyncio.Event()
        runs: list[str] = []

        async def slow_retention() -> None:
            runs.append("first")
            started.set()
            await release.wait()

        async def retention_elsewhere() -> None:
            runs.append("second")

        try:
            running = asyncio.create_task(run_exclusive(first.engine, "daily:sharing:retention", slow_retention))
            await asyncio.wait_for(started.wait(), 10)
            assert not await run_exclusive(second.engine, "daily:sharing:retention", retention_elsewhere)
            release.set()
            assert await asyncio.wait_for(running, 10)
            # Done and released: the next day's run may happen anywhere.
            assert await run_exclusive(second.engine, "daily:sharing:retention", retention_elsewhere)
            assert runs == ["first", "second"]
        finally:
            release.set()
            await first.close()
            await second.close()


async def test_a_daily_job_skipped_by_another_process_does_not_run_here() -> None:
    from bot.clock import Clock
    from bot.scheduler import Scheduler

    decided: list[str] = []
    ran: list[int] = []

    async def elsewhere(name: str, job: Any) -> bool:
        decided.append(name)
        return False

    async def purge(n: int) -> None:
        ran.append(n)

    scheduler = Scheduler(Clock(), exclusive=elsewhere)
    await scheduler._once_across_processes("sharing:retention", purge, (1,))
    assert decided == ["daily:sharing:retention"] and ran == []
    scheduler.exclusive = None  # one process: no lock to ask
    await scheduler._once_across_processes("sharing:retention", purge, (2,))
    assert ran == [2]
