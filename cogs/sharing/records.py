"""Anonymous posts as moderation sees them, reached through ``cogs/sharing/api.py`` (no ``discord`` here).

Every function runs inside the caller's session, so a moderator's action and its audit entry
stay one transaction. Nothing here returns an author's identity except ``find_author_id`` (used
only to DM the author through the bot) and ``reveal_author`` (break-glass, server owner, audited
by the caller); neither is ever logged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import Keyring
from cogs.groups import api as groups
from cogs.sharing import domain
from cogs.sharing.models import STATUSES, AnonymousBlock, AnonymousPost, SharingConfig


async def post_by_message(session: AsyncSession, guild_id: int, message_id: int) -> AnonymousPost | None:
    return await session.scalar(
        select(AnonymousPost).where(AnonymousPost.guild_id == guild_id, AnonymousPost.message_id == message_id)
    )


async def post_by_id(session: AsyncSession, post_id: int) -> AnonymousPost | None:
    return await session.get(AnonymousPost, post_id)


async def post_by_code(session: AsyncSession, guild_id: int, code: str) -> AnonymousPost | None:
    normalised = domain.normalise_code(code)
    if not domain.looks_like_code(normalised):
        return None
    return await session.scalar(
        select(AnonymousPost).where(AnonymousPost.guild_id == guild_id, AnonymousPost.code == normalised)
    )


async def find_author_id(session: AsyncSession, keys: Keyring, post: AnonymousPost) -> int | None:
    """Recompute the pseudonym of each member of the post's group; the match is the author, if still a member."""
    for user_id in await groups.member_ids(session, post.group_id):
        if domain.pseudonym(keys, post.guild_id, post.group_id, user_id) == post.pseudonym:
            return user_id
    return None


async def is_blocked(session: AsyncSession, guild_id: int, server_hash: str) -> bool:
    return await session.get(AnonymousBlock, (guild_id, server_hash)) is not None


async def block_author(session: AsyncSession, post: AnonymousPost, *, now: datetime) -> None:
    """Block by the server-level hash (idempotent): the author can no longer share anywhere in this server."""
    if await is_blocked(session, post.guild_id, post.server_hash):
        return
    session.add(
        AnonymousBlock(
            guild_id=post.guild_id,
            server_hash=post.server_hash,
            created_at=now,
            via_code=post.code,
        )
    )
    await session.flush()


async def unblock_by_code(session: AsyncSession, guild_id: int, code: str) -> bool:
    """Lift the block made from this post (or held by its author); False when there was none."""
    normalised = domain.normalise_code(code)
    post = await post_by_code(session, guild_id, normalised)
    condition = AnonymousBlock.via_code == normalised
    if post is not None:
        condition = condition | (AnonymousBlock.server_hash == post.server_hash)
    result = await session.execute(delete(AnonymousBlock).where(AnonymousBlock.guild_id == guild_id, condition))
    return bool(getattr(result, "rowcount", 0))


async def mark_deleted(session: AsyncSession, post: AnonymousPost) -> None:
    """The message is gone from Discord: keep the row (rate limits, thread labels), drop the words."""
    post.status = "deleted"
    post.content = ""
    post.content_warning = None
    await session.flush()


async def set_status(session: AsyncSession, post: AnonymousPost, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown anonymous post status {status!r}")
    post.status = status
    if status == "rejected":
        post.content = ""
        post.content_warning = None
    await session.flush()


async def reveal_author(session: AsyncSession, keys: Keyring, post: AnonymousPost) -> int | None:
    """Break-glass only: the user id sealed with the post, or None when nothing was stored."""
    if post.author_ciphertext is None:
        return None
    return domain.open_author(keys.derive("break-glass"), post.author_ciphertext, post.code)


async def set_break_glass(session: AsyncSession, config: SharingConfig, enabled: bool) -> int:
    """Turn break-glass on or off; off deletes every stored ciphertext of the server and returns how many."""
    config.break_glass = enabled
    if enabled:
        await session.flush()
        return 0
    guild_id = config.guild_id
    count = await session.scalar(
        select(func.count())
        .select_from(AnonymousPost)
        .where(AnonymousPost.guild_id == guild_id, AnonymousPost.author_ciphertext.is_not(None))
    )
    await session.execute(
        update(AnonymousPost)
        .where(AnonymousPost.guild_id == guild_id, AnonymousPost.author_ciphertext.is_not(None))
        .values(author_ciphertext=None)
    )
    await session.flush()
    return int(count or 0)
