"""The privacy protocol for the resource library: what is held about a person, a copy, and erasing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.resources.models import Resource, ResourceVote
from cogs.resources.service import LIVE


class ResourcesPrivacy:
    """The privacy protocol. Erasing has two modes: remove the member's resources (the default), or keep
    them for the group without an author (``keep_without_author``); ``cogs/privacy`` will let the member
    choose at confirmation. Words quoted from someone's message by "Save as resource" are always removed
    with that person's data, and their helpful votes are always removed."""

    name = "resources"
    purpose = (
        "Resources you added to a group's library (title, link, description, tags), resources saved from your "
        "messages, and which resources you marked helpful, so the group can find what helped."
    )

    def __init__(self, keep_without_author: bool = False) -> None:
        self.keep_without_author = keep_without_author

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        user_id = subject.user_id
        lines = []
        added = await session.scalar(select(func.count()).where(Resource.author_id == user_id))
        quoted = await session.scalar(select(func.count()).where(Resource.quoted_user_id == user_id))
        votes = await session.scalar(select(func.count()).where(ResourceVote.user_id == user_id))
        for count, what in ((added, "resources added"), (quoted, "resources saved from your messages"),
                            (votes, "helpful votes")):  # fmt: skip
            if count:
                lines.append(f"{count} {what}")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        user_id = subject.user_id
        rows = await session.scalars(
            select(Resource)
            .where((Resource.author_id == user_id) | (Resource.quoted_user_id == user_id))
            .order_by(Resource.id)
        )
        votes = await session.scalars(select(ResourceVote.resource_id).where(ResourceVote.user_id == user_id))
        return {
            "resources": [
                {
                    "server_id": str(r.guild_id),
                    "group_id": r.group_id,
                    "title": r.title,
                    "link": r.url,
                    "description": r.description,
                    "tags": r.tags.split(),
                    "status": r.status,
                    "added_by_you": r.author_id == user_id,
                    "created_at": r.created_at.isoformat(),
                }
                for r in rows
            ],
            "helpful_votes": list(votes),
        }

    async def erase(self, session: AsyncSession, subject: Subject, *, keep_without_author: bool | None = None) -> int:
        user_id = subject.user_id
        keep = self.keep_without_author if keep_without_author is None else keep_without_author
        total = 0
        voted = list(await session.scalars(select(ResourceVote.resource_id).where(ResourceVote.user_id == user_id)))
        await session.execute(delete(ResourceVote).where(ResourceVote.user_id == user_id))
        total += len(voted)
        if voted:  # their votes no longer lift what they voted for
            counted = select(func.count()).where(ResourceVote.resource_id == Resource.id).scalar_subquery()
            await session.execute(
                update(Resource)
                .where(Resource.id.in_(voted))
                .values(helpful=counted)
                .execution_options(synchronize_session=False)
            )
        quoted = await session.execute(delete(Resource).where(Resource.quoted_user_id == user_id))
        total += int(getattr(quoted, "rowcount", 0) or 0)
        mine = list(await session.scalars(select(Resource).where(Resource.author_id == user_id)))
        for row in mine:
            if keep and row.status == LIVE:
                row.author_id = None
            else:
                await session.delete(row)
        await session.flush()
        return total + len(mine)
