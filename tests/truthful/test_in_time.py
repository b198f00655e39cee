"""Always in time: under a held database lock every interaction gets its first response within a
budget well inside Discord's three seconds, on SQLite and on PostgreSQL; and the work still lands."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cogs.groups.models import GroupMember
from cogs.sharing.models import AnonymousPost
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness, make_settings, running
from tests.support.budget import busy_writer, held_database_lock
from tests.support.groups import make_group

BUDGET = 1.0
HOLD = 1.5  # longer than the budget, shorter than the busy timeout: the work waits, then succeeds


async def rows(harness: Harness, model: type) -> int:
    async with harness.bot.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def said(result: object) -> str:
    messages = [m for m in [result.response, *result.followups] if m is not None]  # type: ignore[attr-defined]
    return "\n".join(m.content for m in messages)


async def test_commands_buttons_and_forms_answer_in_time_under_a_held_lock(db_harness: Harness) -> None:
    harness, env = db_harness, db_harness.env
    guild = env.create_guild()
    alice, bob = (guild.add_member(env.create_user(name)) for name in ("alice", "bob"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    await make_group(harness, guild, "Open Circle", members=[alice])
    url = harness.settings.database_url

    # A command that writes: /group join waits for the lock, but is deferred in time and then succeeds.
    async with held_database_lock(url, HOLD):
        joined = await bob.slash(group.channel, "group join", group="Open Circle")
    assert "You joined **Open Circle**" in said(joined)
    assert joined.ephemeral
    assert await rows(harness, GroupMember) == 3

    # A button that writes (accepting the guidelines) while another write is in progress.
    async with held_database_lock(url, HOLD), busy_writer(harness.bot.db, HOLD):
        accepted = await bob.click(joined.response.message, label="I accept")
    assert "accepted" in said(accepted)

    # A command that opens a form only reads, so the form opens even while the lock is held.
    async with held_database_lock(url, HOLD):
        shown = await alice.slash(group.channel, "share")
    assert shown.modal is not None

    # The form's submission writes and posts: deferred in time, then posted.
    async with held_database_lock(url, HOLD):
        submitted = await alice.submit_modal(shown, {TEXT_ID: "Hard week, but I'm here.", WARNING_ID: ""})
    assert submitted.ephemeral
    assert await rows(harness, AnonymousPost) == 1

    late = harness.times.slower_than(BUDGET)
    assert not late, f"first responses slower than {BUDGET} s under a held lock: {late}"
    assert len(harness.times.answered) >= 4


async def test_a_lock_held_past_the_busy_timeout_is_a_calm_try_again_without_a_reference(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "config.toml").write_text("[database]\nsqlite_busy_timeout_ms = 200\n")
    settings = make_settings(tmp_path)
    async for harness in running(settings):
        env = harness.env
        guild = env.create_guild()
        alice, bob = (guild.add_member(env.create_user(name)) for name in ("alice", "bob"))
        group = await make_group(harness, guild, "Caregivers", members=[alice])
        with caplog.at_level(logging.WARNING, logger="hearth.errors"):
            async with held_database_lock(settings.database_url, 30):
                result = await bob.slash(group.channel, "group join", group="Caregivers")
        text = said(result)
        assert result.ephemeral
        assert "try again in a moment" in text and "Nothing was changed" in text
        assert "reference" not in text
        assert await rows(harness, GroupMember) == 1  # nothing half-written
        warnings = [r for r in caplog.records if r.name == "hearth.errors"]
        assert [r.levelno for r in warnings] == [logging.WARNING]
        assert harness.times.first_response(next(iter(harness.times.answered))) < BUDGET
        env.errors  # the transient error was the behaviour under test  # noqa: B018
        # Once the lock is gone, the same command works.
        again = await bob.slash(group.channel, "group join", group="Caregivers")
        assert "You joined **Caregivers**" in said(again)
