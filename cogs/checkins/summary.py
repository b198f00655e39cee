"""Facilitators' summary of a group: aggregates only, hidden when drawn from too few members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select

from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.errors import BadInput
from cogs.checkins import domain
from cogs.checkins.domain import SHARED
from cogs.checkins.models import Checkin
from cogs.checkins.records import Summary
from cogs.groups import api as groups

SUMMARY_DAYS = (7, 30)


class CheckinSummaries:
    db: Database
    settings: CheckinSettings
    clock: Clock

    async def summary(self, actor: Actor, group_name: str | None, channel_id: int | None, days: int) -> Summary:
        if days not in SUMMARY_DAYS:
            raise BadInput("A summary covers the last 7 or 30 days: pick one of those.")
        now = self.clock.now()
        start = now - timedelta(days=days)
        middle = start + (now - start) / 2
        minimum = self.settings.min_aggregate_members
        async with self.db.read() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, group)
            members = await groups.member_ids(session, group.id)
            shared = and_(Checkin.group_id == group.id, Checkin.visibility.in_(SHARED))
            window = and_(shared, Checkin.created_at >= start, Checkin.created_at <= now)
            by_mood = (
                await session.execute(
                    select(Checkin.mood, func.count()).where(window).group_by(Checkin.mood).order_by(Checkin.mood)
                )
            ).all()
            checked_in = int(
                await session.scalar(select(func.count(func.distinct(Checkin.user_id))).where(window)) or 0
            )
            halves = []
            for part in (Checkin.created_at < middle, Checkin.created_at >= middle):
                row = (
                    await session.execute(
                        select(func.avg(Checkin.mood), func.count(func.distinct(Checkin.user_id))).where(window, part)
                    )
                ).one()
                halves.append((float(row[0]) if row[0] is not None else None, int(row[1])))
            quiet_days = self.settings.quiet_after_days
            recent = set(
                await session.scalars(
                    select(Checkin.user_id)
                    .distinct()
                    .where(shared, Checkin.created_at >= now - timedelta(days=quiet_days))
                )
            )
            quiet_ids = [m for m in members if m not in recent]
            last_seen: dict[int, datetime] = {}
            for chunk in _chunks(quiet_ids, 500):
                rows = await session.execute(
                    select(Checkin.user_id, func.max(Checkin.created_at))
                    .where(shared, Checkin.user_id.in_(chunk))
                    .group_by(Checkin.user_id)
                )
                for user_id, moment in rows:
                    last_seen[user_id] = _aware(moment)
        distribution = dict.fromkeys(domain.MOODS, 0)
        for mood, count in by_mood:
            distribution[int(mood)] = int(count)
        total = sum(distribution.values())
        hidden = checked_in < minimum
        if hidden:
            trend = "hidden"
        elif halves[0][1] < minimum or halves[1][1] < minimum:
            trend = f"not shown: each half of the period needs check-ins from at least {minimum} members"
        else:
            trend = domain.trend_word(halves[0][0], halves[1][0])
        average = sum(m * c for m, c in distribution.items()) / total if total and not hidden else None
        quiet = sorted(
            ((user_id, last_seen.get(user_id)) for user_id in quiet_ids),
            key=lambda item: (item[1] is not None, item[1] or now),
        )
        return Summary(
            group_name=group.name,
            days=days,
            member_count=len(members),
            checked_in=checked_in,
            checkin_count=total,
            hidden=hidden,
            min_members=minimum,
            distribution={} if hidden else distribution,
            average=average,
            trend=trend,
            quiet_days=quiet_days,
            quiet=quiet,
        )


def _chunks(items: Sequence[int], size: int) -> list[Sequence[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
