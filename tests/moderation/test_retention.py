"""Audit entries (and settled items) expire after retention.audit_days, by a daily job on virtual time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from tests.conftest import Harness, make_settings
from tests.moderation.support import audit, items, make_server, report


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "config.toml").write_text("[retention]\naudit_days = 2\n")
    return make_settings(tmp_path)


async def test_audit_entries_expire_after_the_configured_days(harness: Harness) -> None:
    assert harness.bot.settings.retention.audit_days == 2
    s = await make_server(harness)
    old = await s.alice.send(s.channel, "old")
    await report(s.bob, s.channel, old)
    await s.maya.click(s.card(), label="Dismiss")
    still_open = await s.alice.send(s.channel, "open")
    await report(s.carol, s.channel, still_open)

    await harness.env.advance_time(86400)
    assert len(await audit(harness)) == 1  # one day old: kept
    await harness.env.advance_time(2 * 86400)

    assert await audit(harness) == []
    remaining = await items(harness)
    assert [item.status for item in remaining] == ["open"]  # open items are never expired


async def test_the_retention_job_is_rebuilt_after_a_restart(harness: Harness) -> None:
    assert harness.bot.scheduler.job_ids("moderation:") == ["moderation:retention"]
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)
    await s.maya.click(s.card(), label="Dismiss")

    await harness.restart()
    assert harness.bot.scheduler.job_ids("moderation:") == ["moderation:retention"]
    await harness.env.advance_time(3 * 86400)

    assert await audit(harness) == []
