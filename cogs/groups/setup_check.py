"""What the setup checklist reads from the database: the server's groups settings, its group roles and
(when moderation is loaded) where the moderator queue is. No ``discord`` here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db import Database
from cogs.groups import queries
from cogs.groups.models import Group
from cogs.moderation.api import ModerationLink


@dataclass(frozen=True)
class StoredSetup:
    facilitator_role_id: int | None
    timezone: str | None
    group_role_ids: tuple[int, ...]  # roles of the server's active groups
    moderator_role_id: int | None
    queue_channel_id: int | None


async def stored_setup(db: Database, guild_id: int, moderation: ModerationLink | None) -> StoredSetup:
    async with db.read() as session:
        config = await queries.guild_config(session, guild_id)
        roles = await session.scalars(
            select(Group.role_id).where(
                Group.guild_id == guild_id, Group.archived_at.is_(None), Group.role_id.is_not(None)
            )
        )
        queue, moderator_role = await moderation.reach(session, guild_id) if moderation else (None, None)
        return StoredSetup(
            facilitator_role_id=config.facilitator_role_id,
            timezone=config.timezone,
            group_role_ids=tuple(r for r in roles if r is not None),
            moderator_role_id=moderator_role,
            queue_channel_id=queue,
        )
