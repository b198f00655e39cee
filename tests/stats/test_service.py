"""/facilitate stats's figures against a seeded history, and the enumeration of every query a facilitator or admin can
make: no two results differ by one person. Runs on SQLite and PostgreSQL.

History rows are written directly: meetings' attendance and finished rounds come from voice channels and
timers that only a long SimCord story could produce, and these tests are about what /facilitate stats makes of them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert

from bot import aggregates
from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, NotAllowed
from cogs.checkins.models import Checkin
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuildConfig
from cogs.meetings.models import Attendance, Meeting
from cogs.rounds.models import Round, RoundEntry
from cogs.sharing.models import AnonymousPost
from cogs.stats.domain import WEEK_CHOICES
from cogs.stats.service import StatsService

GUILD = 10
ZONE = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 1, 5, 0, 0, tzinfo=ZONE).astimezone(UTC)  # a Monday, midnight in Berlin
LEAD = 999
ADMIN = 1000
EVERYTHING = frozenset({"groups", "checkins", "meetings", "rounds", "sharing"})


class FakeTime:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def actor(user_id: int, *, admin: bool = False) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=admin)


def stats(db: Database, clock: FakeTime) -> StatsService:
    return StatsService(db, Clock(clock), minimum=5, default_timezone="UTC")


@dataclass
class History:
    """What was seeded, per (group, metric, week index): the records and the people behind each."""

    records: dict[tuple[int, str, int], list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, group_id: int, metric: str, week: int, record: str, person: int) -> None:
        self.records[(group_id, metric, week)].append((record, person))


async def make_group(
    db: Database, name: str, members: list[int], *, zone: ZoneInfo = ZONE, joined_week: int = -1
) -> int:
    async with db.write() as session:
        if await session.get(GuildConfig, GUILD) is None:
            session.add(GuildConfig(guild_id=GUILD, timezone="Europe/Berlin"))
        group = Group(
            guild_id=GUILD, name=name, name_key=name.casefold(), description="", private=False, owns_channel=False,
            guidelines="", guidelines_version=1, created_by=LEAD, created_at=MONDAY - timedelta(days=30),
            channel_id=hash(name) % 10_000 + 1, timezone=zone.key,
        )  # fmt: skip
        session.add(group)
        await session.flush()
        joined = MONDAY + timedelta(weeks=joined_week, hours=3)
        for user_id in [*members, LEAD]:
            session.add(GroupMember(group_id=group.id, user_id=user_id, joined_at=joined))
        session.add(GroupFacilitator(group_id=group.id, user_id=LEAD, added_at=joined))
        return group.id


def at(week: int, hours: float) -> datetime:
    return MONDAY + timedelta(weeks=week, hours=hours)


async def seed_week(db: Database, history: History, group_id: int, week: int, people: list[int], serial: int) -> None:
    """Everyone in ``people`` checks in, attends the week's meeting, speaks in a round and posts once."""
    async with db.write() as session:
        await session.execute(
            insert(Checkin),
            [
                {"guild_id": GUILD, "group_id": group_id, "user_id": p, "mood": 1 + p % 5, "note": "words",
                 "visibility": "facilitators", "created_at": at(week, 10 + i)}
                for i, p in enumerate(people)
            ],
        )  # fmt: skip
        meeting = Meeting(
            guild_id=GUILD, group_id=group_id, title="Weekly", timezone=ZONE.key, start_local="2026-01-01T19:00:00",
            duration_minutes=60, reminder_offsets="", created_by=LEAD, created_at=MONDAY,
        )  # fmt: skip
        session.add(meeting)
        round_row = Round(
            guild_id=GUILD, group_id=group_id, channel_id=1, topic="t", turn_seconds=120, order="signup",
            status="ended", started_at=at(week, 30), ended_at=at(week, 31),
        )  # fmt: skip
        session.add(round_row)
        await session.flush()
        occurrence = at(week, 42)
        for i, p in enumerate(people):
            came = i != 0  # the first person joined the voice channel but left early
            session.add(
                Attendance(meeting_id=meeting.id, occurrence_at=occurrence, user_id=p, seconds=3000, attended=came)
            )
            seconds = 300.0 if i == 1 else 60.0
            session.add(RoundEntry(round_id=round_row.id, user_id=p, place="done", seconds=seconds, shared=1))
            session.add(
                AnonymousPost(
                    code=f"C{serial}W{week}P{p}", guild_id=GUILD, group_id=group_id, pseudonym=f"pseudo-{group_id}-{p}",
                    server_hash=f"s{p}", content="words", status="posted", created_at=at(week, 50 + i),
                )
            )  # fmt: skip
            history.add(group_id, "checkins", week, f"c{group_id}.{week}.{p}", p)
            if came:
                history.add(group_id, "attendance", week, f"a{group_id}.{week}.{p}", p)
            history.add(group_id, "rounds", week, f"r{group_id}.{week}.{p}", p)
            history.add(group_id, "posts", week, f"p{group_id}.{week}.{p}", p)


