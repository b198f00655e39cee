"""SQLite inline on the loop (issue 17): another process's lock is waited out without stalling the bot."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Database


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Database, "sqlite_inline", True)


async def test_a_write_waits_out_another_process_lock_while_the_loop_keeps_running(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}", busy_timeout_ms=5000)
    assert db.inline
    async with db.write() as session:
        await session.execute(text("CREATE TABLE notes (n INTEGER)"))

    # Another process (an operator's sqlite3 shell, say) holds the write lock for 0.4 s.
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, other.execute, args=("COMMIT",)).start()

    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    async with db.write() as session:
        await session.execute(text("INSERT INTO notes VALUES (1)"))
    waited = time.perf_counter() - started
    task.cancel()
    other.close()

    async with db.read() as session:
        assert (await session.execute(text("SELECT n FROM notes"))).scalars().all() == [1]
    assert waited >= 0.3  # it really waited for the lock instead of failing
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10 and max(gaps) < 0.2  # the loop kept serving others meanwhile
    await db.close()


async def test_a_lock_held_past_the_busy_timeout_fails_the_write_and_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}", busy_timeout_ms=200)
    async with db.write() as session:
        await session.execute(text("CREATE TABLE notes (n INTEGER)"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        failed = False
        try:
            async with db.write() as session:
                await session.execute(text("INSERT INTO notes VALUES (1)"))
        except Exception as error:  # SQLAlchemy's OperationalError: database is locked
            failed = "locked" in str(error)
        assert failed
    finally:
        other.execute("ROLLBACK")
        other.close()
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar() == 0
    await db.close()
