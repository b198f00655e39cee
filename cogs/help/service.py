"""Where the person is and what they may use, read in one session."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actor import Actor
from bot.audience import Audience, AudienceRules
from bot.db import Database
from cogs.groups import api as groups
from cogs.help.domain import Place


@dataclass(frozen=True)
class Standing:
    place: Place | None
    audiences: frozenset[Audience]


async def standing(db: Database, rules: AudienceRules, actor: Actor, channel_id: int | None) -> Standing:
    async with db.read() as session:
        audiences = await rules.of(session, actor)
        found = await groups.group_by_channel(session, actor.guild_id, channel_id)
        if found is None or found.archived:
            return Standing(None, audiences)
        member = await groups.is_member(session, found.id, actor.user_id)
        if found.private and not member and Audience.FACILITATORS not in audiences:
            return Standing(None, audiences)  # a private group's name is not told to non-members
        return Standing(Place(found.name, member), audiences)
