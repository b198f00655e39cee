"""The groups feature's one public surface: what other features may ask about groups and members.

Other features import only this module from ``cogs.groups``. Everything here runs inside the caller's
session (one use case, one transaction), takes and returns ids and frozen dataclasses, never ORM rows,
and works from the database alone, so it answers whether or not ``GroupsCog`` is loaded.

``GroupHooks`` is how groups hears from features built on it without importing them: a feature adds its
callbacks at load (``bot.interfaces.require(GroupHooks)``) and removes them at unload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from bot.actor import Actor
from bot.errors import BadInput, NotAllowed, NotFound
from cogs.groups import domain, queries, refusals
from cogs.groups.models import (
    Group,
    GroupDeparture,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    GuildConfig,
    MemberProfile,
)
from cogs.groups.queries import GuidelinesNotAccepted, parse_timezone

__all__ = [
    "GroupHooks",
    "GroupRef",
    "GuidelinesNotAccepted",
    "Participation",
    "ServerGroupSettings",
    "ViewerRoles",
    "WelcomeLine",
    "departures_between",
    "every_group",
    "facilitates_any",
    "facilitator_ids",
    "group",
    "group_by_channel",
    "group_by_id",
    "group_by_name",
    "group_names",
    "group_timezone",
    "groups_by_ids",
    "groups_in_server",
    "groups_of",
    "has_accepted_guidelines",
    "is_facilitator",
    "is_member",
    "is_member_clause",
    "may_see",
    "member_ids",
    "member_ids_query",
    "member_timezone",
    "member_timezones",
    "members_joined",
    "no_such_group",
    "parse_timezone",
    "participation",
    "participation_of",
    "participation_select",
    "participations",
    "require_active_member",
    "require_facilitator",
    "require_participant",
    "resolve_group",
    "server_settings",
    "server_timezones",
    "set_member_timezone",
    "timezone_suggestions",
]


@dataclass(frozen=True)
class GroupRef:
    """A group as another feature sees it."""

    id: int
    guild_id: int
    name: str
    private: bool
    role_id: int | None
    channel_id: int | None
    timezone: str | None
    guidelines_version: int
    archived: bool
    created_at: datetime | None = None

    @classmethod
    def of(cls, row: Group) -> GroupRef:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            name=row.name,
            private=row.private,
            role_id=row.role_id,
            channel_id=row.channel_id,
            timezone=row.timezone,
            guidelines_version=row.guidelines_version,
            archived=row.archived_at is not None,
            created_at=row.created_at,
        )


@dataclass(frozen=True)
class ServerGroupSettings:
    """The server-wide settings groups owns (``/setup facilitator_role`` and ``timezone``)."""

    facilitator_role_id: int | None
    timezone: str | None  # None: the operator's default applies


#: A column of another feature's table, or an expression over it.
Column = ColumnElement[Any] | QueryableAttribute[Any]

#: Extra roles that may see every private group's channel (moderation adds its moderator role).
ViewerRoles = Callable[[AsyncSession, int], Awaitable[list[int]]]

#: A line for a new member's welcome (session, group id, now) -> text or None; meetings adds the next meeting.
WelcomeLine = Callable[[AsyncSession, int, datetime], Awaitable[str | None]]


@dataclass
class GroupHooks:
    """Callbacks features built on groups register; groups calls them without knowing who they are."""

    viewer_roles: list[ViewerRoles] = field(default_factory=list)
    welcome: list[WelcomeLine] = field(default_factory=list)


@dataclass(frozen=True)
class Participation:
    """Whether one person may take part in one group (check in, share, take a turn, RSVP)."""

    group: GroupRef
    member: bool
    accepted_version: int | None  # the guidelines version they accepted; None: never

    def require(self) -> None:
        """The same refusals as ``require_participant``, from what one query read."""
        self.require_member()
        if self.accepted_version is None or self.accepted_version < self.group.guidelines_version:
            raise GuidelinesNotAccepted(self.group)

    def require_member(self) -> None:
        """A member of an active group (guidelines not asked: e.g. sending support to someone)."""
        if self.group.archived:
            raise BadInput(refusals.archived_no_activity(self.group.name))
        if not self.member:
            raise NotAllowed(refusals.not_a_member(self.group.name))


def participation_select(group_id: int, user_id: int) -> Select[Group, int, int]:
    """One row (or none) to read with a caller's own columns added (``.add_columns``, ``.outerjoin``),
    so a use case checks participation in the same round trip as its own rows; see ``participation_of``."""
    return (
        select(Group, GroupMember.user_id, GuidelinesAcceptance.version)
        .outerjoin(GroupMember, (GroupMember.group_id == Group.id) & (GroupMember.user_id == user_id))
        .outerjoin(
            GuidelinesAcceptance,
            (GuidelinesAcceptance.group_id == Group.id) & (GuidelinesAcceptance.user_id == user_id),
        )
        .where(Group.id == group_id)
    )


def participation_of(row: Sequence[Any]) -> Participation:
    """The first three columns of a ``participation_select`` row."""
    return Participation(GroupRef.of(row[0]), member=row[1] is not None, accepted_version=row[2])


async def participation(session: AsyncSession, guild_id: int, group_id: int, user_id: int) -> Participation:
    """Raises NotFound when the group is gone or belongs to another server."""
    row = (await session.execute(participation_select(group_id, user_id))).first()
    if row is None or row[0].guild_id != guild_id:
        raise NotFound(refusals.group_gone())
    return participation_of(row)


async def participations(
    session: AsyncSession, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Participation]:
    """(group id, user id) -> Participation for many at once, in three queries; a deleted group is absent."""
    wanted = set(pairs)
    if not wanted:
        return {}
    group_ids = {g for g, _ in wanted}
    user_ids = {u for _, u in wanted}
    found = await groups_by_ids(session, group_ids)
    members = set(
        (
            await session.execute(
                select(GroupMember.group_id, GroupMember.user_id).where(
                    GroupMember.group_id.in_(group_ids), GroupMember.user_id.in_(user_ids)
                )
            )
        ).all()
    )
    accepted = {
        (g, u): v
        for g, u, v in await session.execute(
            select(GuidelinesAcceptance.group_id, GuidelinesAcceptance.user_id, GuidelinesAcceptance.version).where(
                GuidelinesAcceptance.group_id.in_(group_ids), GuidelinesAcceptance.user_id.in_(user_ids)
            )
        )
    }
    return {
        (g, u): Participation(found[g], member=(g, u) in members, accepted_version=accepted.get((g, u)))
        for g, u in wanted
        if g in found
    }


# --- look-ups --------------------------------------------------------------------------------------


async def group(session: AsyncSession, guild_id: int, group_id: int) -> GroupRef:
    """Raises NotFound (a clear message) when the group is gone or belongs to another server."""
    return GroupRef.of(await queries.get_group(session, guild_id, group_id))


async def group_by_id(session: AsyncSession, group_id: int) -> GroupRef | None:
    """Any server's group by id (for jobs that hold only ids); None when it was deleted."""
    row = await session.get(Group, group_id)
    return None if row is None else GroupRef.of(row)


