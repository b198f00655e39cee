"""The database layer on SQLite and PostgreSQL: transactions, lost updates, aware datetimes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import HearthState


async def _increment(db: Database, key: str) -> None:
    async with db.write() as session:
        row = await session.scalar(select(HearthState).where(HearthState.key == key).with_for_update())
        assert row is not None
        await asyncio.sleep(0)  # let the other tasks run between the read and the write
        row.value = str(int(row.value) + 1)


async def test_concurrent_read_then_write_loses_no_update(db: Database) -> None:
    async with db.write() as session:
        session.add(HearthState(key="counter", value="0"))

    async def worker() -> None:
        for _ in range(50):
            await _increment(db, "counter")

    await asyncio.gather(*(worker() for _ in range(20)))

    async with db.read() as session:
        assert (await session.get(HearthState, "counter")).value == "1000"  # type: ignore[union-attr]


async def test_an_exception_leaves_nothing_half_written(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            session.add(HearthState(key="half", value="written"))
            await session.flush()
            raise RuntimeError("boom")
    async with db.read() as session:
        assert await session.get(HearthState, "half") is None


async def test_migrations_are_current_after_upgrade(db: Database) -> None:
    from bot.db import migrate

    state = await migrate.state(db)
    assert state.up_to_date
    assert state.heads


async def test_naive_datetimes_are_refused_and_aware_ones_come_back_utc(db: Database) -> None:
    from cogs.groups.models import Group

    aware = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    async with db.write() as session:
        session.add(
            Group(
                guild_id=1,
                name="A",
                name_key="a",
                description="",
                private=False,
                owns_channel=True,
                guidelines="",
                guidelines_version=1,
                created_by=1,
                created_at=aware,
            )
        )
    async with db.read() as session:
        group = await session.scalar(select(Group))
        assert group is not None and group.created_at == aware and group.created_at.tzinfo is not None

    with pytest.raises(Exception, match="naive datetime"):
        async with db.write() as session:
            session.add(
                Group(
                    guild_id=1,
                    name="B",
                    name_key="b",
                    description="",
                    private=False,
                    owns_channel=True,
                    guidelines="",
                    guidelines_version=1,
                    created_by=1,
                    created_at=datetime(2026, 1, 1),  # noqa: DTZ001 - naive on purpose
                )
            )


async def test_database_errors_do_not_carry_members_words(db: Database) -> None:
    """An unexpected database error is logged with its traceback: its message must not hold the values."""
    async with db.write() as session:
        session.add(HearthState(key="dup", value="first"))
    with pytest.raises(Exception, match="INSERT") as caught:
        async with db.write() as session:
            session.add(HearthState(key="dup", value="my private note"))
    assert "my private note" not in str(caught.value)