async def test_figures_match_a_seeded_history_and_stay_frozen(db: Database) -> None:
    clock = FakeTime(at(0, 1))
    service = stats(db, clock)
    people = list(range(1, 9))
    group_id = await make_group(db, "Grief", people, joined_week=0)
    await seed_week(db, History(), group_id, 0, people[:6], serial=1)  # 6 people, 5 of whom attended
    await seed_week(db, History(), group_id, 1, people[:4], serial=2)  # 4 people: every figure hidden
    clock.now = at(2, 1)

    result = await service.group_stats(actor(LEAD), "Grief", None, 4, EVERYTHING)

    newest_first = result.series
    week0, week1 = 1, 0  # index in newest-first order
    checkins = newest_first["checkins"][week0].figures
    assert (checkins.count, checkins.contributors) == (6, 6)
    attendance = newest_first["attendance"][week0]
    assert (attendance.figures.count, attendance.meetings) == (5, 1)
    assert attendance.rate == pytest.approx(5 / 9)  # 5 of the 9 members (8 + the facilitator)
    rounds = newest_first["rounds"][week0].figures
    assert (rounds.count, rounds.contributors, rounds.values) == (6, 6, None)  # no per-person seconds kept
    # One voice took 300 s and five took 60 s: mean absolute difference 2,400 / (2 · 6² · 100 s mean) = 1/3.
    assert rounds.balance == pytest.approx(1 / 3, abs=0.001)
    posts = newest_first["posts"][week0].figures
    assert (posts.count, posts.contributors) == (6, 6)
    joined = newest_first["joined"][week0].figures
    assert (joined.count, joined.contributors) == (9, 9)
    assert all(weeks[week1].hidden for weeks in newest_first.values())
    assert all(weeks[3].hidden and weeks[2].hidden for weeks in newest_first.values())  # before the group

    # Later edits and erasures change nothing anyone has seen.
    async with db.write() as session:
        await session.execute(delete(RoundEntry).where(RoundEntry.user_id == 1))
        await session.execute(delete(Attendance).where(Attendance.user_id == 2))
        await session.execute(delete(AnonymousPost).where(AnonymousPost.pseudonym == f"pseudo-{group_id}-3"))
        await session.execute(delete(GroupMember).where(GroupMember.user_id == 4))
        await session.execute(delete(Checkin).where(Checkin.user_id == 5))
    again = await service.group_stats(actor(LEAD), "Grief", None, 12, EVERYTHING)
    for key, weeks in again.series.items():
        assert weeks[1].figures == result.series[key][1].figures, key


async def test_only_loaded_features_are_read_and_the_rest_is_named(db: Database) -> None:
    clock = FakeTime(at(3, 0))
    await make_group(db, "Grief", list(range(1, 9)))
    result = await stats(db, clock).group_stats(actor(LEAD), "Grief", None, 4, frozenset({"groups", "checkins"}))
    assert set(result.series) == {"checkins", "joined", "departed"}
    assert result.missing == ("attendance", "rounds", "posts")


