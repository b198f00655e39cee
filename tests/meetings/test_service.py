"""MeetingService on SQLite and PostgreSQL: schedule, RSVP, reminders at most once, attendance, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, NotAllowed
from bot.keys import Keyring
from bot.privacy import Subject
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance
from cogs.meetings.models import Attendance, ReminderSent
from cogs.meetings.service import MeetingPrivacy, MeetingService, ScheduleRequest

GUILD = 10
FAC, ALICE, BOB = 1, 2, 3
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def actor(user_id: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=False)


async def arrange(db: Database) -> MeetingService:
    async with db.write() as session:
        group = Group(
            guild_id=GUILD,
            name="Circle",
            name_key="circle",
            description="",
            private=False,
            channel_id=99,
            owns_channel=False,
            guidelines="",
            guidelines_version=1,
            timezone="Europe/Berlin",
            public_events=False,
            created_by=FAC,
            created_at=NOW,
        )
        session.add(group)
        await session.flush()
        for user in (FAC, ALICE, BOB):
            session.add(GroupMember(group_id=group.id, user_id=user, joined_at=NOW))
            session.add(GuidelinesAcceptance(group_id=group.id, user_id=user, version=1, accepted_at=NOW))
        session.add(GroupFacilitator(group_id=group.id, user_id=FAC, added_at=NOW))
    return MeetingService(db, default_offsets=[1440, 15], attendance_share=0.5)


async def test_reminders_go_to_going_and_maybe_once_even_when_ticked_twice(db: Database) -> None:
    service = await arrange(db)
    view = await service.schedule(
        actor(FAC),
        ScheduleRequest(title="Circle", when="2026-01-08 19:00", repeat="weekly", group="Circle"),
        NOW,
        "UTC",
    )
    assert view.occurrence_at == datetime(2026, 1, 8, 18, tzinfo=UTC)
    await service.rsvp(actor(ALICE), view.id, "going", NOW)
    await service.rsvp(actor(BOB), view.id, "no", NOW)
    due = datetime(2026, 1, 7, 18, 0, 5, tzinfo=UTC)
    first = await service.tick(view.id, due, "UTC")
    again = await service.tick(view.id, due, "UTC")
    assert [r.user_id for r in first.reminders] == [ALICE]
    assert again.reminders == []
    assert first.next_job_at == datetime(2026, 1, 8, 17, 45, tzinfo=UTC)
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderSent)) == 1


async def test_attendance_counts_time_inside_the_meeting(db: Database) -> None:
    service = await arrange(db)
    view = await service.schedule(
        actor(FAC),
        ScheduleRequest(title="Circle", when="2026-01-08 19:00", repeat="weekly", group="Circle", voice_channel_id=5),
        NOW,
        "UTC",
    )
    start = datetime(2026, 1, 8, 18, tzinfo=UTC)
    await service.voice_moved(GUILD, ALICE, None, 5, start - timedelta(minutes=20))  # before start: not counted yet
    started = await service.tick(view.id, start, "UTC")
    assert started.started
    await service.voice_present(view.id, [ALICE], start)
    await service.voice_moved(GUILD, BOB, None, 5, start + timedelta(minutes=50))
    ended = await service.tick(view.id, start + timedelta(hours=1), "UTC")
    assert ended.ended
    assert ended.next_job_at == datetime(2026, 1, 14, 18, tzinfo=UTC)  # next week's 24 h reminder
    async with db.read() as session:
        rows = {r.user_id: r for r in await session.scalars(select(Attendance))}
    assert rows[ALICE].attended is True
    assert rows[ALICE].seconds == 3600
    assert rows[BOB].attended is False


async def test_permissions_and_bad_input(db: Database) -> None:
    service = await arrange(db)
    with pytest.raises(NotAllowed):
        await service.schedule(
            actor(ALICE), ScheduleRequest(title="x", when="tomorrow 7pm", group="Circle"), NOW, "UTC"
        )
    with pytest.raises(BadInput, match="duration"):
        await service.schedule(
            actor(FAC), ScheduleRequest(title="x", when="tomorrow 7pm", duration_minutes=0, group="Circle"), NOW, "UTC"
        )


async def test_privacy_provider_exports_and_erases(db: Database) -> None:
    service = await arrange(db)
    view = await service.schedule(
        actor(FAC), ScheduleRequest(title="Circle", when="2026-01-08 19:00", group="Circle"), NOW, "UTC"
    )
    await service.rsvp(actor(ALICE), view.id, "maybe", NOW, all_future=True)
    await service.tick(view.id, datetime(2026, 1, 7, 18, 1, tzinfo=UTC), "UTC")
    subject = Subject(ALICE, Keyring(b"k" * 32))
    provider = MeetingPrivacy()
    async with db.read() as session:
        assert await provider.describe(session, subject) == ["1 meeting answer(s)", "1 reminder(s) sent"]
        exported = await provider.export(session, subject)
    assert exported["rsvps"][0]["occurrence"] == "*"
    async with db.write() as session:
        assert await provider.erase(session, subject) == 2
    async with db.read() as session:
        assert await provider.describe(session, subject) == []
