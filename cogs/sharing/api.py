"""What anonymous sharing offers other features (``bot.interfaces.get(AnonymousPosts)``); None when not loaded.

Only a Protocol and plain data here. Posts are named by their record id; nothing here returns an
author's identity except ``reveal_author`` (break-glass, server owner, audited by the caller), and
``dm_author`` reaches the author through the bot without telling the caller who it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import Keyring
from cogs.sharing.models import HELD, REJECTED, AnonymousPost

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

    async def is_blocked(self, session: AsyncSession, guild_id: int, user_id: int) -> bool:
        """Whether this member is blocked from anonymous sharing in the server (other anonymous paths honour it)."""
        ...

    async def dm_author(self, post_id: int, text: str, view: discord.ui.View | None = None) -> bool:
        """DM the author (mentions off), with buttons when given; False when unreachable. The id never
        leaves the implementation."""
        ...


@dataclass(frozen=True)
class PostCount:
    """One anonymous post as a number in a weekly count: its group, when, and an opaque author key that is
    the same for one author within one group and tells nothing else (not the user, not the pseudonym)."""

    group_id: int
    author_key: int
    created_at: datetime


async def posts_between(session: AsyncSession, group_ids: list[int], start: datetime, end: datetime) -> list[PostCount]:
    """Anonymous posts (not replies) that went up in [start, end), for counting under bot/aggregates.py;
    held and rejected ones never appeared and are not counted."""
    rows = await session.execute(
        select(AnonymousPost.group_id, AnonymousPost.pseudonym, AnonymousPost.created_at).where(
            AnonymousPost.group_id.in_(group_ids),
            AnonymousPost.parent_id.is_(None),
            AnonymousPost.status.not_in((HELD, REJECTED)),
            AnonymousPost.created_at >= start,
            AnonymousPost.created_at < end,
        )
    )
    keys: dict[tuple[int, str], int] = {}
    out = []
    for group_id, pseudonym, at in rows:
        # A counter per (group, pseudonym) within this answer: distinct authors stay distinct, nothing more.
        key = keys.setdefault((group_id, pseudonym), len(keys) + 1)
        out.append(PostCount(group_id, key, at))
    return out
