"""Sharing's settings: its part of /setup (anonymous sharing, approval by default, break-glass)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed
from bot.setup import SetupContext, Value
from cogs.moderation.api import ModerationLink
from cogs.sharing import records, texts
from cogs.sharing.models import GroupSharing, SharingConfig


def default_config(guild_id: int) -> SharingConfig:
    return SharingConfig(guild_id=guild_id, anonymous_sharing=True, approval_required=False, break_glass=False)


async def sharing_config(session: AsyncSession, guild_id: int) -> SharingConfig:
    """The server's sharing settings; an unsaved default row when /setup never set them."""
    return await session.get(SharingConfig, guild_id) or default_config(guild_id)


async def group_needs_approval(session: AsyncSession, group_id: int) -> bool | None:
    """The group's own choice; None follows the server's default."""
    row = await session.get(GroupSharing, group_id)
    return None if row is None else row.shares_need_approval


class SharingSetup:
    feature: str = "sharing"
    options: tuple[str, ...] = ("anonymous_sharing", "approval_required", "break_glass")

    def __init__(self, moderation: Callable[[], ModerationLink | None]) -> None:
        self.moderation = moderation

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        config = await sharing_config(session, guild_id)
        return {
            "anonymous_sharing": texts.setup_sharing(config.anonymous_sharing),
            "approval_required": texts.setup_approval(config.approval_required),
            "break_glass": texts.setup_break_glass(config.break_glass),
        }

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        break_glass = values.get("break_glass")
        if break_glass is not None and not context.is_owner:
            raise NotAllowed(texts.break_glass_owner_only())
        guild_id = context.actor.guild_id
        config = await session.get(SharingConfig, guild_id, with_for_update=True)
        if config is None:
            config = default_config(guild_id)
            session.add(config)
        if (sharing := values.get("anonymous_sharing")) is not None:
            config.anonymous_sharing = bool(sharing)
        if (approval := values.get("approval_required")) is not None:
            config.approval_required = bool(approval)
        if break_glass is None or bool(break_glass) == config.break_glass:
            return ""
        deleted = await records.set_break_glass(session, config, bool(break_glass))
        moderation = self.moderation()
        if moderation is not None:  # the audit log is moderation's; without it there is no log to write
            await moderation.audit(
                session,
                now=context.now,
                guild_id=guild_id,
                actor_id=context.actor.user_id,
                action="break-glass on" if break_glass else "break-glass off",
                target="server setup",
                detail="" if break_glass else f"{deleted} stored author identities deleted",
            )
        if break_glass:
            return ""
        return texts.break_glass_off(deleted)
