"""PostgreSQL advisory locks: one process at a time where there must be one (migrations, command sync,
retention) when several processes share one database. On SQLite (one process by rule) they are no-ops.

Keys are named, never numbered by hand: a name maps to a stable 64-bit key.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

MIGRATIONS = "hearth:migrations"
COMMAND_SYNC = "hearth:command-sync"
RETENTION = "hearth:retention"


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
