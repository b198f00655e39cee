"""What anonymous sharing offers other features (``bot.interfaces.get(AnonymousPosts)``); None when not loaded.

Only a Protocol and plain data here. Posts are named by their record id; nothing here returns an
author's identity except ``reveal_author`` (break-glass, server owner, audited by the caller), and
``dm_author`` reaches the author through the bot without telling the caller who it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import Keyring

if TYPE_CHECKING:
    import discord


@dataclass(frozen=True)
class PostRef:
    """An anonymous post as another feature may see it: never who wrote it."""

    id: int
    guild_id: int
    group_id: int
    code: str
    content: str
    status: str


class AnonymousPosts(Protocol):
    async def post_by_message(self, session: AsyncSession, guild_id: int, message_id: int) -> PostRef | None: ...

    async def post_by_id(self, session: AsyncSession, post_id: int) -> PostRef | None: ...

    async def post_by_code(self, session: AsyncSession, guild_id: int, code: str) -> PostRef | None: ...

    async def block_author(self, session: AsyncSession, post_id: int, *, now: datetime) -> None:
        """Block the post's author from anonymous sharing in the whole server (idempotent)."""
        ...

    async def unblock_by_code(self, session: AsyncSession, guild_id: int, code: str) -> bool:
        """Lift the block made from this post (or held by its author); False when there was none."""
        ...

    async def mark_deleted(self, session: AsyncSession, post_id: int) -> None:
        """The message is gone from Discord: the post keeps its row and loses its words."""
        ...

    async def set_status(self, session: AsyncSession, post_id: int, status: str) -> None: ...

    async def reveal_author(self, session: AsyncSession, keys: Keyring, post_id: int) -> int | None:
        """Break-glass only: the sealed user id, or None when none was stored."""
        ...

    async def break_glass(self, session: AsyncSession, guild_id: int) -> bool:
        """Whether the server's owner turned break-glass on (so a reveal is possible at all)."""
        ...

    async def dm_author(self, post_id: int, text: str, view: discord.ui.View | None = None) -> bool:
        """DM the author (mentions off), with buttons when given; False when unreachable. The id never
        leaves the implementation."""
        ...
