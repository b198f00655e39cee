"""Discord-side plumbing shared by every cog: replies, the command tree and its single error handler."""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.actor import Actor
from bot.audience import Audience, audience_of
from bot.errors import BadInput, BotMissingPermissions, HearthError, NotAllowed

log = logging.getLogger("hearth.errors")

NO_MENTIONS = discord.AllowedMentions.none()


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Answer ephemerally by default, as a followup when the interaction was already answered."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content or "", **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


def actor_of(interaction: discord.Interaction) -> Actor:
    """The acting member as ids; refuses use outside a server."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        raise BadInput("This works inside a server, not in direct messages.")
    guild = interaction.guild
    is_owner = guild is not None and guild.owner_id == member.id
    return Actor(
        guild_id=interaction.guild_id,
        user_id=member.id,
        role_ids=frozenset(role.id for role in member.roles),
        is_admin=is_owner or member.guild_permissions.manage_guild,
    )


def _describe_missing(permissions: list[str]) -> str:
    return ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in permissions)


def user_message(error: BaseException) -> str | None:
    """The message for an expected error, or None when the error is a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, HearthError):
        return error.message
    if isinstance(error, app_commands.BotMissingPermissions):
        return str(BotMissingPermissions(list(error.missing_permissions)))
    if isinstance(error, app_commands.MissingPermissions):
        return (
            f"You need the {_describe_missing(list(error.missing_permissions))} permission "
            "on this server to use this command."
        )
    if isinstance(error, (app_commands.MissingRole, app_commands.MissingAnyRole)):
        return "You don't have the role this command needs."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r}: please pick one of the suggestions."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return (
            "Discord refused: I'm missing a permission in this channel or server "
            f"({error.text or 'no details'}). Ask a server admin to check Hearth's role."
        )
    return None


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user what happened; log bugs with a short reference code the user also sees."""
    original = getattr(error, "original", error)
    message = user_message(original)
    if metrics := getattr(interaction.client, "metrics", None):
        metrics.error("interaction_refused" if message is not None else "interaction_bug")
    if message is None:
        reference = secrets.token_hex(3).upper()
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "unexpected error ref=%s command=%s guild=%s",
            reference,
            command,
            interaction.guild_id,
            exc_info=original,
        )
        message = f"Something went wrong on my side (reference {reference}). Nothing you entered was saved."
    try:
        await reply(interaction, message)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


class HearthTree(app_commands.CommandTree[Any]):
    async def _call(self, interaction: discord.Interaction) -> None:
        started = time.perf_counter()  # real time: how long the member waited, whatever the bot's clock says
        try:
            await super()._call(interaction)
        finally:
            if metrics := getattr(self.client, "metrics", None):
                command = interaction.command.qualified_name if interaction.command else "unknown"
                metrics.interaction(command, interaction.type.name, time.perf_counter() - started)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await handle_error(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """The server-side half of each command's declared audience (``bot/audience.py``): Discord's
        default permissions only hide a command, and a server can override them."""
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete: suggestions only; the command itself is checked when run
        command = interaction.command
        audience = audience_of(command) if command is not None else Audience.MEMBERS
        if audience is Audience.MEMBERS:
            return True
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            raise app_commands.NoPrivateMessage()
        actor = actor_of(interaction)
        client: Any = self.client
        async with client.db.read() as session:
            if await client.audiences.allows(session, actor, audience):
                return True
        # Wrapped like a command's own refusal, so on_error (and the tests) see the same NotAllowed.
        raise app_commands.CommandInvokeError(command, NotAllowed(audience.refusal))  # type: ignore[arg-type]


class HearthView(discord.ui.View):
    """A view whose errors reach the same handler as commands."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any, /) -> None:
        await handle_error(interaction, error)


class HearthModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await handle_error(interaction, error)


_Self = TypeVar("_Self")


def guarded(
    callback: Callable[[_Self, discord.Interaction], Awaitable[None]],
) -> Callable[[_Self, discord.Interaction], Coroutine[Any, Any, None]]:
    """For ``DynamicItem.callback``: discord.py only logs their errors, leaving the user with
    "This interaction failed"; this routes them to the same handler as commands."""

    @functools.wraps(callback)
    async def wrapper(self: _Self, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:
            await handle_error(interaction, error)

    return wrapper
