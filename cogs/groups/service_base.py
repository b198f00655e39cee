"""What every groups use case shares: the settings, the server's viewer roles and the row lookups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.config import GroupSettings
from bot.db import Database
from bot.errors import NotFound
from cogs.groups import queries, refusals
from cogs.groups.api import GroupHooks
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GuildConfig,
    JoinRequest,
)
from cogs.groups.records import (
    ChannelAccess,
    ConfigInfo,
    GroupInfo,
)


class ServiceBase:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: GroupSettings,
        default_guidelines: str,
        hooks: GroupHooks | None = None,
    ) -> None:
        self.hooks = hooks or GroupHooks()
        self.db = db
        self.clock = clock
        self.settings = settings
        self.default_guidelines = default_guidelines

    # --- server settings ---------------------------------------------------------------------------

    def _config_info(self, config: GuildConfig) -> ConfigInfo:
        return ConfigInfo(
            guild_id=config.guild_id,
            facilitator_role_id=config.facilitator_role_id,
            timezone=config.timezone or self.settings.default_timezone,
            timezone_is_default=config.timezone is None,
        )

    async def config(self, guild_id: int) -> ConfigInfo:
        async with self.db.read() as session:
            return self._config_info(await queries.guild_config(session, guild_id))

    async def viewer_roles(self, guild_id: int) -> set[int]:
        """Every server-wide role that sees private groups' channels (facilitators, and what hooks add)."""
        async with self.db.read() as session:
            config = await queries.guild_config(session, guild_id)
            extra = await self._viewer_roles(session, guild_id)
        return {r for r in (config.facilitator_role_id, *extra) if r is not None}

    async def _viewer_roles(self, session: AsyncSession, guild_id: int) -> tuple[int, ...]:
        found: list[int] = []
        for provider in self.hooks.viewer_roles:
            found.extend(r for r in await provider(session, guild_id) if r not in found)
        return tuple(found)

    async def private_groups(self, guild_id: int) -> list[ChannelAccess]:
        """Every active private group with a channel: their overwrites follow /setup's roles."""
        async with self.db.read() as session:
            groups = await session.scalars(
                select(Group).where(
                    Group.guild_id == guild_id,
                    Group.private.is_(True),
                    Group.channel_id.is_not(None),
                )
            )
            return [await self._access(session, group) for group in groups]

    # --- helpers -------------------------------------------------------------------------------

    async def _named_visible(self, session: AsyncSession, actor: Actor, name: str) -> Group:
        # The same words as for a name that does not exist: a private group stays unseen.
        return await queries.visible_group_by_name(session, actor, name)

    async def _group(self, session: AsyncSession, actor: Actor, group_id: int, *, lock: bool = False) -> Group:
        if lock:
            group = await session.scalar(select(Group).where(Group.id == group_id).with_for_update())
            if group is None or group.guild_id != actor.guild_id:
                raise NotFound(refusals.group_gone())
            return group
        return await queries.get_group(session, actor.guild_id, group_id)

    async def _access(self, session: AsyncSession, group: Group) -> ChannelAccess:
        config = await queries.guild_config(session, group.guild_id)
        facilitators = await session.scalars(
            select(GroupFacilitator.user_id).where(GroupFacilitator.group_id == group.id)
        )
        return ChannelAccess(
            group=GroupInfo.of(group),
            facilitator_role_id=config.facilitator_role_id,
            viewer_role_ids=await self._viewer_roles(session, group.guild_id),
            facilitator_user_ids=sorted(facilitators),
        )

    async def _has_request(self, session: AsyncSession, group_id: int, user_id: int) -> bool:
        found = await session.scalar(
            select(JoinRequest.id).where(JoinRequest.group_id == group_id, JoinRequest.user_id == user_id)
        )
        return found is not None

    async def find(self, actor: Actor, name: str) -> GroupInfo:
        """A group the actor may see, by name."""
        async with self.db.read() as session:
            return GroupInfo.of(await self._named_visible(session, actor, name))

    async def require_facilitator(self, actor: Actor, name: str) -> GroupInfo:
        async with self.db.read() as session:
            group = await self._named_visible(session, actor, name)
            await queries.require_facilitator(session, actor, group)
            return GroupInfo.of(group)

    async def channel_access(self, actor: Actor, group_id: int) -> ChannelAccess:
        async with self.db.read() as session:
            return await self._access(session, await self._group(session, actor, group_id))
