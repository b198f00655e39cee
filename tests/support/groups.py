"""Test setup for features that need a group: writes the rows /group create and /group join would.

Feature tests use this to arrange a group without going through /group commands, so each feature's
tests say only what they are about. The /group commands themselves are tested in tests/groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import simcord

from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, GuildConfig

if TYPE_CHECKING:
    from tests.conftest import Harness


@dataclass
class GroupFixture:
    group_id: int
    name: str
    channel: simcord.ChannelHandle
    role: simcord.RoleHandle


async def make_group(
    harness: Harness,
    guild: simcord.GuildHandle,
    name: str = "Caregivers",
    *,
    members: list[simcord.MemberActor] = (),  # type: ignore[assignment]
    facilitators: list[simcord.MemberActor] = (),  # type: ignore[assignment]
    accepted: bool = True,
    private: bool = False,
    channel: simcord.ChannelHandle | None = None,
    timezone: str | None = None,
) -> GroupFixture:
    """A group with a channel and role in SimCord and its rows in the bot's database.

    ``members`` join (and, with ``accepted``, accept the guidelines); ``facilitators`` become the
    group's own facilitators (they are members too).
    """
    channel = channel or guild.create_text_channel(name.lower().replace(" ", "-"))
    role = guild.create_role(f"Group {name}")
    now = harness.clock.now()
    everyone = list(members) + [f for f in facilitators if f not in members]
    async with harness.bot.db.write() as session:
        if await session.get(GuildConfig, guild.id) is None:
            session.add(GuildConfig(guild_id=guild.id))
        group = Group(
            guild_id=guild.id,
            name=name,
            name_key=name.casefold(),
            description="",
            private=private,
            role_id=role.id,
            channel_id=channel.id,
            owns_channel=False,
            guidelines="Be kind. What is shared here stays here.",
            guidelines_version=1,
            timezone=timezone,
            created_by=everyone[0].id if everyone else 0,
            created_at=now,
        )
        session.add(group)
        await session.flush()
        for member in everyone:
            session.add(GroupMember(group_id=group.id, user_id=member.id, joined_at=now))
            if accepted:
                session.add(GuidelinesAcceptance(group_id=group.id, user_id=member.id, version=1, accepted_at=now))
        for facilitator in facilitators:
            session.add(GroupFacilitator(group_id=group.id, user_id=facilitator.id, added_at=now))
        group_id = group.id
    return GroupFixture(group_id=group_id, name=name, channel=channel, role=role)
