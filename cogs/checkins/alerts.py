"""Low-mood alerts, the member's own opt-in: their choices, and deciding at submit time to alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, Conflict
from cogs.checkins import domain, texts
from cogs.checkins.models import Checkin, CheckinAlert
from cogs.checkins.queries import facilitator_ids
from cogs.checkins.records import AlertInfo, LowAlert
from cogs.groups import api as groups
from cogs.groups.api import GroupRef

LOW_THRESHOLDS = range(1, 4)
LOW_RUNS = range(2, 15)


class CheckinAlerts:
    db: Database
    clock: Clock

    async def set_alert(
        self, actor: Actor, group_name: str | None, channel_id: int | None, threshold: int, consecutive: int
    ) -> AlertInfo:
        if threshold not in LOW_THRESHOLDS:
            raise BadInput(texts.bad_threshold())
        if consecutive not in LOW_RUNS:
            raise BadInput(texts.bad_run(LOW_RUNS.start, LOW_RUNS.stop - 1))
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_participant(session, group, actor.user_id)
            facilitators = await facilitator_ids(session, group.id)
            if not facilitators:
                raise Conflict(texts.no_facilitators(group.name))
            choice = await session.get(CheckinAlert, (group.id, actor.user_id), with_for_update=True)
            if choice is None:
                choice = CheckinAlert(group_id=group.id, user_id=actor.user_id, created_at=self.clock.now())
                session.add(choice)
            choice.threshold, choice.consecutive = threshold, consecutive
            return AlertInfo(group.id, group.name, threshold, consecutive, len(facilitators))

    async def alerts_of(self, actor: Actor) -> list[AlertInfo]:
        async with self.db.read() as session:
            choices = list(await session.scalars(select(CheckinAlert).where(CheckinAlert.user_id == actor.user_id)))
            found = await groups.groups_by_ids(session, {c.group_id for c in choices})
            named = [
                (c, found[c.group_id].name)
                for c in choices
                if found.get(c.group_id, None) and found[c.group_id].guild_id == actor.guild_id
            ]
            result = []
            for choice, name in sorted(named, key=lambda pair: pair[1].casefold()):
                count = len(await facilitator_ids(session, choice.group_id))
                result.append(AlertInfo(choice.group_id, name, choice.threshold, choice.consecutive, count))
            return result

    async def remove_alerts(self, actor: Actor, group_name: str | None) -> list[str]:
        async with self.db.write() as session:
            query = select(CheckinAlert).where(CheckinAlert.user_id == actor.user_id)
            if group_name:
                group = await groups.group_by_name(session, actor, group_name)
                query = query.where(CheckinAlert.group_id == group.id)
            choices = list(await session.scalars(query))
            found = await groups.groups_by_ids(session, {c.group_id for c in choices})
            rows = [
                (c, found[c.group_id].name)
                for c in choices
                if c.group_id in found and found[c.group_id].guild_id == actor.guild_id
            ]
            for choice, _name in rows:
                await session.delete(choice)
            return sorted(name for _choice, name in rows)


async def low_alert(
    session: AsyncSession, group: GroupRef, checkin: Checkin, choice: CheckinAlert | None, now: datetime
) -> LowAlert | None:
    if choice is None:
        return None
    moods = list(
        await session.scalars(
            select(Checkin.mood)
            # Up to this check-in: a later one of the same batch is not yet "written" for it.
            .where(Checkin.group_id == group.id, Checkin.user_id == checkin.user_id, Checkin.id <= checkin.id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(choice.consecutive + 1)
        )
    )
    if not domain.should_alert(moods, choice.threshold, choice.consecutive):
        return None
    facilitators = await facilitator_ids(session, group.id)
    choice.last_alerted_at = now
    return LowAlert(checkin.user_id, group.name, facilitators, choice.consecutive, choice.threshold)


async def alert_choices(session: AsyncSession, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], CheckinAlert]:
    """The members' own low-mood alert choices for these (group, member) pairs, in one query."""
    rows = await session.scalars(
        select(CheckinAlert).where(
            CheckinAlert.group_id.in_({g for g, _ in pairs}), CheckinAlert.user_id.in_({u for _, u in pairs})
        )
    )
    return {(choice.group_id, choice.user_id): choice for choice in rows}