async def groups_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, GroupRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {g.id: GroupRef.of(g) for g in await session.scalars(select(Group).where(Group.id.in_(wanted)))}


async def groups_in_server(session: AsyncSession, guild_id: int) -> list[GroupRef]:
    """Every group of a server, archived and private ones too, by name (for server-wide admin views)."""
    rows = await session.scalars(select(Group).where(Group.guild_id == guild_id).order_by(Group.name_key))
    return [GroupRef.of(g) for g in rows]


async def every_group(session: AsyncSession) -> list[GroupRef]:
    """Every group of every server (for housekeeping that runs in one process for all of them)."""
    rows = await session.scalars(select(Group).order_by(Group.id))
    return [GroupRef.of(g) for g in rows]


async def group_by_name(session: AsyncSession, actor: Actor, name: str) -> GroupRef:
    """The group called ``name`` as ``actor`` may see it: a private group they're not in (nor facilitate)
    raises exactly the NotFound of a name that doesn't exist. Every lookup by name goes through here."""
    return GroupRef.of(await queries.visible_group_by_name(session, actor, name))


async def may_see(session: AsyncSession, actor: Actor, group_ref: GroupRef) -> bool:
    """Whether ``actor`` may know this group exists (public, or private and they're in or facilitate it)."""
    if not group_ref.private:
        return True
    return await queries.is_member(session, group_ref.id, actor.user_id) or await queries.is_facilitator(
        session, actor, group_ref.id
    )


