"""The privacy protocol for the resource library: what is held about a person, a copy, and erasing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, KeepChoice, Subject, Tally, count_each
from cogs.resources.models import Resource, ResourceVote
from cogs.resources.service import LIVE

KEEP_RESOURCES = KeepChoice(
    key="resources_without_author",
    option=N_("Keep my resources for the group, without my name"),
    explained=N_(
        "**Resources you added**: removed by default. Keeping them leaves the published ones in the group's "
        "library with no author, so you could never remove them afterwards."
    ),
    offered_for=("resources_added",),
    keeps=("resources_added",),
)


class ResourcesPrivacy:
    """The privacy protocol. Erasing has two modes, chosen by the member at confirmation (``KEEP_RESOURCES``):
    remove the member's resources (the default), or keep the published ones for the group without an author.
    Words quoted from someone's message by "Save as resource" are always removed with that person's data,
    and their helpful votes are always removed."""

    name = N_("resources")
    purpose = N_(
        "Resources you added to a group's library (title, link, description, tags), resources saved from your "
        "messages, and which resources you marked helpful, so the group can find what helped."
    )

    keep_choice = KEEP_RESOURCES

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        user_id = subject.user_id
        # Published and still-waiting suggestions are counted apart: "keep without my name" keeps only the
        # published ones, and the erase reply must say exactly what was kept.
        added, suggested, quoted, votes = await count_each(
            session,
            select(func.count()).where(Resource.author_id == user_id, Resource.status == LIVE),
            select(func.count()).where(Resource.author_id == user_id, Resource.status != LIVE),
            select(func.count()).where(
                Resource.quoted_user_id == user_id, Resource.author_id.is_distinct_from(user_id)
            ),
            select(func.count()).where(ResourceVote.user_id == user_id),
        )
        return [
            Tally("resources_added", plural("%(count)s resource added", "%(count)s resources added"), added),
            Tally(
                "resources_suggested",
                plural("%(count)s suggestion waiting for review", "%(count)s suggestions waiting for review"),
                suggested,
            ),
            Tally(
                "saved_from_your_messages",
                plural("%(count)s resource saved from your messages", "%(count)s resources saved from your messages"),
                quoted,
            ),
            Tally("helpful_votes", plural("%(count)s helpful vote", "%(count)s helpful votes"), votes),
        ]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        user_id = subject.user_id
        rows = list(
            await session.scalars(
                select(Resource)
                .where((Resource.author_id == user_id) | (Resource.quoted_user_id == user_id))
                .order_by(Resource.id)
            )
        )
        votes = await session.scalars(select(ResourceVote.resource_id).where(ResourceVote.user_id == user_id))

        def shown(r: Resource) -> dict[str, Any]:
            return {
                "server_id": str(r.guild_id),
                "group_id": r.group_id,
                "title": r.title,
                "link": r.url,
                "description": r.description,
                "tags": r.tags.split(),
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }

        return {
            "resources_added": [shown(r) for r in rows if r.author_id == user_id and r.status == LIVE],
            "resources_suggested": [shown(r) for r in rows if r.author_id == user_id and r.status != LIVE],
            "saved_from_your_messages": [shown(r) for r in rows if r.author_id != user_id],
            "helpful_votes": list(votes),
        }

    async def erase(
        self, session: AsyncSession, subject: Subject, erasure: Erasure, *, keep_without_author: bool | None = None
    ) -> None:
        user_id = subject.user_id
        keep = erasure.chose(self.keep_choice, self.name) if keep_without_author is None else keep_without_author
        voted = list(await session.scalars(select(ResourceVote.resource_id).where(ResourceVote.user_id == user_id)))
        await session.execute(delete(ResourceVote).where(ResourceVote.user_id == user_id))
        if voted:  # their votes no longer lift what they voted for
            counted = select(func.count()).where(ResourceVote.resource_id == Resource.id).scalar_subquery()
            await session.execute(
                update(Resource)
                .where(Resource.id.in_(voted))
                .values(helpful=counted)
                .execution_options(synchronize_session=False)
            )
        await session.execute(delete(Resource).where(Resource.quoted_user_id == user_id))
        mine = list(await session.scalars(select(Resource).where(Resource.author_id == user_id)))
        for row in mine:
            if keep and row.status == LIVE:
                row.author_id = None
            else:
                await session.delete(row)
        await session.flush()
