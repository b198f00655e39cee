"""What groups' use cases return: plain dataclasses, and the messages for a role or channel gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cogs.groups.models import (
    Group,
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
        f"A facilitator can recreate it with `/facilitate group edit group:{group.name} recreate:True`."
    )


def channel_missing_message(group: GroupInfo | Group) -> str:
    return (
        f"**{group.name}**'s channel was deleted in Discord. A facilitator can make a new one with "
        f"`/facilitate group edit group:{group.name} recreate:True`, or pick an existing one with the `channel` option."
    )
