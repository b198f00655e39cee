"""Group use cases over the database. No ``discord`` here: the cog passes ids in and acts on Discord.

Where a use case touches both Discord and the database, the cog checks first (``*_plan`` methods
validate everything without writing), acts on Discord, then calls the writing method, which checks
again inside its own transaction. If Discord fails after a write, the cog calls the matching ``undo_*``,
so a refusal leaves nothing half-done.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.errors import BadInput, Conflict, NotFound
from cogs.groups import domain, queries
from cogs.groups.membership import Membership
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    GuildConfig,
    JoinRequest,
)
from cogs.groups.records import (
    _UNSET,
    ChannelAccess,
    ConfigInfo,
    Details,
    GroupInfo,
    JoinPlan,
    Listing,
    NewGroup,
    Request,
    TextEdit,
    channel_missing_message,
    role_missing_message,
)

__all__ = [
    "ChannelAccess",
    "ConfigInfo",
    "Details",
    "GroupInfo",
    "GroupService",
    "JoinPlan",
    "Listing",
    "NewGroup",
    "Request",
    "TextEdit",
    "channel_missing_message",
    "role_missing_message",
]


class GroupService(Membership):
    """Groups' use cases: the shared parts in ``ServiceBase``, joining and leaving in ``Membership``."""

    # --- creating ------------------------------------------------------------------------------

    async def _check_new(
        self, session: AsyncSession, actor: Actor, name: str, channel_id: int | None, *, exclude: int | None = None
    ) -> None:
        key = domain.name_key(name)
        clash = await session.scalar(
            select(Group).where(Group.guild_id == actor.guild_id, Group.name_key == key, Group.id != (exclude or 0))
        )
        if clash is not None:
            raise Conflict(
                f"There is already a group called **{clash.name}** here (names ignore upper and lower case). "
                "Pick another name."
            )
        if channel_id is not None:
            used = await queries.group_for_channel(session, actor.guild_id, channel_id)
            if used is not None and used.id != exclude:
                raise Conflict("That channel already belongs to another group: pick a different one or leave it empty.")

    async def create_plan(
        self,
        actor: Actor,
        name: str,
        description: str | None = None,
        *,
        private: bool = False,
        channel_id: int | None = None,
        neutral_role: bool = True,
    ) -> NewGroup:
        """Validate a new group without writing anything (the cog then makes its role and channel)."""
        async with self.db.read() as session:
            await queries.require_facilitator(session, actor)
            clean = domain.clean_name(name)
            text = domain.clean_description(description)
            await self._check_new(session, actor, clean, channel_id)
            if await queries.count_groups(session, actor.guild_id) >= self.settings.max_groups_per_guild:
                raise Conflict(
                    f"This server has reached its limit of {self.settings.max_groups_per_guild} groups. "
                    "Archive-and-reuse one, or ask the operator to raise groups.max_groups_per_guild."
                )
        return NewGroup(clean, text, private, neutral_role, channel_id)

    async def create(
        self, actor: Actor, new: NewGroup, *, role_id: int | None, channel_id: int | None, owns_channel: bool
    ) -> GroupInfo:
        """Store the group; its creator becomes one of its facilitators."""
        now = self.clock.now()
        try:
            async with self.db.write() as session:
                await queries.require_facilitator(session, actor)
                await self._check_new(session, actor, new.name, channel_id)
                if await queries.count_groups(session, actor.guild_id) >= self.settings.max_groups_per_guild:
                    raise Conflict(f"This server has reached its limit of {self.settings.max_groups_per_guild} groups.")
                group = Group(
                    guild_id=actor.guild_id,
                    name=new.name,
                    name_key=domain.name_key(new.name),
                    description=new.description,
                    private=new.private,
                    role_id=role_id,
                    channel_id=channel_id,
                    owns_channel=owns_channel,
                    neutral_role=new.neutral_role,
                    guidelines=self.default_guidelines,
                    guidelines_version=1,
                    created_by=actor.user_id,
                    created_at=now,
                )
                session.add(group)
                await session.flush()
                session.add(GroupFacilitator(group_id=group.id, user_id=actor.user_id, added_at=now))
                await session.flush()
                return GroupInfo.of(group)
        except IntegrityError:
            raise Conflict(f"There is already a group called **{new.name}** here. Pick another name.") from None

    # --- listing and reading -------------------------------------------------------------------

    async def listing(self, actor: Actor) -> list[Listing]:
        """Groups this person may see: public ones, and private ones they belong to or facilitate."""
        async with self.db.read() as session:
            groups = list(
                await session.scalars(select(Group).where(Group.guild_id == actor.guild_id).order_by(Group.name_key))
            )
            counts = dict(
                (
                    await session.execute(
                        select(GroupMember.group_id, func.count())
                        .join(Group, Group.id == GroupMember.group_id)
                        .where(Group.guild_id == actor.guild_id)
                        .group_by(GroupMember.group_id)
                    )
                ).all()
            )
            mine = set(
                await session.scalars(
                    select(GroupMember.group_id)
                    .join(Group, Group.id == GroupMember.group_id)
                    .where(Group.guild_id == actor.guild_id, GroupMember.user_id == actor.user_id)
                )
            )
            facilitating = set(
                await session.scalars(
                    select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == actor.user_id)
                )
            )
            requested = set(
                await session.scalars(select(JoinRequest.group_id).where(JoinRequest.user_id == actor.user_id))
            )
            server_facilitator = await queries.is_facilitator(session, actor)
            out = []
            for group in groups:
                facilitator = server_facilitator or group.id in facilitating
                if not domain.may_see(group.private, member=group.id in mine, facilitator=facilitator):
                    continue
                if group.archived_at is not None and not facilitator and group.id not in mine:
                    continue
                out.append(
                    Listing(GroupInfo.of(group), group.id in mine, group.id in requested, counts.get(group.id, 0))
                )
            return out

    async def details(self, actor: Actor, name: str) -> Details:
        async with self.db.read() as session:
            group = await self._named_visible(session, actor, name)
            return await self._details(session, actor, group)

    async def details_by_id(self, actor: Actor, group_id: int) -> Details:
        async with self.db.read() as session:
            group = await self._group(session, actor, group_id)
            if not await queries.may_see(session, actor, group):
                raise NotFound("That group no longer exists.")
            return await self._details(session, actor, group)

    async def _details(self, session: AsyncSession, actor: Actor, group: Group) -> Details:
        members = int(
            await session.scalar(select(func.count()).select_from(GroupMember).where(GroupMember.group_id == group.id))
            or 0
        )
        facilitators = await session.scalars(
            select(GroupFacilitator.user_id).where(GroupFacilitator.group_id == group.id)
        )
        acceptance = await session.get(GuidelinesAcceptance, (group.id, actor.user_id))
        return Details(
            group=GroupInfo.of(group),
            members=members,
            facilitator_ids=sorted(facilitators),
            is_member=await queries.is_member(session, group.id, actor.user_id),
            accepted_version=acceptance.version if acceptance else None,
            accepted_at=acceptance.accepted_at if acceptance else None,
            can_facilitate=await queries.is_facilitator(session, actor, group.id),
            requested=await self._has_request(session, group.id, actor.user_id),
        )

    async def names(self, actor: Actor, typed: str, scope: str) -> list[str]:
        """Autocomplete: ``join`` (groups one may join), ``mine`` (joined), ``visible``, ``facilitate``."""
        async with self.db.read() as session:
            return await queries.group_names(session, actor, typed, scope)

    # --- archiving -----------------------------------------------------------------------------

    async def archive_plan(self, actor: Actor, name: str, *, archive: bool) -> GroupInfo:
        async with self.db.read() as session:
            group = await self._named_visible(session, actor, name)
            await queries.require_facilitator(session, actor, group)
            self._check_archive_state(group, archive)
            return GroupInfo.of(group)

    @staticmethod
    def _check_archive_state(group: Group, archive: bool) -> None:
        if archive and group.archived_at is not None:
            raise Conflict(f"**{group.name}** is already archived. `/facilitate group unarchive` brings it back.")
        if not archive and group.archived_at is None:
            raise Conflict(f"**{group.name}** is not archived.")

    async def set_archived(self, actor: Actor, group_id: int, *, archive: bool) -> tuple[GroupInfo, list[int]]:
        """Archive (history kept, no new activity) or restore; returns the members whose role changes."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id, lock=True)
            await queries.require_facilitator(session, actor, group)
            self._check_archive_state(group, archive)
            group.archived_at = self.clock.now() if archive else None
            await session.flush()
            return GroupInfo.of(group), await queries.member_ids(session, group.id)

    # --- editing -------------------------------------------------------------------------------

    async def edit_text(self, actor: Actor, group_id: int, *, name: str, description: str, guidelines: str) -> TextEdit:
        """The edit modal: name, description, guidelines. Changed guidelines ask every member again."""
        clean = domain.clean_name(name)
        text = domain.clean_description(description)
        rules = domain.clean_guidelines(guidelines)
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                await queries.require_facilitator(session, actor, group)
                await self._check_new(session, actor, clean, None, exclude=group.id)
                old_name = group.name
                renamed = clean != group.name
                changed = rules != group.guidelines.strip()
                group.name = clean
                group.name_key = domain.name_key(clean)
                group.description = text
                if changed:
                    group.guidelines = rules
                    group.guidelines_version += 1
                await session.flush()
                return TextEdit(GroupInfo.of(group), old_name, renamed, changed)
        except IntegrityError:
            raise Conflict(f"There is already a group called **{clean}** here. Pick another name.") from None

    async def edit_settings(
        self,
        actor: Actor,
        group_id: int,
        *,
        neutral_role: bool | None = None,
        role_id: object = _UNSET,
        channel_id: object = _UNSET,
        owns_channel: bool | None = None,
    ) -> GroupInfo:
        """Role naming, a replacement role or channel (after one was deleted or a new one picked)."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id, lock=True)
            await queries.require_facilitator(session, actor, group)
            if channel_id is not _UNSET and channel_id is not None:
                assert isinstance(channel_id, int)
                used = await queries.group_for_channel(session, actor.guild_id, channel_id)
                if used is not None and used.id != group.id:
                    raise Conflict("That channel already belongs to another group: pick a different one.")
            if neutral_role is not None:
                group.neutral_role = neutral_role
            if role_id is not _UNSET:
                group.role_id = role_id  # type: ignore[assignment]
            if channel_id is not _UNSET:
                group.channel_id = channel_id  # type: ignore[assignment]
            if owns_channel is not None:
                group.owns_channel = owns_channel
            await session.flush()
            return GroupInfo.of(group)

    async def member_ids(self, actor: Actor, group_id: int) -> list[int]:
        async with self.db.read() as session:
            group = await self._group(session, actor, group_id)
            return await queries.member_ids(session, group.id)

    # --- facilitators --------------------------------------------------------------------------

    async def add_facilitator(self, actor: Actor, group_id: int, user_id: int) -> GroupInfo:
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                await queries.require_facilitator(session, actor, group)
                if await session.get(GroupFacilitator, (group.id, user_id)) is not None:
                    raise Conflict(f"They already facilitate **{group.name}**.")
                session.add(GroupFacilitator(group_id=group.id, user_id=user_id, added_at=self.clock.now()))
                await session.flush()
                return GroupInfo.of(group)
        except IntegrityError:
            raise Conflict("They already facilitate that group.") from None

    async def remove_facilitator(self, actor: Actor, group_id: int, user_id: int) -> GroupInfo:
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id, lock=True)
            await queries.require_facilitator(session, actor, group)
            row = await session.get(GroupFacilitator, (group.id, user_id))
            if row is None:
                raise BadInput(f"They are not one of **{group.name}**'s own facilitators.")
            await session.delete(row)
            return GroupInfo.of(group)

    async def undo_facilitator(self, group_id: int, user_id: int, *, added: bool) -> None:
        """Discord refused the channel permission: take back the add (or the removal), and let an error
        message say again that nothing was kept."""
        async with self.db.undo() as session:
            if added:
                await session.execute(
                    delete(GroupFacilitator).where(
                        GroupFacilitator.group_id == group_id, GroupFacilitator.user_id == user_id
                    )
                )
            elif await session.get(GroupFacilitator, (group_id, user_id)) is None:
                session.add(GroupFacilitator(group_id=group_id, user_id=user_id, added_at=self.clock.now()))

    # --- guidelines ----------------------------------------------------------------------------

    async def accept_guidelines(self, actor: Actor, group_id: int, version: int) -> tuple[GroupInfo, bool]:
        """Record acceptance of ``version``; returns (group, newly_accepted). A stale version is refused."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id)
            await queries.require_active_member(session, group, actor.user_id)
            if version != group.guidelines_version:
                raise BadInput(
                    f"**{group.name}**'s guidelines changed since this message was shown. "
                    f"Read the new ones with `/group guidelines group:{group.name}`."
                )
            acceptance = await session.get(GuidelinesAcceptance, (group.id, actor.user_id), with_for_update=True)
            now = self.clock.now()
            if acceptance is None:
                session.add(
                    GuidelinesAcceptance(group_id=group.id, user_id=actor.user_id, version=version, accepted_at=now)
                )
            elif acceptance.version >= version:
                return GroupInfo.of(group), False
            else:
                acceptance.version = version
                acceptance.accepted_at = now
            return GroupInfo.of(group), True

    # --- Discord changed under us --------------------------------------------------------------

    async def role_deleted(self, guild_id: int, role_id: int) -> list[int]:
        """A role was deleted by hand: forget it (groups and /setup). Returns the affected group ids."""
        async with self.db.write() as session:
            ids = list(
                await session.scalars(select(Group.id).where(Group.guild_id == guild_id, Group.role_id == role_id))
            )
            if ids:
                await session.execute(update(Group).where(Group.id.in_(ids)).values(role_id=None))
            config = await session.get(GuildConfig, guild_id)
            if config is not None and config.facilitator_role_id == role_id:
                config.facilitator_role_id = None
            return ids

    async def channel_deleted(self, guild_id: int, channel_id: int) -> list[int]:
        async with self.db.write() as session:
            ids = list(
                await session.scalars(
                    select(Group.id).where(Group.guild_id == guild_id, Group.channel_id == channel_id)
                )
            )
            if ids:
                await session.execute(update(Group).where(Group.id.in_(ids)).values(channel_id=None))
            await session.execute(
                update(JoinRequest)
                .where(JoinRequest.message_channel_id == channel_id)
                .values(message_channel_id=None, message_id=None)
            )
            return ids

    async def member_left(self, guild_id: int, user_id: int) -> int:
        """A member left the server: end their memberships, facilitation, acceptances and requests there."""
        async with self.db.write() as session:
            group_ids = select(Group.id).where(Group.guild_id == guild_id).scalar_subquery()
            removed = 0
            for model in (GroupMember, GroupFacilitator, GuidelinesAcceptance, JoinRequest):
                result = await session.execute(
                    delete(model).where(model.group_id.in_(group_ids), model.user_id == user_id)
                )
                removed += result.rowcount or 0  # type: ignore[attr-defined]
            return removed

    async def forget(self, actor: Actor, group_id: int, *, role: bool = False, channel: bool = False) -> None:
        """Discord no longer has this group's role/channel (noticed late): record it."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id)
            if role:
                group.role_id = None
            if channel:
                group.channel_id = None

    async def groups_with_ids(self, guild_id: int, ids: Sequence[int]) -> list[GroupInfo]:
        async with self.db.read() as session:
            rows = await session.scalars(select(Group).where(Group.guild_id == guild_id, Group.id.in_(list(ids))))
            return [GroupInfo.of(g) for g in rows]
