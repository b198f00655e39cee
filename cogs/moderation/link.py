"""Moderation's implementation of ``cogs.moderation.api.ModerationLink``, offered while the cog is loaded."""

from __future__ import annotations

from datetime import datetime

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.privacy import Erasure
from cogs.moderation import privacy, records, settings, views


class Link:
    def __init__(self, readers: settings.Readers) -> None:
        self.readers = readers

    def queue_readers(self, guild_id: int, channel_id: int, moderator_role_id: int | None) -> list[str]:
        return self.readers(guild_id, channel_id, moderator_role_id)

    async def open_item(
        self,
        session: AsyncSession,
        *,
        guild_id: int,
        kind: str,
        channel_id: int | None,
        message_id: int | None,
        post_id: int | None,
        author_id: int | None,
        excerpt: str,
        now: datetime,
        reason: str | None = None,
        reporter_key: str | None = None,
    ) -> int:
        return await records.open_item(
            session,
            guild_id=guild_id,
            kind=kind,
            channel_id=channel_id,
            message_id=message_id,
            post_id=post_id,
            author_id=author_id,
            excerpt=excerpt,
            now=now,
            reason=reason,
            reporter_key=reporter_key,
        )

    async def audit(
        self,
        session: AsyncSession,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        target: str,
        now: datetime,
        item_id: int | None = None,
        detail: str = "",
    ) -> None:
        await records.audit(
            session,
            guild_id=guild_id,
            actor_id=actor_id,
            action=action,
            target=target,
            now=now,
            item_id=item_id,
            detail=detail,
        )

    async def open_report_form(self, interaction: discord.Interaction, channel_id: int, message_id: int) -> None:
        await views.open_report_modal(interaction, channel_id, message_id)

    async def is_moderator(self, session: AsyncSession, actor: Actor) -> bool:
        return await settings.is_moderator(session, actor)

    async def reach(self, session: AsyncSession, guild_id: int) -> tuple[int | None, int | None]:
        config = await settings.moderation_config(session, guild_id)
        return config.mod_queue_channel_id, config.moderator_role_id

    async def count_post_items(self, session: AsyncSession, post_ids: list[int]) -> int:
        return await privacy.count_post_items(session, post_ids)

    async def post_item_excerpts(self, session: AsyncSession, post_ids: list[int]) -> list[tuple[int, str]]:
        return await privacy.post_item_excerpts(session, post_ids)

    async def erase_post_items(self, session: AsyncSession, post_ids: list[int], erasure: Erasure) -> None:
        await privacy.erase_post_items(session, post_ids, erasure)
