"""Moderation's settings: its part of /setup (moderator role, queue channel) and who is a moderator."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.errors import BadInput, NotAllowed
from bot.setup import SetupContext, Value
from cogs.moderation import texts
from cogs.moderation.domain import queue_refusal, queue_warning
from cogs.moderation.models import ModerationConfig

#: (guild id, channel id, moderator role id) -> who else can read that channel (the cog asks Discord's cache).
Readers = Callable[[int, int, int | None], list[str]]


async def moderation_config(session: AsyncSession, guild_id: int) -> ModerationConfig:
    """The server's moderation settings; an unsaved empty row when /setup never set them."""
    return await session.get(ModerationConfig, guild_id) or ModerationConfig(guild_id=guild_id)


async def is_moderator(session: AsyncSession, actor: Actor) -> bool:
    if actor.is_admin:
        return True
    config = await moderation_config(session, actor.guild_id)
    return config.moderator_role_id is not None and config.moderator_role_id in actor.role_ids


async def require_moderator(session: AsyncSession, actor: Actor) -> None:
    if not await is_moderator(session, actor):
        raise NotAllowed(texts.moderators_only())


async def moderator_roles(session: AsyncSession, guild_id: int) -> list[int]:
    """For groups' private channels (``GroupHooks.viewer_roles``): moderators see them too."""
    role = (await moderation_config(session, guild_id)).moderator_role_id
    return [] if role is None else [role]


class ModerationSetup:
    feature: str = "moderation"
    options: tuple[str, ...] = ("moderator_role", "mod_queue", "confirm_public_queue")

    def __init__(self, readers: Readers | None = None) -> None:
        self.readers = readers

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        config = await moderation_config(session, guild_id)
        role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else None
        queue = f"<#{config.mod_queue_channel_id}>" if config.mod_queue_channel_id else None
        return {"moderator_role": texts.setup_role(role), "mod_queue": texts.setup_queue(queue)}

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        role = values.get("moderator_role")
        queue = values.get("mod_queue")
        if role is not None and role == context.actor.guild_id:
            raise BadInput(texts.everyone_not_a_role())
        config = await session.get(ModerationConfig, context.actor.guild_id, with_for_update=True)
        if config is None:
            config = ModerationConfig(guild_id=context.actor.guild_id)
            session.add(config)
        if role is not None:
            config.moderator_role_id = int(role)
        if queue is not None:
            config.mod_queue_channel_id = int(queue)
        if self.readers is not None and config.mod_queue_channel_id is not None:
            others = self.readers(context.actor.guild_id, config.mod_queue_channel_id, config.moderator_role_id)
            if others:
                if queue is not None and values.get("confirm_public_queue") is not True:
                    # Raising rolls the whole /setup back: nothing is saved until the admin confirms.
                    raise BadInput(queue_refusal(others, config.mod_queue_channel_id))
                # Confirmed (or already the queue): nothing leaks, cards there carry no member's words or names.
                return queue_warning(others)
        return ""
