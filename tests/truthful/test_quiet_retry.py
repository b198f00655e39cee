"""A quiet retry on a busy database, on SQLite and on PostgreSQL.

A write that meets another's lock for longer than the busy timeout (SQLite) or ``lock_timeout``
(PostgreSQL, the same setting) fails and rolls back. The interaction then runs its use case again,
up to ``RETRY_DELAYS`` times with backoff, while that is safe (nothing committed, nothing sent or
changed on Discord but a defer); only then is the member told to try again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import outcome
from bot.interactions import RETRY_DELAYS, retried_quietly
from cogs.groups.models import GroupMember
from tests.conftest import Harness, make_settings, running
from tests.groups.support import said
from tests.support.budget import held_database_lock
from tests.support.groups import make_group

BUSY_MS = 300


@pytest.fixture
async def busy_harness(tmp_path: Path, database_url: str) -> AsyncIterator[Harness]:
    """The bot on SQLite and on PostgreSQL, waiting at most ``BUSY_MS`` for another's lock."""
    (tmp_path / "config.toml").write_text(f"[database]\nsqlite_busy_timeout_ms = {BUSY_MS}\n")
    async for harness in running(make_settings(tmp_path, database_url)):
        yield harness


async def members(harness: Harness) -> int:
    async with harness.bot.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(GroupMember)) or 0)


async def test_a_lock_held_a_little_past_the_busy_timeout_is_retried_quietly(
    busy_harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness, env = busy_harness, busy_harness.env
    guild = env.create_guild()
    alice, bob = (guild.add_member(env.create_user(name)) for name in ("alice", "bob"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    before = await members(harness)

    # Held for 0.8 s: the first try gives up after 0.3 s, the retry 0.25 s later gets the lock.
    with caplog.at_level(logging.INFO, logger="hearth.errors"):
        async with held_database_lock(harness.settings.database_url, 0.8):
            joined = await bob.slash(group.channel, "group join", group="Caregivers")

    assert "You joined **Caregivers**" in said(joined)
    assert "busy" not in said(joined)
    assert await members(harness) == before + 1  # once, not twice
    records = [r for r in caplog.records if r.name == "hearth.errors"]
    assert [r.levelno for r in records] == [logging.INFO] * len(records) and records, "retried, quietly"
    assert not harness.times.slower_than(1.0)


async def test_a_lock_held_for_good_is_retried_a_bounded_number_of_times_then_busy(
    busy_harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness, env = busy_harness, busy_harness.env
    guild = env.create_guild()
    alice, bob = (guild.add_member(env.create_user(name)) for name in ("alice", "bob"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    before = await members(harness)

    started = time.perf_counter()
    with caplog.at_level(logging.INFO, logger="hearth.errors"):
        async with held_database_lock(harness.settings.database_url, 30):
            result = await bob.slash(group.channel, "group join", group="Caregivers")
    waited = time.perf_counter() - started

    text = said(result)
    assert result.ephemeral
    assert "try again in a moment" in text and "Nothing was changed" in text and "reference" not in text
    assert await members(harness) == before
    levels = [r.levelno for r in caplog.records if r.name == "hearth.errors"]
    assert levels == [logging.INFO] * len(RETRY_DELAYS) + [logging.WARNING]
    # Every try waits the busy timeout, plus the backoff between them: bounded, well under a minute.
    bound = (len(RETRY_DELAYS) + 1) * BUSY_MS / 1000 + sum(RETRY_DELAYS)
    assert bound - 0.1 < waited < bound + 3
    assert not harness.times.slower_than(1.0)  # deferred before the first try
    env.errors  # the busy database was the behaviour under test  # noqa: B018


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))


@pytest.mark.parametrize(
    ("said_something", "saved", "error", "tries"),
    [
        (False, False, _locked(), 1 + len(RETRY_DELAYS)),  # safe: run again, a bounded number of times
        (True, False, _locked(), 1),  # an answer or a Discord change would happen twice
        (False, True, _locked(), 1),  # a commit would happen twice
        (False, False, ValueError("a bug"), 1),  # only a busy database is retried
    ],
)
async def test_a_retry_runs_only_when_running_again_is_safe(
    monkeypatch: pytest.MonkeyPatch, said_something: bool, saved: bool, error: Exception, tries: int
) -> None:
    monkeypatch.setattr("bot.interactions.RETRY_DELAYS", (0.0,) * len(RETRY_DELAYS))
    runs = 1
    token = outcome.begin()
    try:
        current = outcome.current()
        assert current is not None
        current.spoke, current.saved = said_something, saved

        async def again() -> None:
            nonlocal runs
            runs += 1
            raise error

        left = await retried_quietly(error, again)
    finally:
        outcome.end(token)
    assert runs == tries
    assert left is error
