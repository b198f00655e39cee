"""Shared fixtures: settings on a temp database, and the real bot inside SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import simcord

from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.db import Database
from bot.db import migrate as migrations
from bot.interactions import user_message
from tests.support.budget import ResponseTimes
from tests.support.postgres import postgres_server, require_postgres_bin, temporary_database

SECRET = "test-secret-key-that-is-long-enough-0123456789"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ab"


def make_settings(tmp_path: Path, database_url: str | None = None, **env: str) -> Settings:
    environ = {
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
        "HEARTH_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp_path}/hearth.sqlite3",
        **env,
    }
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text("")  # never pick up a developer's ./config.toml
    return load_settings(config, environ)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Every feature loaded, as in production: features meet each other in these tests too."""
    return make_settings(tmp_path)


class Harness:
    """The real bot (built by create_bot) in SimCord, with the bot's clock on SimCord's virtual time."""

    def __init__(self, env: simcord.Env, settings: Settings, clock: Clock, times: ResponseTimes) -> None:
        self.env = env
        self.settings = settings
        self.clock = clock
        self.times = times  # first-response time of every interaction (tests/support/budget.py)

    @property
    def bot(self) -> Hearth:
        bot = self.env.bot
        assert isinstance(bot, Hearth)
        return bot

    async def restart(self) -> Hearth:
        """A new bot process against the same database and the same virtual Discord."""
        old = self.bot
        bot = create_bot(self.settings, clock=self.clock)
        self.times.install(bot)
        await self.env.restart_bot(bot)
        await release(old)  # the old process is gone: its timers and connections with it
        return bot


async def release(bot: Hearth) -> None:
    """What process exit does for a bot SimCord detached: stop its scheduler, close its database."""
    bot.scheduler.shutdown()
    await bot.db.close()


# Discord drops an interaction not answered within 3 s; every test's interactions must stay well inside.
RESPONSE_BUDGET = 2.5


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    async for harness in running(settings):
        yield harness


async def running(settings: Settings) -> AsyncIterator[Harness]:
    """The bot in SimCord; afterwards, no unexpected error and no interaction answered too late."""
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True)
    times = ResponseTimes(env)
    times.install(bot)
    clock.use(env.now)
    await env.start()
    try:
        yield Harness(env, settings, clock, times)
    finally:
        await env.shutdown()
        if isinstance(env.bot, Hearth):
            await release(env.bot)
        fail_on_unexpected_errors(env)
    late = times.slower_than(RESPONSE_BUDGET)
    assert not late, f"interactions answered later than {RESPONSE_BUDGET} s: {late}"


def fail_on_unexpected_errors(env: simcord.Env) -> None:
    """SimCord records every error the bot handled. Errors meant for the user (bad input, refusals)
    are the behaviour under test; anything else is a bug and fails the test."""
    unseen = env.errors_since(env._errors_acknowledged)
    bugs = [error for error in unseen if user_message(error) is None]
    if bugs:
        raise AssertionError(f"the bot hit {len(bugs)} unexpected error(s)") from bugs[0]


@pytest.fixture
def env(harness: Harness) -> simcord.Env:
    return harness.env


# --- databases: every service test runs on SQLite and on a real PostgreSQL server -------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole run (skipped, visibly, only without binaries)."""
    bin_dir = require_postgres_bin()
    with postgres_server(bin_dir) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/service.sqlite3"
        return
    server = request.getfixturevalue("postgres_url")
    async with temporary_database(server) as url:
        yield url


@pytest.fixture
async def db_harness(tmp_path: Path, database_url: str) -> AsyncIterator[Harness]:
    """The bot in SimCord on SQLite and on PostgreSQL (the test runs once on each)."""
    async for harness in running(make_settings(tmp_path, database_url)):
        yield harness


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database, SQLite or PostgreSQL (the test runs once on each)."""
    database = Database(database_url)
    await migrations.upgrade(database)
    try:
        yield database
    finally:
        await database.close()
