"""A REST call that times out (or loses its connection) is Discord failing, not a bug: the feature's
own undo runs as for a 5xx, the member is told calmly that nothing changed, and no row is left
without its Discord side (SQLite and PostgreSQL).

The fuzz (``test_fuzz.py``) holds every command, form and button to a truthful answer under a
timeout; it cannot see a write that was kept *and* truthfully reported although its Discord half is
missing. These tests can: a member in the database without the group's role, a round without its
live message.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.interactions import DiscordTimeout, is_transient, rest_timeouts_as_errors
from cogs.groups.models import GroupMember
from cogs.rounds.models import Round
from tests.conftest import Harness
from tests.groups.support import said
from tests.support.faults import discord_failing
from tests.support.groups import make_group


async def count(harness: Harness, model: type) -> int:
    async with harness.bot.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_timed_out_role_leaves_no_membership_and_a_calm_answer(
    db_harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness, env = db_harness, db_harness.env
    guild = env.create_guild()
    alice, carol = (guild.add_member(env.create_user(name)) for name in ("alice", "carol"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    members = await count(harness, GroupMember)

    with caplog.at_level(logging.WARNING, logger="hearth.errors"), discord_failing("timeout") as failed:
        result = await carol.slash(group.channel, "group join", group="Caregivers")

    assert failed, "the role was asked of Discord"
    text = said(result)
    assert result.ephemeral
    assert "try again in a moment" in text and "Nothing was changed" in text
    assert "reference" not in text
    assert await count(harness, GroupMember) == members  # not a member without the role
    assert [r.levelno for r in caplog.records if r.name == "hearth.errors"] == [logging.WARNING]
    env.errors  # the timeout was the behaviour under test  # noqa: B018
    # Once Discord answers again, the same command works.
    again = await carol.slash(group.channel, "group join", group="Caregivers")
    assert "You joined **Caregivers**" in said(again)
    assert await count(harness, GroupMember) == members + 1


async def test_a_round_whose_live_message_times_out_is_not_kept(db_harness: Harness) -> None:
    harness, env = db_harness, db_harness.env
    guild = env.create_guild()
    alice = guild.add_member(env.create_user("alice"))
    group = await make_group(harness, guild, "Caregivers", members=[alice], facilitators=[alice])

    with discord_failing("timeout"):
        result = await alice.slash(group.channel, "facilitate round start", topic="This week")

    assert "Nothing was changed" in said(result) and "reference" not in said(result)
    assert await count(harness, Round) == 0
    env.errors  # noqa: B018


async def test_the_rest_client_reports_timeouts_and_lost_connections_as_discord_failing() -> None:
    class Transport:
        def __init__(self, error: BaseException) -> None:
            self.error = error

        async def request(self, route: object, **kwargs: object) -> object:
            raise self.error

    for error in (TimeoutError(), aiohttp.ServerTimeoutError(), aiohttp.ClientConnectionError()):
        http = Transport(error)
        rest_timeouts_as_errors(http)
        rest_timeouts_as_errors(http)  # idempotent: wrapped once
        with pytest.raises(DiscordTimeout) as raised:
            await http.request(SimpleNamespace(method="POST", path="/channels/1/messages"))
        assert raised.value.status == 504 and is_transient(raised.value)
        assert raised.value.__cause__ is error
