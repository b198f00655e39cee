"""Departed members and publishing ahead of the first ask (issue 18), on SQLite and PostgreSQL.

Leaving a group deletes the membership; groups keeps only a count per quarter hour of who left (never
who), and /facilitate stats shows it per closed week under the aggregate rule. The daily publishing job stores closed
weeks before anyone asks, so the first ask reads them and shows exactly what was published.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, func, inspect, select, text

from bot.actor import Actor
from bot.clock import Clock
from bot.config import GroupSettings
from bot.db import Database, UTCDateTime
from bot.db import migrate as migrations
from cogs.checkins.models import Checkin
from cogs.groups.membership import count_departures
from cogs.groups.models import GroupDeparture
from cogs.groups.service import GroupService
from cogs.stats.domain import group_csv
from cogs.stats.models import PublishedStat
from cogs.stats.service import StatsService
from cogs.stats.texts import group_text
from tests.support.groups import GUIDELINES, seed_group

GUILD = 10
LEAD = 999
MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; the server is on UTC
EVERYTHING = frozenset({"groups", "checkins", "meetings", "rounds", "sharing"})


class Moving:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def person(user_id: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=False)


async def group_of_twelve(db: Database, moving: Moving) -> tuple[int, GroupService]:
    moving.now = MONDAY - timedelta(days=3)
    group_id = await seed_group(
        db, Clock(moving), guild_id=GUILD, name="Grief", members=list(range(1, 13)), facilitators=[LEAD]
    )
    return group_id, GroupService(db, Clock(moving), GroupSettings(), GUIDELINES)


async def test_departures_are_counted_per_week_without_names_and_shown_by_the_rule(db: Database) -> None:
    moving = Moving(MONDAY)
    group_id, groups = await group_of_twelve(db, moving)
    # Week 0: four leave with /group leave and one by leaving the server: five people, shown.
    for index, user_id in enumerate(range(1, 5)):
        moving.now = MONDAY + timedelta(days=index, hours=9, minutes=7 * index)
        assert await groups.leave(person(user_id), group_id)
    moving.now = MONDAY + timedelta(days=6, hours=23, minutes=59)  # the very end of the week still counts in it
    assert await groups.member_left(GUILD, 5) > 0
    # Week 1: four leave: fewer than five, hidden (and not even how many).
    for user_id in range(6, 10):
        moving.now = MONDAY + timedelta(weeks=1, hours=user_id)
        await groups.leave(person(user_id), group_id)

    async with db.read() as session:
        connection = await session.connection()
        columns = await connection.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("group_departures")}
        )
        rows = (await session.execute(select(GroupDeparture.bucket_start, GroupDeparture.count))).all()
    assert columns == {"group_id", "bucket_start", "count"}  # nothing that says who
    assert sum(count for _, count in rows) == 9
    assert all(at.minute % 15 == 0 and at.second == 0 for at, _ in rows)

    moving.now = MONDAY + timedelta(weeks=2, hours=1)
    service = StatsService(db, Clock(moving), minimum=5, default_timezone="UTC")
    shown = await service.group_stats(person(LEAD), "Grief", None, 4, EVERYTHING)
    departed = shown.series["departed"]  # newest first
    assert (departed[1].figures.count, departed[1].hidden) == (5, False)
    assert departed[0].hidden and departed[0].figures.count is None
    words = group_text(shown)
    assert "**Members who left**: last week hidden." in words
    assert "22 Dec: hidden · 29 Dec: hidden · 5 Jan: 5 · 12 Jan: hidden" in words, words
    sheet = [line.split(",") for line in group_csv(shown).splitlines() if ",departed," in line]
    assert [row[2:5] for row in sheet] == [
        ["hidden", "", ""],
        ["hidden", "", ""],
        ["yes", "5", "5"],
        ["hidden", "", ""],
    ]

    # A sixth departure in that week afterwards changes nothing anyone has seen.
    moving.now = MONDAY + timedelta(weeks=2, hours=2)
    async with db.write() as session:
        await count_departures(session, [group_id], MONDAY + timedelta(days=1))
    again = await service.group_stats(person(LEAD), "Grief", None, 4, EVERYTHING)
    assert again.series["departed"][1].figures == departed[1].figures


async def test_the_publishing_job_stores_closed_weeks_so_the_first_ask_only_reads_them(db: Database) -> None:
    moving = Moving(MONDAY)
    group_id, _groups = await group_of_twelve(db, moving)
    async with db.write() as session:
        session.add_all(
            Checkin(
                guild_id=GUILD,
                group_id=group_id,
                user_id=p,
                mood=3,
                note=None,
                visibility="facilitators",
                created_at=MONDAY + timedelta(hours=p),
            )
            for p in range(1, 8)
        )
    service = StatsService(db, Clock(moving), minimum=5, default_timezone="UTC")

    moving.now = MONDAY + timedelta(weeks=1, hours=3, minutes=17)  # the job's run after the week ended
    assert await service.publish_due(EVERYTHING) == 1
    async with db.read() as session:
        published = await session.scalar(select(func.count()).select_from(PublishedStat))
    # Five own metrics for each of the two weeks since the group began (older ones are left to an ask).
    assert published == 10
    assert await service.publish_due(EVERYTHING) == 0  # nothing new: nothing written

    # Check-ins arriving late (or an erasure) after publishing change nothing: the ask reads the stored week.
    async with db.write() as session:
        await session.execute(delete(Checkin).where(Checkin.user_id <= 3))
    moving.now += timedelta(hours=2)
    shown = await service.group_stats(person(LEAD), "Grief", None, 4, EVERYTHING)
    checkins = shown.series["checkins"][0].figures
    assert (checkins.count, checkins.contributors) == (7, 7)
    async with db.read() as session:
        stamps = set(
            await session.scalars(
                select(PublishedStat.published_at).where(PublishedStat.week_start == MONDAY).distinct()
            )
        )
    assert stamps == {MONDAY + timedelta(weeks=1, hours=3, minutes=17)}  # the job's copy, not a new one


# --- the migration, with data already there -------------------------------------------------------------

BEFORE = ("groups_0001",)


def _upgrade_to(connection: Connection, targets: tuple[str, ...]) -> None:
    from alembic import command

    from bot.db.migrate import alembic_config

    config = alembic_config()
    config.attributes["connection"] = connection
    for target in targets:
        command.upgrade(config, target)


async def test_the_departures_migration_keeps_every_group_and_member_and_counts_from_then_on(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade_to, BEFORE)
            await connection.execute(
                text(
                    "INSERT INTO guild_configs (guild_id, anonymous_sharing, anonymous_requires_approval, "
                    "break_glass) VALUES (10, true, false, false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO groups (guild_id, name, name_key, description, private, owns_channel, neutral_role, "
                    "guidelines, guidelines_version, shares_need_approval, public_events, created_by, created_at) "
                    "VALUES (10, 'Grief', 'grief', '', false, false, true, '', 1, NULL, false, 5, :now)"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"now": MONDAY},
            )
            await connection.execute(
                text(
                    "INSERT INTO group_members (group_id, user_id, joined_at) SELECT id, u.user_id, :now FROM groups, "
                    "(SELECT 7 AS user_id UNION ALL SELECT 8) u"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"now": MONDAY},
            )
        await migrations.upgrade(database)

        async with database.engine.connect() as connection:
            members = (await connection.execute(text("SELECT user_id FROM group_members ORDER BY user_id"))).all()
            departures = (await connection.execute(text("SELECT count(*) FROM group_departures"))).scalar_one()
        assert [m[0] for m in members] == [7, 8]
        assert departures == 0

        moving = Moving(MONDAY + timedelta(days=1))
        groups = GroupService(database, Clock(moving), GroupSettings(), GUIDELINES)
        async with database.read() as session:
            group_id = (await session.execute(text("SELECT id FROM groups"))).scalar_one()
        assert await groups.leave(person(7), group_id)
        async with database.engine.connect() as connection:
            counted = (await connection.execute(text("SELECT count FROM group_departures"))).scalar_one()
            left = (await connection.execute(text("SELECT count(*) FROM group_members"))).scalar_one()
        assert (counted, left) == (1, 1)
    finally:
        await database.close()
