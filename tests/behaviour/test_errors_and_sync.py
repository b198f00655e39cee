"""The single error handler, and command sync that does not repeat itself across restarts."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import discord
import pytest
import simcord
from discord import app_commands

from bot.app import create_bot
from bot.clock import Clock
from bot.config import Settings
from bot.errors import BadInput, BotMissingPermissions

broken = app_commands.Group(name="broken", description="Commands that fail on purpose (tests only)")


@broken.command(name="expected", description="Raises an error meant for the user")
async def expected(interaction: discord.Interaction) -> None:
    raise BadInput("That date is in the past: pick one from today on.")


@broken.command(name="expected-after-defer", description="Defers, then raises an error meant for the user")
async def expected_after_defer(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    raise BotMissingPermissions(["manage_roles"])


@broken.command(name="bug", description="Raises an unexpected error")
async def bug(interaction: discord.Interaction) -> None:
    raise ZeroDivisionError("the secret note text must not be shown")


@pytest.fixture
async def broken_env(settings: Settings) -> AsyncIterator[simcord.Env]:
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    bot.tree.add_command(broken)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()


async def test_expected_error_becomes_an_ephemeral_message(broken_env: simcord.Env) -> None:
    guild = broken_env.create_guild()
    alice = guild.add_member(broken_env.create_user("alice"))
    result = await alice.slash(guild.create_text_channel("general"), "broken expected")
    assert result.ephemeral
    assert result.response.content == "That date is in the past: pick one from today on."


async def test_expected_error_after_defer_arrives_as_a_followup(broken_env: simcord.Env) -> None:
    guild = broken_env.create_guild()
    alice = guild.add_member(broken_env.create_user("alice"))
    result = await alice.slash(guild.create_text_channel("general"), "broken expected-after-defer")
    assert result.ephemeral
    assert "I need the Manage Roles permission" in result.response.content
    # It was answered as a followup to the deferral (a second initial response would fail on Discord).
    methods = [(r.method, r.path.split("/")[1]) for r in broken_env.http_requests[-2:]]
    assert methods == [("POST", "interactions"), ("POST", "webhooks")]


async def test_unexpected_error_gives_a_reference_code_and_is_logged(
    broken_env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    guild = broken_env.create_guild()
    alice = guild.add_member(broken_env.create_user("alice"))
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        result = await alice.slash(guild.create_text_channel("general"), "broken bug")
    assert result.ephemeral
    content = result.response.content
    assert "Something went wrong on my side (reference " in content
    reference = content.split("reference ")[1].split(")")[0]
    assert len(reference) == 6
    logged = [r for r in caplog.records if r.name == "hearth.errors"]
    assert len(logged) == 1
    assert f"ref={reference}" in logged[0].getMessage()
    assert "ZeroDivisionError" in (logged[0].exc_text or "") or logged[0].exc_info is not None


async def test_restart_does_not_resync_unchanged_commands(harness: object) -> None:
    from tests.conftest import Harness

    assert isinstance(harness, Harness)

    def command_puts() -> int:
        return sum(1 for r in harness.env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))

    assert command_puts() == 1  # the first start synced
    bot = await harness.restart()
    assert command_puts() == 1  # same tree: no sync
    assert not bot.synced_commands

    # A changed tree is synced at the next start.
    fresh = create_bot(harness.settings, clock=harness.clock)
    fresh.tree.add_command(broken)
    await harness.env.restart_bot(fresh)
    assert command_puts() == 2
    assert fresh.synced_commands
