"""Facilitators' summary of a group: whole closed weeks only, by the one rule in bot/aggregates.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot import aggregates
from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.errors import BadInput
from cogs.checkins import domain, texts
from cogs.checkins.domain import SHARED
from cogs.checkins.models import Checkin, PublishedWeek
from cogs.checkins.records import Summary
from cogs.groups import api as groups

#: The `days` option: 7 shows the last whole week, 30 the last four whole weeks (each on its own).
SUMMARY_DAYS = {7: 1, 30: 4}


class CheckinSummaries:
    db: Database
    settings: CheckinSettings
    clock: Clock
    default_timezone: str

    async def summary(self, actor: Actor, group_name: str | None, channel_id: int | None, days: int) -> Summary:
        if days not in SUMMARY_DAYS:
            raise BadInput(texts.bad_summary_days())
        now = self.clock.now()
        minimum = max(self.settings.min_aggregate_members, aggregates.MINIMUM_CONTRIBUTORS)
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, group)
            zone = await groups.group_timezone(session, group, self.default_timezone)
            # One more week than shown, so the newest shown week has a trend to compare with.
            windows = aggregates.closed_windows(now, zone, SUMMARY_DAYS[days] + 1)
            weeks = await published_weeks(session, group.id, windows, minimum, now)
            newest = windows[0]
            contributions = await _contributions(session, group.id, newest)
            quiet = aggregates.quiet_members(newest, await groups.members_joined(session, group.id), contributions)
        trend = None
        if not weeks[0].hidden and not weeks[1].hidden:
            trend = domain.trend_word(weeks[1].average, weeks[0].average)
        return Summary(
            group_name=group.name,
            weeks=weeks[:-1],
            min_members=minimum,
            trend=trend,
            quiet=quiet,
            timezone=zone.key,
        )


async def published_weeks(
    session: AsyncSession, group_id: int, windows: list[aggregates.Window], minimum: int, now: datetime
) -> list[aggregates.Figures]:
    """The weeks' figures as first published; those never asked for are computed and stored now (also read
    by /facilitate stats, through cogs/checkins/api.py, so both views show the same frozen copy). A few queries
    whatever the number of weeks: a year of them is one ask of /facilitate stats."""
    starts = [w.start for w in windows]
    stored = await _stored(session, group_id, starts)
    missing = [w for w in windows if w.start not in stored]
    if missing:
        span = aggregates.Window(min(w.start for w in missing), max(w.end for w in missing))
        weekly = aggregates.by_window(missing, await _contributions(session, group_id, span))
        values = [
            {
                "group_id": group_id,
                "week_start": window.start,
                "figures": aggregates.figures(window, weekly[window], minimum=minimum).to_json(),
                "published_at": now,
            }
            for window in missing
        ]
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        # Two facilitators asking at once: the first stored copy wins, and both are shown it.
        await session.execute(insert(PublishedWeek).on_conflict_do_nothing(), values)
        stored = await _stored(session, group_id, starts)
    return [aggregates.Figures.from_json(w, stored[w.start]) for w in windows]


async def _stored(session: AsyncSession, group_id: int, starts: list[datetime]) -> dict[datetime, str]:
    rows = await session.execute(
        select(PublishedWeek.week_start, PublishedWeek.figures).where(
            PublishedWeek.group_id == group_id, PublishedWeek.week_start.in_(starts)
        )
    )
    return {start: figures for start, figures in rows}  # noqa: C416 (a Result is not a mapping)


async def _contributions(
    session: AsyncSession, group_id: int, window: aggregates.Window
) -> list[aggregates.Contribution]:
    rows = await session.execute(
        select(Checkin.user_id, Checkin.created_at, Checkin.mood).where(
            and_(
                Checkin.group_id == group_id,
                Checkin.visibility.in_(SHARED),
                Checkin.created_at >= window.start,
                Checkin.created_at < window.end,
            )
        )
    )
    return [aggregates.Contribution(user_id, at, int(mood)) for user_id, at, mood in rows]
