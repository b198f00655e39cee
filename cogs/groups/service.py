"""Group use cases over the database. No ``discord`` here: the cog passes ids in and acts on Discord.

Where a use case touches both Discord and the database, the cog checks first (``*_plan`` methods
validate everything without writing), acts on Discord, then calls the writing method, which checks
again inside its own transaction. If Discord fails after a write, the cog calls the matching ``undo_*``,
so a refusal leaves nothing half-done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.config import GroupSettings
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.groups import domain, queries
from cogs.groups.api import GroupHooks
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    GuildConfig,
    JoinRequest,
)

_UNSET: object = object()


@dataclass(frozen=True)
class GroupInfo:
    id: int
    guild_id: int
    name: str
    description: str
    private: bool
    role_id: int | None
    channel_id: int | None
    owns_channel: bool
    neutral_role: bool
    guidelines: str
    guidelines_version: int
    archived: bool

    @classmethod
    def of(cls, group: Group) -> GroupInfo:
        return cls(
            id=group.id,
            guild_id=group.guild_id,
            name=group.name,
            description=group.description,
            private=group.private,
            role_id=group.role_id,
            channel_id=group.channel_id,
            owns_channel=group.owns_channel,
            neutral_role=group.neutral_role,
            guidelines=group.guidelines,
            guidelines_version=group.guidelines_version,
            archived=group.archived_at is not None,
        )


@dataclass(frozen=True)
class ConfigInfo:
    """Groups' own server settings (other features' /setup options live in their features)."""

    guild_id: int
    facilitator_role_id: int | None
    timezone: str
    timezone_is_default: bool


@dataclass(frozen=True)
class NewGroup:
    name: str
    description: str
    private: bool
    neutral_role: bool
    channel_id: int | None


@dataclass(frozen=True)
class Listing:
    group: GroupInfo
    joined: bool
    requested: bool
    members: int


@dataclass(frozen=True)
class Details:
    group: GroupInfo
    members: int
    facilitator_ids: list[int]
    is_member: bool
    accepted_version: int | None
    accepted_at: datetime | None
    can_facilitate: bool
    requested: bool


@dataclass(frozen=True)
class JoinPlan:
    group: GroupInfo | None  # None: no group the member may learn about (missing, or private and already asked)
    needs_approval: bool


@dataclass(frozen=True)
class Request:
    id: int
    group: GroupInfo
    user_id: int
    message_channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class ChannelAccess:
    """Who may see a private group's channel besides its members' role and the bot."""

    group: GroupInfo | None  # None while the group is being created
    facilitator_role_id: int | None
    # Roles other features add (moderation: its moderator role), through GroupHooks.viewer_roles.
    viewer_role_ids: tuple[int, ...]
    facilitator_user_ids: list[int]


@dataclass(frozen=True)
class TextEdit:
    group: GroupInfo
    old_name: str
    renamed: bool
    guidelines_changed: bool


def role_missing_message(group: GroupInfo | Group) -> str:
    return (
        f"**{group.name}**'s role was deleted in Discord, so I can't give or take it. "
        f"A facilitator can recreate it with `/group edit group:{group.name} recreate:True`."
    )


def channel_missing_message(group: GroupInfo | Group) -> str:
    return (
        f"**{group.name}**'s channel was deleted in Discord. A facilitator can make a new one with "
        f"`/group edit group:{group.name} recreate:True`, or pick an existing one with the `channel` option."
    )


class GroupService:
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
                raise NotFound("That group no longer exists.")
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

    # --- joining and leaving -------------------------------------------------------------------

    async def _join_checks(self, session: AsyncSession, actor: Actor, group: Group) -> None:
        if group.archived_at is not None:
            raise BadInput(f"**{group.name}** is archived: it keeps its history but takes no new members.")
        if await queries.is_member(session, group.id, actor.user_id):
            raise Conflict(f"You're already a member of **{group.name}**.")
        if await self._has_request(session, group.id, actor.user_id):
            raise Conflict(f"You already asked to join **{group.name}**; its facilitators will decide soon.")

    async def join_plan(self, actor: Actor, name: str) -> JoinPlan:
        """What /group join does. A missing name, and a private group the member may not see, plan the same
        (``hidden``): the member reads one answer for both, so a private group's existence never leaks."""
        async with self.db.read() as session:
            try:
                group = await queries.group_by_name(session, actor.guild_id, name)
            except NotFound:
                return JoinPlan(None, needs_approval=True)
            if not await queries.may_see(session, actor, group):
                if group.archived_at is not None or await self._has_request(session, group.id, actor.user_id):
                    return JoinPlan(None, needs_approval=True)  # nothing to do, and nothing to tell
                return JoinPlan(GroupInfo.of(group), needs_approval=True)
            await self._join_checks(session, actor, group)
            return JoinPlan(GroupInfo.of(group), needs_approval=group.private)

    async def join(self, actor: Actor, group_id: int) -> GroupInfo:
        """A public group: the member is in at once."""
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                if group.private:
                    raise NotAllowed(f"**{group.name}** is private: ask to join and a facilitator will decide.")
                await self._join_checks(session, actor, group)
                session.add(GroupMember(group_id=group.id, user_id=actor.user_id, joined_at=self.clock.now()))
                await session.flush()
                return GroupInfo.of(group)
        except IntegrityError:
            raise Conflict("You're already a member of that group.") from None

    async def undo_join(self, group_id: int, user_id: int) -> None:
        async with self.db.undo() as session:
            await session.execute(
                delete(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
            )

    async def request_join(self, actor: Actor, group_id: int) -> Request:
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                await self._join_checks(session, actor, group)
                request = JoinRequest(group_id=group.id, user_id=actor.user_id, created_at=self.clock.now())
                session.add(request)
                await session.flush()
                return Request(request.id, GroupInfo.of(group), actor.user_id, None, None)
        except IntegrityError:
            raise Conflict("You already asked to join that group; its facilitators will decide soon.") from None

    async def attach_request_message(self, request_id: int, channel_id: int, message_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(JoinRequest)
                .where(JoinRequest.id == request_id)
                .values(message_channel_id=channel_id, message_id=message_id)
            )

    async def cancel_request(self, request_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(delete(JoinRequest).where(JoinRequest.id == request_id))

    async def _request(self, session: AsyncSession, actor: Actor, request_id: int, *, lock: bool) -> JoinRequest:
        query = select(JoinRequest).where(JoinRequest.id == request_id)
        request = await session.scalar(query.with_for_update() if lock else query)
        if request is None:
            raise NotFound("This request was already decided or withdrawn.")
        group = await self._group(session, actor, request.group_id)
        await queries.require_facilitator(session, actor, group)
        return request

    async def pending_request(self, actor: Actor, request_id: int) -> Request:
        """A request a facilitator of its group is about to decide (refuses anyone else)."""
        async with self.db.read() as session:
            request = await self._request(session, actor, request_id, lock=False)
            group = await queries.get_group(session, actor.guild_id, request.group_id)
            return Request(
                request.id, GroupInfo.of(group), request.user_id, request.message_channel_id, request.message_id
            )

    async def decide(self, actor: Actor, request_id: int, *, approve: bool) -> Request:
        """Approve (the requester becomes a member) or decline (the request is dropped)."""
        now = self.clock.now()
        async with self.db.write() as session:
            request = await self._request(session, actor, request_id, lock=True)
            group = await queries.get_group(session, actor.guild_id, request.group_id)
            if approve:
                if group.archived_at is not None:
                    raise BadInput(f"**{group.name}** is archived; unarchive it before approving anyone.")
                if not await queries.is_member(session, group.id, request.user_id):
                    session.add(GroupMember(group_id=group.id, user_id=request.user_id, joined_at=now))
            decided = Request(
                request.id, GroupInfo.of(group), request.user_id, request.message_channel_id, request.message_id
            )
            await session.delete(request)
            return decided

    async def undo_approval(self, request: Request) -> None:
        """Discord refused the role: put the request back as it was."""
        async with self.db.undo() as session:
            await session.execute(
                delete(GroupMember).where(
                    GroupMember.group_id == request.group.id, GroupMember.user_id == request.user_id
                )
            )
            session.add(
                JoinRequest(
                    id=request.id,
                    group_id=request.group.id,
                    user_id=request.user_id,
                    created_at=self.clock.now(),
                    message_channel_id=request.message_channel_id,
                    message_id=request.message_id,
                )
            )

    async def leave_plan(self, actor: Actor, name: str) -> GroupInfo:
        async with self.db.read() as session:
            group = await queries.group_by_name(session, actor.guild_id, name)
            if not await queries.may_see(session, actor, group) and not await self._has_request(
                session, group.id, actor.user_id
            ):
                raise queries.no_such_group(name)
            if not await queries.is_member(session, group.id, actor.user_id):
                if await self._has_request(session, group.id, actor.user_id):
                    return GroupInfo.of(group)
                raise BadInput(f"You're not a member of **{group.name}**, so there is nothing to leave.")
            return GroupInfo.of(group)

    async def leave(self, actor: Actor, group_id: int) -> bool:
        """Leave (or withdraw a pending request). Returns True when a membership ended."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id)
            withdrawn = await session.execute(
                delete(JoinRequest).where(JoinRequest.group_id == group.id, JoinRequest.user_id == actor.user_id)
            )
            left = await session.execute(
                delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == actor.user_id)
            )
            await session.execute(
                delete(GuidelinesAcceptance).where(
                    GuidelinesAcceptance.group_id == group.id, GuidelinesAcceptance.user_id == actor.user_id
                )
            )
            if not left.rowcount and not withdrawn.rowcount:  # type: ignore[attr-defined]
                raise BadInput(f"You're not a member of **{group.name}**, so there is nothing to leave.")
            return bool(left.rowcount)  # type: ignore[attr-defined]

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
            raise Conflict(f"**{group.name}** is already archived. `/group unarchive` brings it back.")
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
