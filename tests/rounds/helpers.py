"""Shared arrangements for the rounds tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
import simcord

from cogs.rounds.cog import RoundsCog
from cogs.rounds.service import RoundSnapshot

if TYPE_CHECKING:
    from tests.conftest import Harness


def cog(harness: Harness) -> RoundsCog:
    found = harness.bot.get_cog("Rounds")
    assert isinstance(found, RoundsCog)
    return found


async def live_view(harness: Harness, channel: simcord.ChannelHandle) -> RoundSnapshot:
    views = [v for v in await cog(harness).service.live_rounds() if v.channel_id == channel.id]
    assert len(views) == 1, views
    return views[0]


def message_by_id(channel: simcord.ChannelHandle, message_id: int) -> discord.Message:
    for message in channel.history():
        if message.id == message_id:
            return message
    raise AssertionError(f"message {message_id} not in #{channel.name}")


async def live_message(harness: Harness, channel: simcord.ChannelHandle) -> discord.Message:
    view = await live_view(harness, channel)
    assert view.message_id is not None
    return message_by_id(channel, view.message_id)


async def control(
    harness: Harness, person: simcord.MemberActor, channel: simcord.ChannelHandle, label: str
) -> simcord.InteractionResult:
    """A facilitator opens the panel from the live message ("Facilitator controls") and presses ``label``."""
    opened = await person.click(await live_message(harness, channel), label="Facilitator controls")
    assert opened.ephemeral, opened
    assert opened.response is not None
    return await person.click(opened.response, label=label)


def buttons(message: discord.Message) -> list[str]:
    return [
        child.label or ""
        for row in message.components
        if isinstance(row, discord.ActionRow)
        for child in row.children
        if isinstance(child, discord.Button)
    ]


def refused(env: simcord.Env, result: simcord.InteractionResult, text: str) -> None:
    """An expected refusal: ephemeral and saying ``text``; the bot's user-facing error is acknowledged."""
    from bot.errors import HearthError

    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    assert result.ephemeral, result
    assert text in message.content, message.content
    errors = env.errors  # reading acknowledges them (SimCord fails a test on unread errors)
    assert all(isinstance(getattr(e, "original", e), HearthError) for e in errors), errors
