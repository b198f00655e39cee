"""aiosqlite without its worker thread: SQLite statements run inline on the event loop.

aiosqlite sends every call (execute, fetch, commit, even creating a cursor) to its own thread and
waits to be woken: ~85 µs plus a loop turn each, 8-11 per transaction through SQLAlchemy, which was
most of Hearth's cost per interaction (issue 17). Hearth's statements are indexed lookups and small
writes that take microseconds, and in WAL mode with ``synchronous=NORMAL`` a commit does not fsync,
so running them on the loop costs less than the hop that was meant to keep the loop free.

What the thread protected against is waiting on a lock. Writers in this process already queue on an
asyncio lock (``Database.write``), so SQLite's lock is only contended by another process (a backup,
a migration, an operator's sqlite3 shell). The connection therefore blocks at most
``BLOCK_MS`` inside SQLite and then retries ``database is locked`` by sleeping asynchronously, up to
the configured busy timeout: the loop never stalls for seconds.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite

BLOCK_MS = 5  # how long SQLite itself may block the loop waiting for another process's lock
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class _InlineQueue:
    """Stands in for aiosqlite's queue to its thread: runs what is put on it at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:
            if future is not None:
                future.set_exception(error)
            else:
                raise
        else:
            if future is not None:
                future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose calls run directly; same interface, no thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout_s: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._busy_timeout_s = busy_timeout_s
        self._tx = _InlineQueue()  # type: ignore[assignment]  # SQLAlchemy puts isolation_level here directly

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout_s
        pause = 0.001
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                # Another process holds the lock: SQLite did nothing, so the same call may be retried.
                if getattr(error, "sqlite_errorcode", None) not in _BUSY_CODES or loop.time() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # no worker thread to start

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def inline_creator(path: str, busy_timeout_ms: int) -> Callable[[], InlineConnection]:
    """An ``async_creator`` for ``create_async_engine`` that opens ``path`` with inline connections."""

    def connector() -> sqlite3.Connection:
        # check_same_thread off as aiosqlite does: the pool may close a connection from a finalizer.
        return sqlite3.connect(path, check_same_thread=False)

    def create() -> InlineConnection:
        return InlineConnection(connector, busy_timeout_ms / 1000)

    return create
