"""Questions every feature asks about groups, inside the caller's transaction.

Features (check-ins, rounds, meetings, sharing) call these with their own session, so one use case
stays one transaction. Permission answers are decided here, on the server side, from ids the cog
passes in (never from what a client claims).
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.errors import BadInput, HearthError, NotAllowed, NotFound
from bot.text import shorten
from cogs.groups import domain, refusals
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, GuildConfig, MemberProfile


class GroupLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


class GuidelinesNotAccepted(HearthError):
    """The member must accept the group's current guidelines first; cogs answer with the Accept prompt."""

    def __init__(self, group: Group | GroupLike) -> None:
        super().__init__(refusals.guidelines_first(group.name))
        self.group_id = group.id


async def guild_config(session: AsyncSession, guild_id: int) -> GuildConfig:
    """The server's settings; an unsaved default row when /setup never ran."""
    config = await session.get(GuildConfig, guild_id)
    if config is None:
        config = GuildConfig(guild_id=guild_id)
    return config


async def get_group(session: AsyncSession, guild_id: int, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    if group is None or group.guild_id != guild_id:
        raise NotFound(refusals.group_gone())
    return group


def no_such_group(name: str) -> NotFound:
    """The one answer for a name that names no group the asker may see (missing, or private to others)."""
    return NotFound(refusals.no_such_group(name.strip()[:100]))


async def group_by_name(session: AsyncSession, guild_id: int, name: str) -> Group:
    """Any group by name, private or not: only for callers that then apply ``may_see``."""
    group = await session.scalar(
        select(Group).where(Group.guild_id == guild_id, Group.name_key == domain.name_key(name))
    )
    if group is None:
        raise no_such_group(name)
    return group


async def may_see(session: AsyncSession, actor: Actor, group: Group) -> bool:
    """Private groups exist only for their members and facilitators (and server facilitators, admins)."""
    if not group.private:
        return True
    if await is_member(session, group.id, actor.user_id):
        return True
    return await is_facilitator(session, actor, group.id)


async def visible_group_by_name(session: AsyncSession, actor: Actor, name: str) -> Group:
    """The group called ``name`` if the actor may see it; otherwise exactly the answer for a missing name,
    so a non-member learns neither that a private group exists nor how its name is spelled."""
    group = await group_by_name(session, actor.guild_id, name)
    if not await may_see(session, actor, group):
        raise no_such_group(name)
    return group


async def group_for_channel(session: AsyncSession, guild_id: int, channel_id: int | None) -> Group | None:
    if channel_id is None:
        return None
    return await session.scalar(select(Group).where(Group.guild_id == guild_id, Group.channel_id == channel_id))


async def is_member(session: AsyncSession, group_id: int, user_id: int) -> bool:
    return await session.get(GroupMember, (group_id, user_id)) is not None


async def member_ids(session: AsyncSession, group_id: int) -> list[int]:
    rows = await session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group_id))
    return list(rows)


async def groups_of(session: AsyncSession, guild_id: int, user_id: int) -> list[Group]:
    rows = await session.scalars(
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(Group.guild_id == guild_id, GroupMember.user_id == user_id, Group.archived_at.is_(None))
        .order_by(Group.name_key)
    )
    return list(rows)


async def resolve_group(session: AsyncSession, actor: Actor, name: str | None, channel_id: int | None) -> Group:
    """The group a member means: the one named, else the one whose channel this is, else their only group."""
    if name:
        return await visible_group_by_name(session, actor, name)
    here = await group_for_channel(session, actor.guild_id, channel_id)
    if here is not None and await may_see(session, actor, here):
        return here
    mine = await groups_of(session, actor.guild_id, actor.user_id)
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise BadInput(refusals.in_no_group())
    raise BadInput(refusals.in_several_groups())


async def is_facilitator(session: AsyncSession, actor: Actor, group_id: int | None = None) -> bool:
    """Server admins, holders of the server's facilitator role, and (for one group) its own facilitators."""
    if actor.is_admin:
        return True
    config = await guild_config(session, actor.guild_id)
    if config.facilitator_role_id is not None and config.facilitator_role_id in actor.role_ids:
        return True
    if group_id is None:
        return False
    return await session.get(GroupFacilitator, (group_id, actor.user_id)) is not None


