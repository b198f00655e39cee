"""/facilitate stats's use cases: a group's engagement (facilitators) and the server's (admins), by bot/aggregates.py.

Data comes from the features through their ``api`` modules, and only from features loaded here (the cog
passes their names as ``sources``). A week's figures are computed once, after it ended, stored, and shown
from the store ever after: by ``publish_due`` (a job a few times a day, so an ask only reads), or by the
first ask if that comes before the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot import aggregates
from bot.actor import Actor
from bot.aggregates import Contribution, Figures, Window
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, NotAllowed
from cogs.checkins import api as checkins
from cogs.groups import api as groups
from cogs.meetings import api as meetings
from cogs.rounds import api as rounds
from cogs.sharing import api as sharing
from cogs.stats import domain, texts
from cogs.stats.domain import (
    ATTENDANCE,
    CHECKINS,
    DEPARTED,
    JOINED,
    METRICS,
    POSTS,
    ROUNDS,
    GroupStats,
    ServerStats,
    Week,
)
from cogs.stats.models import PublishedStat


class StatsService:
    def __init__(self, db: Database, clock: Clock, *, minimum: int, default_timezone: str) -> None:
        self.db = db
        self.clock = clock
        self.minimum = max(minimum, aggregates.MINIMUM_CONTRIBUTORS)
        self.default_timezone = default_timezone

    async def group_stats(
        self, actor: Actor, group_name: str | None, channel_id: int | None, weeks: int, sources: frozenset[str]
    ) -> GroupStats:
        _check_weeks(weeks)
        now = self.clock.now()
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, group)
            zone = await groups.group_timezone(session, group, self.default_timezone)
            windows = aggregates.closed_windows(now, zone, weeks)
            series = await self._series(session, group.id, windows, now, sources)
        return GroupStats(group.name, zone, windows, series, self.minimum, _missing(sources))

    async def server_stats(self, actor: Actor, guild_name: str, weeks: int, sources: frozenset[str]) -> ServerStats:
        _check_weeks(weeks)
        if not actor.is_admin:
            raise NotAllowed(texts.server_is_for_admins())
        now = self.clock.now()
        async with self.db.write() as session:
            zone = (await groups.server_timezones(session, [actor.guild_id])).get(actor.guild_id)
            zone_info = groups.parse_timezone(zone or self.default_timezone)
            windows = aggregates.closed_windows(now, zone_info, weeks)
            mondays = [domain.monday(w, zone_info) for w in windows]
            everyone = await groups.groups_in_server(session, actor.guild_id)
            by_week: dict[str, list[list[Figures]]] = {m.key: [[] for _ in windows] for m in METRICS}
            for group in everyone:
                group_zone = await groups.group_timezone(session, group, self.default_timezone)
                # The group's own weeks for the same Mondays: the very copies its facilitators see.
                own = [aggregates.week_of(day, group_zone) for day in mondays]
                closed = [w for w in own if w.end <= now]
                series = await self._series(session, group.id, closed, now, sources)
                for key, weeks_of_group in series.items():
                    for week in weeks_of_group:
                        by_week[key][own.index(week.figures.window)].append(week.figures)
        combined = {
            key: [aggregates.combined(window, published) for window, published in zip(windows, lists, strict=True)]
            for key, lists in by_week.items()
            if key in _loaded_keys(sources)
        }
        return ServerStats(guild_name, zone_info, windows, combined, len(everyone), self.minimum, _missing(sources))

    # --- publishing ahead of the first ask ---------------------------------------------------------------

    async def publish_due(self, sources: frozenset[str]) -> int:
        """Publish every group's closed weeks (up to the longest view) nobody has asked for yet, so
        /facilitate stats reads
        stored copies instead of computing a year on a facilitator's first ask. A few weeks per transaction
        (the first run after an upgrade has a year per group to do), yielding in between, so interactions
        never wait long behind it. Weeks that ended before the group existed are left to an ask (they hold
        nothing). Returns how many groups had something new."""
        now = self.clock.now()
        async with self.db.read() as session:
            everyone = await groups.every_group(session)
        own = [m for m in OWN if m.source in sources]
        changed = 0
        for group in everyone:
            async with self.db.read() as session:
                zone = await groups.group_timezone(session, group, self.default_timezone)
                windows = [
                    w
                    for w in aggregates.closed_windows(now, zone, max(domain.WEEK_CHOICES))
                    if group.created_at is None or w.end > group.created_at
                ]
                stored = await self._stored(session, group.id, windows) if windows else {}
            due = [w for w in windows if any(w.start not in stored.get(m.key, {}) for m in own)]
            for start in range(0, len(due), PUBLISH_WEEKS_AT_ONCE):  # newest first: the most asked-for
                async with self.db.write() as session:
                    chunk = due[start : start + PUBLISH_WEEKS_AT_ONCE]
                    await self._publish_missing(session, group.id, chunk, now, sources)
                await asyncio.sleep(0)
            changed += bool(due)
            await asyncio.sleep(0)  # a thousand groups: let interactions in between them
        return changed

    # --- one group's weeks ------------------------------------------------------------------------------

    async def _publish_missing(
        self, session: AsyncSession, group_id: int, windows: list[Window], now: datetime, sources: frozenset[str]
    ) -> tuple[dict[str, dict[datetime, PublishedStat]], bool]:
        """Store the figures of any of ``windows`` not yet published (check-ins' through their api); returns
        what is stored for them (metric -> week start -> row) and whether anything was new."""
        if not windows:
            return {}, False
        new = False
        if CHECKINS.source in sources:
            await checkins.weekly_figures(session, group_id, windows, self.minimum, now)
        stored = await self._stored(session, group_id, windows)
        members: dict[int, datetime] | None = None
        for metric in OWN:
            if metric.source not in sources:
                continue
            missing = [w for w in windows if w.start not in stored.get(metric.key, {})]
            if missing:
                if members is None and metric is JOINED:
                    members = await groups.members_joined(session, group_id)
                await self._publish(session, group_id, metric.key, missing, members or {}, now)
                new = True
        if new:
            stored = await self._stored(session, group_id, windows)
        return stored, new

    async def _series(
        self, session: AsyncSession, group_id: int, windows: list[Window], now: datetime, sources: frozenset[str]
    ) -> dict[str, list[Week]]:
        out: dict[str, list[Week]] = {}
        if not windows:
            return {m.key: [] for m in METRICS if m.source in sources}
        stored, _new = await self._publish_missing(session, group_id, windows, now, sources)
        if CHECKINS.source in sources:
            published = await checkins.weekly_figures(session, group_id, windows, self.minimum, now)
            out[CHECKINS.key] = [Week(f) for f in published]
        size = len(await groups.members_joined(session, group_id)) if ATTENDANCE.source in sources else None
        for metric in OWN:
            if metric.source not in sources:
                continue
            rows = stored[metric.key]
            out[metric.key] = [
                Week(
                    Figures.from_json(w, rows[w.start].figures),
                    meetings=rows[w.start].meetings,
                    members=size if metric is ATTENDANCE else None,
                )
                for w in windows
            ]
        return out

    async def _stored(
        self, session: AsyncSession, group_id: int, windows: list[Window]
    ) -> dict[str, dict[datetime, PublishedStat]]:
        """Every metric's stored weeks of ``windows`` in one query: metric key -> week start -> row."""
        rows = await session.scalars(
            select(PublishedStat).where(
                PublishedStat.group_id == group_id,
                PublishedStat.week_start.in_([w.start for w in windows]),
            ),
            execution_options={"populate_existing": True},
        )
        out: dict[str, dict[datetime, PublishedStat]] = {}
        for row in rows:
            out.setdefault(row.metric, {})[row.week_start] = row
        return out

    async def _publish(
        self,
        session: AsyncSession,
        group_id: int,
        key: str,
        windows: list[Window],
        members: dict[int, datetime],
        now: datetime,
    ) -> None:
        """Compute and store the figures of weeks nobody has asked for yet (the first copy wins a race)."""
        start, end = min(w.start for w in windows), max(w.end for w in windows)
        contributions, meetings = await self._contributions(session, group_id, key, start, end, members)
        weekly = aggregates.by_window(windows, contributions)
        held_in: dict[Window, set[tuple[int, datetime]]] = {w: set() for w in windows}
        find = aggregates.window_finder(windows)
        for at, occurrence in meetings:
            found = find(at)
            if found is not None:
                held_in[found].add(occurrence)
        values = []
        for window in windows:
            figures = aggregates.figures(window, weekly[window], minimum=self.minimum, balance=key == ROUNDS.key)
            if key == ROUNDS.key:
                # Seconds per person would be in the histogram: keep only the totals and the balance.
                figures = Figures(window, figures.hidden, figures.contributors, figures.count, None, figures.balance)
            held = len(held_in[window]) if key == ATTENDANCE.key else None
            values.append(
                {
                    "group_id": group_id,
                    "metric": key,
                    "week_start": window.start,
                    "figures": figures.to_json(),
                    "meetings": held,
                    "published_at": now,
                }
            )
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(insert(PublishedStat).on_conflict_do_nothing(), values)

    async def _contributions(
        self,
        session: AsyncSession,
        group_id: int,
        key: str,
        start: datetime,
        end: datetime,
        members: dict[int, datetime],
    ) -> tuple[list[Contribution], list[tuple[datetime, tuple[int, datetime]]]]:
        """(who contributed when, for the rule) and, for attendance, the meetings held."""
        if key == ATTENDANCE.key:
            marks = await meetings.attendance_marks(session, [group_id], start, end)
            held = [(m.occurrence[1], m.occurrence) for m in marks]
            return [Contribution(m.user_id, m.occurrence[1], 1) for m in marks if m.attended], held
        if key == ROUNDS.key:
            times = await rounds.speaking_times(session, [group_id], start, end)
            return [Contribution(t.user_id, t.ended_at, max(0, round(t.seconds))) for t in times], []
        if key == POSTS.key:
            posts = await sharing.posts_between(session, [group_id], start, end)
            return [Contribution(p.author_key, p.created_at, 1) for p in posts], []
        if key == JOINED.key:
            return [Contribution(user, at, 1) for user, at in members.items() if start <= at < end], []
        if key == DEPARTED.key:
            # Groups counts departures without names: each one stands for a person of its own here, so the
            # rule still needs five of them in a week (a member leaving twice in one week counts twice).
            departures = [
                at for at, count in await groups.departures_between(session, group_id, start, end) for _ in range(count)
            ]
            return [Contribution(-index, at, 1) for index, at in enumerate(departures, start=1)], []
        raise ValueError(f"unknown metric {key!r}")


#: Figures /facilitate stats publishes and keeps itself (check-ins keep their own, shared with
#: /facilitate checkin summary).
OWN = domain.OWN_METRICS
#: Weeks the publishing job computes in one transaction: a 1,000-member group's four weeks of check-ins
#: are ~50 ms of work on the event loop, a year of them ~0.7 s.
PUBLISH_WEEKS_AT_ONCE = 4


def _check_weeks(weeks: int) -> None:
    if weeks not in domain.WEEK_CHOICES:
        raise BadInput(texts.choose_weeks())


def _loaded_keys(sources: Iterable[str]) -> set[str]:
    return {m.key for m in METRICS if m.source in sources}


def _missing(sources: frozenset[str]) -> tuple[str, ...]:
    return tuple(m.key for m in METRICS if m.source not in sources)
