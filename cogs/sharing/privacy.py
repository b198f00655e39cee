"""Anonymous sharing in the privacy protocol: a member's anonymous posts, found only by recomputing their
pseudonym per group (no user id is ever stored with a post).

Erasing removes the posts (published, held for approval, replies), their messages on Discord and the
moderators' quotes of them (through moderation's link), unless the member chose, when confirming, to keep
the words: then every link to them is cut (pseudonym, server hash, break-glass ciphertext) and the words
stay where they are, for good.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, KeepChoice, Subject, Tally
from cogs.moderation.api import ModerationLink
from cogs.sharing import domain
from cogs.sharing.models import HELD, AnonymousPost

KEEP_WORDS = KeepChoice(
    key="anonymous_text",
    option=N_("Keep my anonymous posts' words"),
    explained=N_(
        "**Your anonymous posts**: removed everywhere by default. Keeping them leaves the words where they are, "
        "with no link to you left anywhere, so you could never delete them afterwards."
    ),
    offered_for=("posts", "replies", "awaiting_approval"),
    keeps=("posts", "replies", "awaiting_approval", "moderator_quotes"),
)


class AnonymousPostsProvider:
    name = N_("anonymous posts")
    purpose = N_(
        "Your anonymous posts and replies, stored under a keyed pseudonym (no user id) so you can delete "
        "them and moderators can act on them without learning who wrote them."
    )
    # /privacy delete offers to keep these posts' words without any link to the member.
    keep_choice = KEEP_WORDS

    def __init__(self, moderation: Callable[[], ModerationLink | None] = lambda: None) -> None:
        self._moderation = moderation

    async def _mine(self, session: AsyncSession, subject: Subject) -> list[AnonymousPost]:
        pairs = (await session.execute(select(AnonymousPost.guild_id, AnonymousPost.group_id).distinct())).all()
        pseudonyms = [domain.pseudonym(subject.keys, guild, group, subject.user_id) for guild, group in pairs]
        if not pseudonyms:
            return []
        rows = await session.scalars(
            select(AnonymousPost).where(AnonymousPost.pseudonym.in_(pseudonyms)).order_by(AnonymousPost.id)
        )
        return list(rows)

    @staticmethod
    def _split(posts: list[AnonymousPost]) -> dict[str, list[AnonymousPost]]:
        return {
            "posts": [p for p in posts if p.label is None and p.status != HELD],
            "replies": [p for p in posts if p.label is not None and p.status != HELD],
            "awaiting_approval": [p for p in posts if p.status == HELD],
        }

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        posts = await self._mine(session, subject)
        split = self._split(posts)
        link = self._moderation()
        quoted = await link.count_post_items(session, [p.id for p in posts]) if link and posts else 0
        return [
            Tally("posts", plural("%(count)s anonymous post", "%(count)s anonymous posts"), len(split["posts"])),
            Tally("replies", plural("%(count)s anonymous reply", "%(count)s anonymous replies"), len(split["replies"])),
            Tally(
                "awaiting_approval",
                plural("%(count)s anonymous post awaiting approval", "%(count)s anonymous posts awaiting approval"),
                len(split["awaiting_approval"]),
            ),
            Tally(
                "moderator_quotes",
                plural(
                    "%(count)s moderator-queue quote of your anonymous posts",
                    "%(count)s moderator-queue quotes of your anonymous posts",
                ),
                quoted,
            ),
        ]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        posts = await self._mine(session, subject)
        link = self._moderation()
        quotes = await link.post_item_excerpts(session, [p.id for p in posts]) if link and posts else []
        codes = {p.id: p.code for p in posts}
        return {
            **{
                key: [
                    {
                        "code": p.code,
                        "label": p.label,
                        "group_id": p.group_id,
                        "status": p.status,
                        "created_at": p.created_at.isoformat(),
                        "content_warning": p.content_warning,
                        "text": p.content,
                        "author_id_stored_encrypted": p.author_ciphertext is not None,
                    }
                    for p in group
                ]
                for key, group in self._split(posts).items()
            },
            "moderator_quotes": [{"post": codes.get(post_id), "excerpt": excerpt} for post_id, excerpt in quotes],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        posts = await self._mine(session, subject)
        if not posts:
            return
        if erasure.chose(self.keep_choice, self.name):
            # Keep the words where they are; cut every link to the person (pseudonym, server hash, ciphertext).
            for post in posts:
                post.pseudonym = "erased:" + secrets.token_hex(16)
                post.server_hash = "erased:" + secrets.token_hex(16)
                post.author_ciphertext = None
            await session.flush()
            return
        link = self._moderation()
        if link is not None:
            await link.erase_post_items(session, [p.id for p in posts], erasure)
        for post in posts:
            if post.channel_id and post.message_id:
                erasure.delete_message(
                    session,
                    post.channel_id,
                    post.message_id,
                    what=N_("anonymous reply") if post.label is not None else N_("anonymous post"),
                    purpose="sharing.erase",
                    guild_id=post.guild_id,
                )
        await session.execute(delete(AnonymousPost).where(AnonymousPost.id.in_([p.id for p in posts])))