def no_such_group(name: str) -> NotFound:
    """The answer for a name that names no group the asker may see; use it for any group-by-name refusal."""
    return queries.no_such_group(name)


async def group_by_channel(session: AsyncSession, guild_id: int, channel_id: int | None) -> GroupRef | None:
    found = await queries.group_for_channel(session, guild_id, channel_id)
    return None if found is None else GroupRef.of(found)


async def resolve_group(session: AsyncSession, actor: Actor, name: str | None, channel_id: int | None) -> GroupRef:
    """The group a member means: the one named, else this channel's, else their only group; a private group
    the actor may not see is treated as missing (see ``group_by_name``)."""
    return GroupRef.of(await queries.resolve_group(session, actor, name, channel_id))


async def groups_of(session: AsyncSession, guild_id: int, user_id: int) -> list[GroupRef]:
    return [GroupRef.of(g) for g in await queries.groups_of(session, guild_id, user_id)]


# --- membership and roles --------------------------------------------------------------------------


async def is_member(session: AsyncSession, group_id: int, user_id: int) -> bool:
    return await queries.is_member(session, group_id, user_id)


async def member_ids(session: AsyncSession, group_id: int) -> list[int]:
    return await queries.member_ids(session, group_id)


async def members_joined(session: AsyncSession, group_id: int) -> dict[int, datetime]:
    """Current members -> when they joined (for aggregates that must leave out late joiners)."""
    rows = await session.execute(
        select(GroupMember.user_id, GroupMember.joined_at).where(GroupMember.group_id == group_id)
    )
    return {int(user_id): joined for user_id, joined in rows}


async def departures_between(
    session: AsyncSession, group_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """(quarter hour, how many left in it) in [start, end): counts only, groups never keeps who left."""
    rows = await session.execute(
        select(GroupDeparture.bucket_start, GroupDeparture.count).where(
            GroupDeparture.group_id == group_id,
            GroupDeparture.bucket_start >= start,
            GroupDeparture.bucket_start < end,
        )
    )
    return [(at, int(count)) for at, count in rows]


def member_ids_query(group_id: int) -> Select[Any]:
    """``SELECT user_id`` of a group's members, to use inside another feature's query (``.in_(...)``)."""
    return select(GroupMember.user_id).where(GroupMember.group_id == group_id)


def is_member_clause(group_id: Column, user_id: Column) -> ColumnElement[bool]:
    """An EXISTS clause for another feature's query: the user (a column) is in the group (a column)."""
    return select(GroupMember.user_id).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id).exists()


async def facilitator_ids(session: AsyncSession, group_id: int) -> list[int]:
    """The group's own facilitators (not holders of the server's facilitator role), by user id."""
    return list(
        await session.scalars(
            select(GroupFacilitator.user_id)
            .where(GroupFacilitator.group_id == group_id)
            .order_by(GroupFacilitator.user_id)
        )
    )


async def facilitates_any(session: AsyncSession, actor: Actor) -> bool:
    """The facilitators' audience (``bot/audience.py``): admins, the server's facilitator role, or a
    group's own facilitator; each command still checks the group it acts on."""
    if await queries.is_facilitator(session, actor):
        return True
    found = await session.scalar(
        select(GroupFacilitator.group_id)
        .where(GroupFacilitator.user_id == actor.user_id)
        .join(Group, Group.id == GroupFacilitator.group_id)
        .where(Group.guild_id == actor.guild_id)
        .limit(1)
    )
    return found is not None


