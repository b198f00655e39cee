"""The one place tests arrange groups: through the groups service, as /facilitate group create and /group join do.

Feature tests use this to set up a group without going through the /group commands, so each feature's
tests say only what they are about, and the rows are the ones the real use cases write (a change to
how groups store things can't leave tests arranging a state the bot never makes). The /group commands
themselves are tested in tests/groups.

- ``seed_group(db, clock, ...)``: service level, no Discord (role and channel are just ids).
- ``make_group(harness, guild, ...)``: a SimCord channel and role, then ``seed_group`` on the bot's db.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import simcord

from bot.actor import Actor
from bot.clock import Clock
from bot.config import GroupSettings
from bot.db import Database
from bot.setup import SetupContext
from cogs.groups.service import GroupService
from tests.support.commands import allow_facilitators

if TYPE_CHECKING:
    from tests.conftest import Harness

GUIDELINES = "Be kind. What is shared here stays here."
# Creates the group when no facilitator is named, then steps down (an admin setting up for others).
SETUP_ADMIN = 1


@dataclass
class GroupFixture:
    group_id: int
    name: str
    channel: simcord.ChannelHandle
    role: simcord.RoleHandle


def member(guild_id: int, user_id: int, *, admin: bool = False) -> Actor:
    return Actor(guild_id=guild_id, user_id=user_id, role_ids=frozenset(), is_admin=admin)


async def seed_group(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    name: str = "Caregivers",
    members: Sequence[int] = (),
    facilitators: Sequence[int] = (),
    accepted: bool = True,
    private: bool = False,
    role_id: int | None = None,
    channel_id: int | None = None,
) -> int:
    """A group made by the groups service; ``members`` join (and accept the guidelines unless
    ``accepted=False``), ``facilitators`` become its own facilitators (and members). Returns its id."""
    service = GroupService(db, clock, GroupSettings(), GUIDELINES)
    creator = facilitators[0] if facilitators else SETUP_ADMIN
    admin = member(guild_id, creator, admin=True)
    plan = await service.create_plan(admin, name, private=private, channel_id=channel_id)
    group = await service.create(admin, plan, role_id=role_id, channel_id=channel_id, owns_channel=False)
    for user_id in facilitators[1:]:
        await service.add_facilitator(admin, group.id, user_id)
    everyone = list(dict.fromkeys([*members, *facilitators]))
    for user_id in everyone:
        if private:  # a private group: asked and approved, as a facilitator would
            request = await service.request_join(member(guild_id, user_id), group.id)
            await service.decide(admin, request.id, approve=True)
        else:
            await service.join(member(guild_id, user_id), group.id)
        if accepted:
            await service.accept_guidelines(member(guild_id, user_id), group.id, group.guidelines_version)
    if not facilitators:
        await service.remove_facilitator(admin, group.id, SETUP_ADMIN)
    return group.id


async def make_group(
    harness: Harness,
    guild: simcord.GuildHandle,
    name: str = "Caregivers",
    *,
    members: Sequence[simcord.MemberActor] = (),
    facilitators: Sequence[simcord.MemberActor] = (),
    accepted: bool = True,
    private: bool = False,
    channel: simcord.ChannelHandle | None = None,
    timezone: str | None = None,
) -> GroupFixture:
    """A group with a channel and role in SimCord and its rows in the bot's database.

    ``timezone`` is the server's (what an admin sets with ``/setup timezone:``): groups have no timezone
    of their own that any command sets."""
    if timezone is not None:
        admin = member(guild.id, SETUP_ADMIN, admin=True)
        context = SetupContext(actor=admin, is_owner=False, now=harness.clock.now())
        await harness.bot.setup_sections.apply(harness.bot.db, context, {"timezone": timezone})
    channel = channel or guild.create_text_channel(name.lower().replace(" ", "-"))
    role = guild.create_role(f"Group {name}")
    group_id = await seed_group(
        harness.bot.db,
        harness.clock,
        guild_id=guild.id,
        name=name,
        members=[m.id for m in members],
        facilitators=[f.id for f in facilitators],
        accepted=accepted,
        private=private,
        role_id=role.id,
        channel_id=channel.id,
    )
    if facilitators:  # as an admin would in Integrations, so they see /facilitate (bot/role_commands.py)
        allow_facilitators(harness.env, guild, *facilitators)
    return GroupFixture(group_id=group_id, name=name, channel=channel, role=role)
