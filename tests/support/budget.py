"""How long the bot took to give each interaction its first response, and a held database lock.

Discord drops an interaction not answered (or deferred) within three seconds; SimCord does not
enforce that, so these tests measure it on the wall clock: from the moment the bot receives the
interaction to its first ``POST /interactions/{id}/{token}/callback``. (``perf_counter``: SimCord
replaces ``time.monotonic`` with its virtual clock.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import discord
import simcord
from sqlalchemy.engine import make_url

from bot.db import Database


class _TimedLog(list):  # type: ignore[type-arg]
    """SimCord's request log, noting when each request was made."""

    def __init__(self, entries: list[Any], on_append: Callable[[Any], None]) -> None:
        super().__init__(entries)
        self._on_append = on_append

    def append(self, entry: Any) -> None:
        self._on_append(entry)
        super().append(entry)


class ResponseTimes:
    """First-response time of every interaction the bot receives (install again after a restart)."""

    def __init__(self, env: simcord.Env) -> None:
        self.env = env
        self.received: dict[str, float] = {}
        self.kinds: dict[str, str] = {}
        self.answered: dict[str, float] = {}
        backend = env.backend
        backend.http_requests = _TimedLog(backend.http_requests, self._saw_request)

    def install(self, bot: discord.Client) -> None:
        parsers = bot._connection.parsers
        inner = parsers["INTERACTION_CREATE"]

        def parse(data: Any) -> None:
            key = str(data["id"])
            self.received[key] = time.perf_counter()
            self.kinds[key] = _label(data)
            inner(data)

        parsers["INTERACTION_CREATE"] = parse

    def _saw_request(self, entry: Any) -> None:
        parts = entry.path.strip("/").split("/")
        if entry.method == "POST" and len(parts) == 4 and parts[0] == "interactions" and parts[3] == "callback":
            self.answered.setdefault(parts[1], time.perf_counter())

    def first_response(self, key: str) -> float:
        """Seconds to the first response; infinite when there was none."""
        if key not in self.answered:
            return float("inf")
        return self.answered[key] - self.received[key]

    def slower_than(self, budget: float) -> list[str]:
        """Every interaction (autocomplete aside) whose first response took longer than ``budget``."""
        return [
            f"{self.kinds[key]}: {self.first_response(key):.2f} s"
            for key in self.received
            if not self.kinds[key].startswith("autocomplete") and self.first_response(key) > budget
        ]


def _label(data: dict[str, Any]) -> str:
    inner = data.get("data") or {}
    kind = {2: "command", 3: "button", 4: "autocomplete", 5: "form"}.get(data.get("type", 0), "?")
    name = inner.get("name") or inner.get("custom_id") or ""
    options = inner.get("options") or []
    while options and options[0].get("type") in (1, 2):
        name += " " + options[0]["name"]
        options = options[0].get("options") or []
    return f"{kind} {name}".strip()


@asynccontextmanager
async def held_database_lock(database_url: str, seconds: float) -> AsyncIterator[None]:
    """Another process holds the write lock for ``seconds`` (or until the block ends, if sooner):
    SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL every table locked in EXCLUSIVE mode, which, like
    SQLite's lock, stops writes and ``SELECT ... FOR UPDATE`` but not plain reads."""
    url = make_url(database_url)
    release: Callable[[], Any]
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", isolation_level=None, check_same_thread=False)
        connection.execute("BEGIN IMMEDIATE")

        async def release_sqlite() -> None:
            connection.execute("ROLLBACK")
            connection.close()

        release = release_sqlite
    else:
        pg = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        transaction = pg.transaction()
        await transaction.start()
        tables = await pg.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema()"
        )
        await pg.execute(f"LOCK TABLE {', '.join(t['name'] for t in tables)} IN EXCLUSIVE MODE")

        async def release_pg() -> None:
            await transaction.rollback()
            await pg.close()

        release = release_pg

    released = asyncio.Event()

    async def release_once() -> None:
        if not released.is_set():
            released.set()
            await release()

    async def later() -> None:
        await asyncio.sleep(seconds)
        await release_once()

    timer = asyncio.get_running_loop().create_task(later())
    try:
        yield
    finally:
        timer.cancel()
        await release_once()


@asynccontextmanager
async def busy_writer(db: Database, seconds: float) -> AsyncIterator[None]:
    """Another of Hearth's own use cases is in a write transaction for ``seconds`` (the contention a
    single-process bot meets: on SQLite every other writer queues behind it)."""
    entered = asyncio.Event()

    async def write() -> None:
        async with db.write():
            entered.set()
            await asyncio.sleep(seconds)

    task = asyncio.get_running_loop().create_task(write())
    await entered.wait()
    try:
        yield
    finally:
        await task
