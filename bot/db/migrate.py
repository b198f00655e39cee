"""Alembic migrations, run programmatically (at start and by ``python -m bot migrate``).

The core's migrations live in ``bot/db/migrations/versions``; each feature keeps its own in
``cogs/<feature>/migrations`` as a branch, so features never fight over one linear history.
Upgrading goes to ``heads``: every branch's newest revision.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

import cogs
from bot.db.database import Database
from bot.db.locks import MIGRATIONS, wait_for_xact_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def feature_packages() -> list[str]:
    """Feature packages under cogs/, skipping private (``_``-prefixed) modules."""
    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if info.ispkg and not info.name.startswith("_")
    )


def import_models() -> None:
    """Import every feature's models so ``Base.metadata`` knows all tables."""
    importlib.import_module("bot.db.models")
    for package in feature_packages():
        try:
            importlib.import_module(f"{package}.models")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.models":
                raise


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(MIGRATIONS_DIR / "versions")]
    for package in feature_packages():
        folder = Path(importlib.import_module(package).__path__[0]) / "migrations"
        if folder.is_dir():
            locations.append(str(folder))
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class MigrationState:
    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.heads)


def _upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")


def _state(connection: Connection, config: Config) -> MigrationState:
    script = ScriptDirectory.from_config(config)
    context = MigrationContext.configure(connection)
    return MigrationState(tuple(sorted(context.get_current_heads())), tuple(sorted(script.get_heads())))


async def upgrade(db: Database) -> MigrationState:
    config = alembic_config()
    async with db.engine.begin() as connection:
        # Several processes starting together on one PostgreSQL: the first migrates, the others wait
        # here and then find nothing left to do (released when this transaction commits).
        await wait_for_xact_lock(connection, MIGRATIONS)
        await connection.run_sync(_upgrade, config)
    return await state(db)


async def state(db: Database) -> MigrationState:
    config = alembic_config()
    async with db.engine.connect() as connection:
        return await connection.run_sync(_state, config)