async def test_members_are_refused_facilitators_cannot_see_the_server_and_weeks_are_checked(db: Database) -> None:
    clock = FakeTime(at(3, 0))
    service = stats(db, clock)
    await make_group(db, "Grief", list(range(1, 9)))
    with pytest.raises(NotAllowed):
        await service.group_stats(actor(1), "Grief", None, 4, EVERYTHING)
    with pytest.raises(NotAllowed):
        await service.server_stats(actor(LEAD), "Server", 4, EVERYTHING)
    with pytest.raises(BadInput):
        await service.group_stats(actor(LEAD), "Grief", None, 5, EVERYTHING)


async def test_every_query_anyone_can_make_shows_no_two_results_that_differ_by_one_person(db: Database) -> None:
    """Groups of 3 to 8 people (overlapping, one in another timezone) take part week after week with
    people dropping in and out; then every facilitator view and the server view, for every weeks choice,
    is asked at several moments. Each shown result is traced back to the seeded records behind it, and no
    two results of a metric may nest with one to four people between them."""
    rng = random.Random(18)
    history = History()
    clock = FakeTime(at(0, 1))
    service = stats(db, clock)
    sizes = {"Three": 3, "Five": 5, "Six": 6, "Seven": 7, "Eight": 8}
    groups: dict[str, tuple[int, list[int]]] = {}
    for index, (name, size) in enumerate(sizes.items()):
        people = [100 * index + p for p in range(1, size + 1)] + ([1, 2] if name == "Eight" else [])  # overlap
        zone = ZoneInfo("America/New_York") if name == "Seven" else ZONE
        groups[name] = (await make_group(db, name, people, zone=zone, joined_week=-1), people)
    zones = {
        group_id: ZoneInfo("America/New_York") if name == "Seven" else ZONE for name, (group_id, _) in groups.items()
    }
    serial = 0
    results: list[tuple[str, frozenset[str], frozenset[int], int]] = []
    for week in range(6):
        for group_id, people in groups.values():
            serial += 1
            present = [p for p in people if rng.random() < 0.8]
            await seed_week(db, history, group_id, week, present, serial)
        clock.now = at(week + 1, rng.choice([0.5, 30, 100]))
        for name, (group_id, _) in groups.items():
            for weeks in WEEK_CHOICES:
                shown = await service.group_stats(actor(LEAD), name, None, weeks, EVERYTHING)
                for key, series in shown.series.items():
                    for item in series:
                        if item.hidden or key == "joined":
                            continue
                        index = round((item.figures.window.start - MONDAY) / timedelta(weeks=1))
                        records = history.records[(group_id, key, index)]
                        assert item.figures.count == len(records), (name, key, index)
                        people_behind = frozenset(p for _, p in records)
                        assert item.figures.contributors == len(people_behind) >= 5
                        results.append((key, frozenset(r for r, _ in records), people_behind, item.figures.count))
        whole = await service.server_stats(actor(ADMIN, admin=True), "Server", 4, EVERYTHING)
        for key, series in whole.series.items():
            for window, total in zip(whole.windows, series, strict=True):
                if not total.any_shown or key == "joined":
                    continue
                index = round((window.start - MONDAY) / timedelta(weeks=1))
                monday = window.start.astimezone(ZONE).date()
                behind = [
                    history.records[(group_id, key, index)]
                    for group_id, zone in zones.items()
                    if len({p for _, p in history.records[(group_id, key, index)]}) >= 5
                    and aggregates.week_of(monday, zone).end <= clock.now  # that group's own week has ended
                ]
                records = [r for group_records in behind for r in group_records]
                assert total.count == len(records), (key, index)
                results.append((key, frozenset(r for r, _ in records), frozenset(p for _, p in records), total.count))

    assert len(results) > 100
    owners = {r: p for group_records in history.records.values() for r, p in group_records}
    for key, records, _, _ in results:
        for other_key, other_records, _, _ in results:
            if key != other_key or not records < other_records:
                continue
            between = {owners[r] for r in other_records - records}
            assert not 1 <= len(between) < 5, (key, sorted(between))
