"""One response layer: replies fit Discord, transient trouble is transient, errors tell the truth."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import discord
import pytest
import simcord
from discord import app_commands
from sqlalchemy.exc import OperationalError

from bot.app import create_bot
from bot.clock import Clock
from bot.config import Settings
from bot.errors import BadInput
from bot.interactions import RETRY_DELAYS, fit, fit_embed, is_transient, user_message
from cogs.groups.queries import parse_timezone


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("pg")
        self.sqlstate = sqlstate


def _dbapi(orig: Exception) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    "error",
    [
        _dbapi(Exception("database is locked")),
        _dbapi(_PgError("40001")),  # serialisation failure
        _dbapi(_PgError("40P01")),  # deadlock
        _dbapi(_PgError("55P03")),  # lock not available
        _dbapi(_PgError("08006")),  # connection failure
        TimeoutError(),
        ConnectionResetError(),
    ],
)
def test_busy_databases_and_lost_connections_are_transient(error: BaseException) -> None:
    assert is_transient(error)
    message = user_message(error)
    assert message is not None and "try again in a moment" in message and "reference" not in message


def test_real_bugs_are_not_transient() -> None:
    assert not is_transient(_dbapi(_PgError("23505")))  # a unique violation is a bug to report
    assert not is_transient(_dbapi(Exception("no such table: groups")))
    assert not is_transient(ZeroDivisionError())
    assert user_message(ZeroDivisionError()) is None


def test_replies_are_cut_to_discords_limits() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v" * 2000)
    fitted = fit({"content": "c" * 2500, "embed": embed})
    assert len(fitted["content"]) == 2000 and fitted["content"].endswith("…")
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25 and all(len(f.value or "") <= 1024 for f in embed.fields)
    assert len(embed) <= 6000
    small = fit_embed(discord.Embed(description="fine"))
    assert small.description == "fine"


def test_a_6000_character_or_malformed_timezone_is_refused_cleanly() -> None:
    for name in ["x" * 6000, "../../etc/passwd", "Europe/Ber\x00lin", "Mars/Olympus"]:
        with pytest.raises(BadInput) as refused:
            parse_timezone(name)
        assert len(refused.value.message) < 300
    assert parse_timezone(" Europe/Berlin ").key == "Europe/Berlin"


# --- through SimCord ------------------------------------------------------------------------------------

loud = app_commands.Group(name="loud", description="Replies that would not fit (tests only)")


@loud.command(name="long", description="A reply longer than Discord allows")
async def long_reply(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("word " * 1000, ephemeral=True)


@loud.command(name="refusal", description="A refusal quoting the whole input")
async def long_refusal(interaction: discord.Interaction, text: str) -> None:
    raise BadInput(f"I can't use {text!r}: " + "because " * 500)


@loud.command(name="busy", description="The database is locked past its timeout")
async def busy(interaction: discord.Interaction) -> None:
    raise _dbapi(Exception("database is locked"))


@pytest.fixture
async def loud_env(settings: Settings) -> AsyncIterator[simcord.Env]:
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    bot.tree.add_command(loud)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()


async def test_a_reply_over_2000_characters_still_arrives(loud_env: simcord.Env) -> None:
    guild = loud_env.create_guild()
    alice = guild.add_member(loud_env.create_user("alice"))
    result = await alice.slash(guild.create_text_channel("general"), "loud long")
    assert result.response is not None and 1900 < len(result.response.content) <= 2000


async def test_an_error_message_over_the_limit_still_arrives(loud_env: simcord.Env) -> None:
    guild = loud_env.create_guild()
    alice = guild.add_member(loud_env.create_user("alice"))
    result = await alice.slash(guild.create_text_channel("general"), "loud refusal", text="x" * 300)
    assert result.ephemeral and result.response is not None
    assert result.response.content.startswith("I can't use 'xxx") and len(result.response.content) <= 2000
    loud_env.errors  # noqa: B018


async def test_a_locked_database_is_a_calm_try_again_logged_as_a_warning(
    loud_env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    guild = loud_env.create_guild()
    alice = guild.add_member(loud_env.create_user("alice"))
    with caplog.at_level(logging.INFO, logger="hearth.errors"):
        result = await alice.slash(guild.create_text_channel("general"), "loud busy")
    assert result.response is not None and "try again in a moment" in result.response.content
    assert "reference" not in result.response.content
    # Run again quietly (INFO) a bounded number of times first (tests/truthful/test_quiet_retry.py).
    expected = ["INFO"] * len(RETRY_DELAYS) + ["WARNING"]
    assert [r.levelname for r in caplog.records if r.name == "hearth.errors"] == expected
    loud_env.errors  # noqa: B018
