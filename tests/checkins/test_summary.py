"""Facilitators' summary: only closed, fixed weeks, each from ≥ 5 people, frozen once published.

The enumeration test plays a seeded group over weeks of check-ins, edits, deletions, an erasure and a late
joiner, asks for every summary a facilitator can ask for every few hours, and checks that no two published
results could be subtracted to single anyone out. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update

from bot import aggregates
from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings, GroupSettings
from bot.db import Database
from bot.errors import BadInput, NotAllowed
from cogs.checkins.models import Checkin
from cogs.checkins.service import CheckinService
from cogs.groups.models import GroupMember
from cogs.groups.service import GroupService
from tests.support.groups import GUIDELINES, member, seed_group

GUILD = 10
ZONE = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 1, 5, 0, 0, tzinfo=ZONE).astimezone(UTC)  # a Monday, midnight in Berlin
LEAD = 999
LATE = 77  # joins in the middle of week 3


class FakeTime:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def actor(user_id: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=False)


async def arrange(db: Database, members: int) -> int:
    """A group made through the groups service the day before MONDAY: ``members`` members and the
    facilitator LEAD, all accepted."""
    return await seed_group(
        db, Clock(FakeTime(MONDAY - timedelta(days=1))), guild_id=GUILD, name="Grief",
        members=range(1, members + 1), facilitators=[LEAD], channel_id=55,
    )  # fmt: skip


async def add_checkin(db: Database, group_id: int, user_id: int, mood: int, at: datetime, seen: str) -> None:
    async with db.write() as session:
        session.add(
            Checkin(
                guild_id=GUILD, group_id=group_id, user_id=user_id, mood=mood, note=None, visibility=seen, created_at=at
            )
        )


def service(db: Database, clock: FakeTime) -> CheckinService:
    return CheckinService(db, CheckinSettings(), Clock(clock), retention_days=365, default_timezone=ZONE.key)


async def test_every_request_over_time_publishes_nothing_that_isolates_one_member(db: Database) -> None:
    rng = random.Random(12)
    clock = FakeTime(MONDAY)
    checkins = service(db, clock)
    group_id = await arrange(db, members=8)
    people = list(range(1, 9))
    published: dict[datetime, list[tuple[datetime, aggregates.Figures]]] = {}
    quiet_seen: list[tuple[datetime, list[int]]] = []
    end = MONDAY + timedelta(weeks=7)
    step = timedelta(hours=9)  # not a divisor of a day: requests land at every hour of the week over time
    while clock.now < end:
        # Activity in the last step: some members check in, mostly shared, some only for themselves.
        for user_id in people:
            if rng.random() < 0.12:
                seen = rng.choice(["group", "facilitators", "facilitators", "me"])
                await add_checkin(db, group_id, user_id, rng.randint(1, 5), clock.now - step / 2, seen)
        # After a week has closed, members edit and delete old check-ins (allowed or not, the figures hold).
        if rng.random() < 0.3:
            async with db.write() as session:
                old = (
                    await session.scalars(select(Checkin.id).where(Checkin.created_at < clock.now - timedelta(days=8)))
                ).all()
                if old:
                    victim = rng.choice(old)
                    if rng.random() < 0.5:
                        await session.execute(update(Checkin).where(Checkin.id == victim).values(mood=1))
                    else:
                        await session.execute(delete(Checkin).where(Checkin.id == victim))
        if clock.now >= MONDAY + timedelta(weeks=2, days=1) and LATE not in people:
            await GroupService(db, Clock(clock), GroupSettings(), GUIDELINES).join(member(GUILD, LATE), group_id)
            people.append(LATE)
        if clock.now >= MONDAY + timedelta(weeks=4, days=2) and 3 in people:  # member 3 erases everything
            async with db.write() as session:
                await session.execute(delete(Checkin).where(Checkin.user_id == 3))
                await session.execute(delete(GroupMember).where(GroupMember.user_id == 3))
            people.remove(3)
        for days in (7, 30):
            summary = await checkins.summary(actor(LEAD), "Grief", None, days)
            for week in summary.weeks:
                assert week.window.end <= clock.now, "only closed windows are published"
                published.setdefault(week.window.start, []).append((clock.now, week))
            quiet_seen.append((summary.weeks[0].window.start, summary.quiet))
        clock.now += step

    results = [(start, figures) for start, seen in published.items() for _, figures in seen]
    assert len(published) >= 6 and any(not f.hidden for _, f in results) and any(f.hidden for _, f in results)
    for start, first in results:
        for other_start, other in results:
            a, b = first.window, other.window
            overlap = a.start < b.end and b.start < a.end
            if not overlap:
                continue
            # Overlapping published results are the very same window with the very same figures, so no two
            # differ by one contributor (or by anything).
            assert (a, first) == (b, other), f"windows {start} and {other_start} overlap with different figures"
    for _, figures in results:
        if not figures.hidden:
            assert figures.contributors is not None and figures.contributors >= aggregates.MINIMUM_CONTRIBUTORS
        else:
            assert figures.contributors is None and figures.values is None
    for window_start, quiet in quiet_seen:
        if window_start < MONDAY + timedelta(weeks=2, days=1):
            assert LATE not in quiet, "a member who joined after the window began is not 'gone quiet'"
        if window_start >= MONDAY:  # everyone joined the day before: the week before that lists nobody
            assert LEAD in quiet  # the facilitator never checks in: listed, as any member would be
        else:
            assert quiet == []


async def test_a_week_is_shown_whole_closed_and_counted_from_shared_checkins_only(db: Database) -> None:
    clock = FakeTime(MONDAY + timedelta(days=3))
    checkins = service(db, clock)
    group_id = await arrange(db, members=7)
    for user_id in range(1, 6):
        await add_checkin(db, group_id, user_id, user_id, MONDAY + timedelta(days=1), "facilitators")
    await add_checkin(db, group_id, 6, 1, MONDAY + timedelta(days=1), "me")

    during = await checkins.summary(actor(LEAD), None, 55, 7)
    assert all(week.window.end <= clock.now for week in during.weeks)  # this week is not finished: not shown
    assert during.weeks[0].hidden

    clock.now = MONDAY + timedelta(days=8)
    after = await checkins.summary(actor(LEAD), None, 55, 7)
    (week,) = after.weeks
    assert week.window.start == MONDAY
    assert (week.contributors, week.count) == (5, 5)
    assert week.values == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert week.average == pytest.approx(3.0)
    assert set(after.quiet) == {6, 7, LEAD}

    with pytest.raises(NotAllowed):
        await checkins.summary(actor(1), None, 55, 7)
    with pytest.raises(BadInput):
        await checkins.summary(actor(LEAD), None, 55, 14)


async def test_four_members_are_never_shown_and_a_week_once_shown_never_changes(db: Database) -> None:
    clock = FakeTime(MONDAY + timedelta(days=8))
    checkins = service(db, clock)
    group_id = await arrange(db, members=6)
    for user_id in range(1, 5):
        await add_checkin(db, group_id, user_id, 2, MONDAY + timedelta(days=2), "group")
    hidden = (await checkins.summary(actor(LEAD), None, 55, 30)).weeks[0]
    assert hidden.hidden and hidden.values is None and hidden.contributors is None

    clock.now = MONDAY + timedelta(days=15)
    for user_id in range(1, 6):
        await add_checkin(db, group_id, user_id, 4, MONDAY + timedelta(days=9), "group")
    shown = (await checkins.summary(actor(LEAD), None, 55, 7)).weeks[0]
    async with db.write() as session:  # an edit and an erasure after the week closed
        await session.execute(delete(Checkin).where(Checkin.user_id == 5))
        await session.execute(update(Checkin).where(Checkin.user_id == 1).values(mood=1))
    again = (await checkins.summary(actor(LEAD), None, 55, 7)).weeks[0]
    assert shown == again and shown.contributors == 5 and shown.values == {4: 5}