async def is_facilitator(session: AsyncSession, actor: Actor, group_id: int | None = None) -> bool:
    """Server admins, holders of the server's facilitator role, and (for one group) its own facilitators."""
    return await queries.is_facilitator(session, actor, group_id)


async def require_facilitator(session: AsyncSession, actor: Actor, group_ref: GroupRef | None = None) -> None:
    """NotAllowed with a clear message unless ``is_facilitator``."""
    row = await queries.get_group(session, actor.guild_id, group_ref.id) if group_ref else None
    await queries.require_facilitator(session, actor, row)


async def has_accepted_guidelines(session: AsyncSession, group_ref: GroupRef, user_id: int) -> bool:
    acceptance = await session.get(GuidelinesAcceptance, (group_ref.id, user_id))
    return acceptance is not None and acceptance.version >= group_ref.guidelines_version


async def require_active_member(session: AsyncSession, group_ref: GroupRef, user_id: int) -> None:
    """A member of an active group (NotAllowed/BadInput with a clear message otherwise)."""
    (await participation(session, group_ref.guild_id, group_ref.id, user_id)).require_member()


async def require_participant(session: AsyncSession, group_ref: GroupRef, user_id: int) -> None:
    """A member of an active group who accepted its current guidelines (GuidelinesNotAccepted otherwise)."""
    (await participation(session, group_ref.guild_id, group_ref.id, user_id)).require()


# --- visibility and autocomplete -------------------------------------------------------------------


async def group_names(session: AsyncSession, actor: Actor, current: str, scopes: tuple[str, ...]) -> list[str]:
    """Names for autocomplete in any of ``scopes`` ("mine", "join", "visible", "facilitate"), by the same
    visibility rules as /group: a private group is never suggested to someone who may not see it."""
    found: list[str] = []
    for scope in scopes or ("mine",):
        found.extend(n for n in await queries.group_names(session, actor, current, scope) if n not in found)
    return found[:25]


def timezone_suggestions(current: str) -> list[str]:
    return domain.timezone_suggestions(current)


# --- timezones and server settings ---------------------------------------------------------------


async def server_settings(session: AsyncSession, guild_id: int) -> ServerGroupSettings:
    config = await queries.guild_config(session, guild_id)
    return ServerGroupSettings(config.facilitator_role_id, config.timezone)


async def member_timezones(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    """Members' own timezones (only those who set one), in one query."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(MemberProfile.user_id, MemberProfile.timezone).where(MemberProfile.user_id.in_(wanted))
    )
    return {user_id: name for user_id, name in rows if name}


async def server_timezones(session: AsyncSession, guild_ids: Iterable[int]) -> dict[int, str]:
    """Servers' default timezones (only those /setup set), in one query."""
    wanted = set(guild_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(GuildConfig.guild_id, GuildConfig.timezone).where(GuildConfig.guild_id.in_(wanted))
    )
    return {guild_id: name for guild_id, name in rows if name}


async def member_timezone(
    session: AsyncSession, user_id: int, guild_id: int | None = None, default: str = "UTC"
) -> ZoneInfo:
    """The member's own timezone, else the server's default, else ``default``."""
    return await queries.member_timezone(session, user_id, guild_id, default)


async def set_member_timezone(session: AsyncSession, user_id: int, name: str) -> ZoneInfo:
    return await queries.set_member_timezone(session, user_id, name)


async def group_timezone(session: AsyncSession, group_ref: GroupRef, default: str = "UTC") -> ZoneInfo:
    if group_ref.timezone:
        return ZoneInfo(group_ref.timezone)
    config = await queries.guild_config(session, group_ref.guild_id)
    return ZoneInfo(config.timezone or default)
