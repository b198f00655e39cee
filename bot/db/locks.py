"""PostgreSQL advisory locks: one process at a time where there must be one (migrations, command sync,
retention) when several processes share one database. On SQLite (one process by rule) they are no-ops.

Keys are named, never numbered by hand: a name maps to a stable 64-bit key.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

MIGRATIONS = "hearth:migrations"
RETENTION = "hearth:retention"
COMMAND_SYNC = "hearth:command-sync"


def identify_lock(bucket: int) -> str:
    """One name per login bucket (bot/shards.identify_bucket): its IDENTIFYs go one at a time."""
    return f"hearth:identify:{bucket}"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory keys are bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _is_postgres(target: AsyncConnection | AsyncSession) -> bool:
    dialect = target.dialect if isinstance(target, AsyncConnection) else target.get_bind().dialect
    return dialect.name == "postgresql"


async def wait_for_xact_lock(target: AsyncConnection | AsyncSession, name: str) -> None:
    """Wait until this transaction holds the lock; it is released at commit or rollback."""
    if _is_postgres(target):
        await target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


async def try_xact_lock(target: AsyncConnection | AsyncSession, name: str) -> bool:
    """Take the lock for this transaction if nobody holds it; False: another process is on it now."""
    if not _is_postgres(target):
        return True
    result = await target.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)})
    return bool(result.scalar_one())


async def run_exclusive(engine: AsyncEngine, name: str, job: Callable[[], Awaitable[None]]) -> bool:
    """Run ``job`` unless another process is running the job ``name`` right now (then skip: False).

    For housekeeping every process schedules at the same hour (retention): one of them does it. The
    lock is held on its own connection for the job's length, outside the job's transactions.
    """
    if engine.dialect.name != "postgresql":
        await job()
        return True
    async with engine.connect() as connection:
        key = {"key": lock_key(name)}
        if not (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key)).scalar_one():
            return False
        try:
            await job()
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            await connection.commit()
        return True


async def reserve_slots(engine: AsyncEngine, name: str, now: float, span: float) -> float:
    """Reserve the next ``span`` seconds of the shared budget ``name``; returns where the block starts.

    One atomic upsert: the row's next free slot becomes ``max(next, now) + span``. PostgreSQL only
    (several processes); one process paces itself (bot/pacing.RatePacer).
    """
    statement = text(
        "INSERT INTO pacing_slots (name, next_at) VALUES (:name, CAST(:now AS float8) + CAST(:span AS float8)) "
        "ON CONFLICT (name) DO UPDATE SET next_at = GREATEST(pacing_slots.next_at, CAST(:now AS float8)) "
        "+ CAST(:span AS float8) RETURNING next_at - CAST(:span AS float8)"
    )
    async with engine.begin() as connection:
        start = (await connection.execute(statement, {"name": name, "now": now, "span": span})).scalar_one()
    return float(start)


async def hold_lock_for(engine: AsyncEngine, name: str, seconds: float) -> asyncio.Task[None]:
    """Wait for the lock ``name``, then keep it ``seconds`` (wall time) from now; returns the task that
    releases it. PostgreSQL only. Logins pace this way: whoever takes a bucket's lock next identifies at
    least ``seconds`` after this one."""
    connection = await engine.connect()
    key = {"key": lock_key(name)}
    try:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    except BaseException:
        await connection.close()
        raise

    async def release() -> None:
        try:
            await asyncio.sleep(seconds)
        finally:
            try:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                await connection.commit()
            finally:
                await connection.close()  # closing also ends the session, and with it the lock

    return asyncio.create_task(release())
