"""Sharing's implementation of ``cogs.sharing.api.AnonymousPosts``, offered while the cog is loaded."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import Keyring
from cogs.sharing import notify, records
from cogs.sharing.api import PostRef
from cogs.sharing.models import AnonymousPost
from cogs.sharing.settings import sharing_config

if TYPE_CHECKING:
    from bot.app import Hearth


def _ref(post: AnonymousPost | None) -> PostRef | None:
    if post is None:
        return None
    return PostRef(post.id, post.guild_id, post.group_id, post.code, post.content, post.status)


class Link:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def post_by_message(self, session: AsyncSession, guild_id: int, message_id: int) -> PostRef | None:
        return _ref(await records.post_by_message(session, guild_id, message_id))

    async def post_by_id(self, session: AsyncSession, post_id: int) -> PostRef | None:
        return _ref(await records.post_by_id(session, post_id))

    async def post_by_code(self, session: AsyncSession, guild_id: int, code: str) -> PostRef | None:
        return _ref(await records.post_by_code(session, guild_id, code))

    async def block_author(self, session: AsyncSession, post_id: int, *, now: datetime) -> None:
        post = await records.post_by_id(session, post_id)
        if post is not None:
            await records.block_author(session, post, now=now)

    async def unblock_by_code(self, session: AsyncSession, guild_id: int, code: str) -> bool:
        return await records.unblock_by_code(session, guild_id, code)

    async def mark_deleted(self, session: AsyncSession, post_id: int) -> None:
        post = await records.post_by_id(session, post_id)
        if post is not None:
            await records.mark_deleted(session, post)

    async def set_status(self, session: AsyncSession, post_id: int, status: str) -> None:
        post = await records.post_by_id(session, post_id)
        if post is not None:
            await records.set_status(session, post, status)

    async def reveal_author(self, session: AsyncSession, keys: Keyring, post_id: int) -> int | None:
        post = await records.post_by_id(session, post_id)
        return None if post is None else await records.reveal_author(session, keys, post)

    async def break_glass(self, session: AsyncSession, guild_id: int) -> bool:
        return bool((await sharing_config(session, guild_id)).break_glass)

    async def dm_author(self, post_id: int, text: str, view: discord.ui.View | None = None) -> bool:
        return await notify.dm_author(self.bot, post_id, text, view)
