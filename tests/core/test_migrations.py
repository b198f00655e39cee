"""Migrations and models agree: a database built by Alembic is what the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.db import Base, Database
from bot.db.migrate import import_models


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(db: Database) -> None:
    import_models()
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    assert differences == []
