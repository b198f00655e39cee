"""The author's own posts, found without a code: ``/share mine:True`` and the Delete buttons.

No user id is stored with a post, so "mine" is found as the erase finds it: recompute the author's
pseudonym for each group of this server that has posts, and match. Nothing here reveals authorship to
anyone but the author (every answer is theirs alone, ephemeral). No ``discord`` here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.actor import Actor
from bot.db import Database
from bot.errors import NotAllowed, NotFound
from bot.keys import Keyring
from cogs.groups import api as groups
from cogs.sharing import domain, records, texts
from cogs.sharing.models import DELETED, HELD, AnonymousPost

log = logging.getLogger(__name__)

LISTED = 10  # one message: each post a line and a Delete button (Discord allows 25 buttons)


@dataclass(frozen=True)
class MyPost:
    post_id: int
    group_name: str
    created_at: datetime
    excerpt: str
    reply: bool
    held: bool
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Removed:
    code: str
    channel_id: int | None
    message_id: int | None


async def my_posts(db: Database, keys: Keyring, actor: Actor, *, limit: int = LISTED) -> tuple[list[MyPost], int]:
    """The author's newest posts in this server (not deleted) and how many they have in all."""
    async with db.read() as session:
        group_ids = list(
            await session.scalars(
                select(AnonymousPost.group_id).where(AnonymousPost.guild_id == actor.guild_id).distinct()
            )
        )
        if not group_ids:
            return [], 0
        pseudonyms = [domain.pseudonym(keys, actor.guild_id, g, actor.user_id) for g in group_ids]
        rows = list(
            await session.scalars(
                select(AnonymousPost)
                .where(
                    AnonymousPost.guild_id == actor.guild_id,
                    AnonymousPost.pseudonym.in_(pseudonyms),
                    AnonymousPost.status != DELETED,
                )
                .order_by(AnonymousPost.created_at.desc(), AnonymousPost.id.desc())
            )
        )
        names = await groups.groups_by_ids(session, {p.group_id for p in rows[:limit]})
    return [
        MyPost(
            post_id=p.id,
            group_name=names[p.group_id].name if p.group_id in names else texts.some_group(),
            created_at=p.created_at,
            excerpt=domain.excerpt(p.content, 60),
            reply=p.parent_id is not None,
            held=p.status == HELD,
            channel_id=p.channel_id,
            message_id=p.message_id,
        )
        for p in rows[:limit]
    ], len(rows)


async def delete_mine(db: Database, keys: Keyring, actor: Actor, post_id: int) -> Removed:
    """Delete one of the author's own posts by its id (from a Delete button); the words go at once."""
    async with db.write() as session:
        post = await records.post_by_id(session, post_id)
        if post is None or post.guild_id != actor.guild_id or post.status == DELETED:
            raise NotFound(texts.already_gone())
        if domain.pseudonym(keys, post.guild_id, post.group_id, actor.user_id) != post.pseudonym:
            raise NotAllowed(texts.not_yours())
        removed = Removed(post.code, post.channel_id, post.message_id)
        await records.mark_deleted(session, post)
    log.info("anonymous post %s deleted by its author", post_id)
    return removed