async def require_facilitator(session: AsyncSession, actor: Actor, group: Group | None = None) -> None:
    if not await is_facilitator(session, actor, group.id if group else None):
        raise NotAllowed(refusals.facilitators_only(group.name if group else None))


async def require_active_member(session: AsyncSession, group: Group, user_id: int) -> None:
    if group.archived_at is not None:
        raise BadInput(refusals.archived_no_activity(group.name))
    if not await is_member(session, group.id, user_id):
        raise NotAllowed(refusals.not_a_member(group.name))


async def has_accepted_guidelines(session: AsyncSession, group: Group, user_id: int) -> bool:
    acceptance = await session.get(GuidelinesAcceptance, (group.id, user_id))
    return acceptance is not None and acceptance.version >= group.guidelines_version


async def require_participant(session: AsyncSession, group: Group, user_id: int) -> None:
    """A member of an active group who accepted its current guidelines (check-in, share, turn, RSVP)."""
    await require_active_member(session, group, user_id)
    if not await has_accepted_guidelines(session, group, user_id):
        raise GuidelinesNotAccepted(group)


def parse_timezone(name: str) -> ZoneInfo:
    # IANA names are short; a very long one makes ZoneInfo raise OSError (file name too long).
    try:
        if len(name.strip()) > 64:
            raise ValueError(name)
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadInput(refusals.unknown_timezone(shorten(name, 40))) from None


async def group_timezone(session: AsyncSession, group: Group, default: str = "UTC") -> ZoneInfo:
    if group.timezone:
        return ZoneInfo(group.timezone)
    config = await guild_config(session, group.guild_id)
    return ZoneInfo(config.timezone or default)


async def member_timezone(
    session: AsyncSession, user_id: int, guild_id: int | None = None, default: str = "UTC"
) -> ZoneInfo:
    """The member's own timezone, else the server's default, else ``default``."""
    profile = await session.get(MemberProfile, user_id)
    if profile is not None and profile.timezone:
        return ZoneInfo(profile.timezone)
    if guild_id is not None:
        config = await guild_config(session, guild_id)
        if config.timezone:
            return ZoneInfo(config.timezone)
    return ZoneInfo(default)


async def set_member_timezone(session: AsyncSession, user_id: int, name: str) -> ZoneInfo:
    zone = parse_timezone(name)
    profile = await session.get(MemberProfile, user_id)
    if profile is None:
        session.add(MemberProfile(user_id=user_id, timezone=zone.key))
    else:
        profile.timezone = zone.key
    return zone


async def count_groups(session: AsyncSession, guild_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(Group).where(Group.guild_id == guild_id)) or 0)


async def group_names(session: AsyncSession, actor: Actor, typed: str, scope: str) -> list[str]:
    """Autocomplete: ``join`` (groups one may join), ``mine`` (joined), ``visible``, ``facilitate``.

    The same visibility rules as ``/group list``: a private group is never suggested to someone who may
    not see it, an archived one only to its members and facilitators.
    """
    groups = list(await session.scalars(select(Group).where(Group.guild_id == actor.guild_id).order_by(Group.name_key)))
    mine = set(
        await session.scalars(
            select(GroupMember.group_id)
            .join(Group, Group.id == GroupMember.group_id)
            .where(Group.guild_id == actor.guild_id, GroupMember.user_id == actor.user_id)
        )
    )
    facilitating = set(
        await session.scalars(select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == actor.user_id))
    )
    server_facilitator = await is_facilitator(session, actor)
    typed_key = typed.strip().casefold()
    chosen: list[str] = []
    for group in groups:
        facilitator = server_facilitator or group.id in facilitating
        joined = group.id in mine
        if not domain.may_see(group.private, member=joined, facilitator=facilitator):
            continue
        archived = group.archived_at is not None
        if archived and not facilitator and not joined:
            continue
        if scope == "join" and (joined or archived):
            continue
        if scope == "mine" and not joined:
            continue
        if scope == "facilitate" and not facilitator:
            continue
        if typed_key in group.name.casefold():
            chosen.append(group.name)
    return chosen[:25]
