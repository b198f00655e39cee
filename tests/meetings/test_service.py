"""MeetingService on SQLite and PostgreSQL: schedule, RSVP, reminders at most once, attendance, privacy."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, NotAllowed
from bot.keys import Keyring
from bot.pacing import RatePacer
from bot.privacy import Erasure, Subject, described
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    GuildConfig,
    MemberProfile,
)
from cogs.meetings.jobs import tick_writer
from cogs.meetings.models import Attendance, Meeting, ReminderSent
from cogs.meetings.privacy import MeetingPrivacy
from cogs.meetings.records import ScheduleRequest, TickResult
from cogs.meetings.service import MeetingService

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
        assert await described(session, provider, subject) == ["1 meeting answer", "1 reminder sent"]
        exported = await provider.export(session, subject)
    assert exported["rsvps"][0]["occurrence"] == "*"
    async with db.write() as session:
        await provider.erase(session, subject, Erasure())
    async with db.read() as session:
        assert await described(session, provider, subject) == []


# --- many jobs due together: one transaction, a fixed number of queries --------------------------------


async def schedule_many(service: MeetingService, count: int) -> list[int]:
    ids = []
    for n in range(count):
        view = await service.schedule(
            actor(FAC),
            ScheduleRequest(title=f"Circle {n}", when="2026-01-08 19:00", repeat="weekly", group="Circle"),
            NOW,
            "UTC",
        )
        await service.rsvp(actor(ALICE), view.id, "going", NOW, all_future=True)
        await service.rsvp(actor(BOB), view.id, "maybe", NOW)
        ids.append(view.id)
    return ids


class StatementCounter:
    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.count = 0

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: object) -> None:
        self.count += 1


REMINDER_DUE = datetime(2026, 1, 7, 18, 0, 5, tzinfo=UTC)  # 24 h before 2026-01-08 19:00 Berlin


async def test_tick_many_reminds_every_meeting_with_as_many_queries_as_one(db: Database) -> None:
    service = await arrange(db)
    one = (await schedule_many(service, 1))[0]
    eight = await schedule_many(service, 8)
    with StatementCounter(db) as single:
        alone = await service.tick_many([one], REMINDER_DUE)
    with StatementCounter(db) as batch:
        together = await service.tick_many(eight, REMINDER_DUE)
    assert [r.user_id for r in alone[one].reminders] == [ALICE, BOB]
    for meeting_id in eight:
        result = together[meeting_id]
        assert [r.user_id for r in result.reminders] == [ALICE, BOB]
        assert result.view is not None and result.view.id == meeting_id
        assert result.view.counts == {"going": 1, "maybe": 1}
        assert result.next_job_at == datetime(2026, 1, 8, 17, 45, tzinfo=UTC)
    assert batch.count == single.count  # not 8 times as many
    assert batch.count <= 12
    again = await service.tick_many([one, *eight], REMINDER_DUE)
    assert all(r.reminders == [] for r in again.values())
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderSent)) == 2 * 9


async def test_tick_many_words_each_reminder_in_the_members_own_timezone(db: Database) -> None:
    service = await arrange(db)
    ids = await schedule_many(service, 2)
    async with db.write() as session:
        session.add(MemberProfile(user_id=ALICE, timezone="Asia/Tokyo"))
        session.add(GuildConfig(guild_id=GUILD, timezone="America/New_York"))
    results = await service.tick_many(ids, REMINDER_DUE)
    texts = {r.user_id: r.text for r in results[ids[0]].reminders}
    assert "starts tomorrow at 03:00 (Asia/Tokyo)" in texts[ALICE]
    assert "(America/New_York)" in texts[BOB]  # no own timezone: the server's


async def test_tick_many_skips_reminders_of_started_meetings_but_sends_the_others(db: Database) -> None:
    service = await arrange(db)
    early, late = await schedule_many(service, 2)
    async with db.write() as session:
        # ``late`` was missed while the bot was down: its occurrence began a minute ago.
        meeting = await session.get(Meeting, late)
        assert meeting is not None
        meeting.occurrence_at = REMINDER_DUE - timedelta(minutes=1)
    results = await service.tick_many([early, late], REMINDER_DUE)
    assert [r.user_id for r in results[early].reminders] == [ALICE, BOB]
    assert results[late].reminders == [] and results[late].started
    async with db.read() as session:
        recorded = set(await session.scalars(select(ReminderSent.meeting_id)))
    assert recorded == {early}


async def test_jobs_due_together_share_transactions_and_each_gets_its_own_reminders(db: Database) -> None:
    service = await arrange(db)
    ids = await schedule_many(service, 12)
    batcher = tick_writer(service, lambda: REMINDER_DUE)
    # The same meeting's job twice (a retry racing the real job) must not hand its reminders out twice.
    results = await asyncio.gather(*(batcher.run(mid) for mid in [*ids, ids[0]]))
    assert sum(batcher.batches) == 13
    assert len(batcher.batches) < 13
    handed = [(result.view.id, r.user_id) for result in results if result.view for r in result.reminders]
    assert sorted(handed) == sorted((mid, user) for mid in ids for user in (ALICE, BOB))


async def test_a_broken_meeting_does_not_hold_back_the_others_in_its_batch(db: Database) -> None:
    service = await arrange(db)
    good, broken = await schedule_many(service, 2)
    async with db.write() as session:
        meeting = await session.get(Meeting, broken)
        assert meeting is not None
        meeting.timezone = "Not/AZone"
    batcher = tick_writer(service, lambda: REMINDER_DUE)
    ok, failed = await asyncio.gather(batcher.run(good), batcher.run(broken), return_exceptions=True)
    assert isinstance(ok, TickResult) and [r.user_id for r in ok.reminders] == [ALICE, BOB]
    assert isinstance(failed, Exception)
    async with db.read() as session:
        recorded = set(await session.scalars(select(ReminderSent.meeting_id)))
    assert recorded == {good}  # the failed meeting recorded nothing, so its retry can still send


async def test_pacer_spaces_concurrent_callers_by_the_rate() -> None:
    pacer = RatePacer(100.0)  # one call per 10 ms
    loop = asyncio.get_running_loop()
    started = loop.time()
    done: list[float] = []

    async def call() -> None:
        await pacer.wait()
        done.append(loop.time() - started)

    await asyncio.gather(*(call() for _ in range(5)))
    done.sort()
    # The k-th call never goes before its slot, k x 10 ms after the first. (Gaps between neighbours are not
    # asserted: on a loaded machine one sleep can overrun into the next slot, and both then go together;
    # the rate over any stretch still holds because no call goes early.)
    assert all(at >= k * 0.01 - 0.001 for k, at in enumerate(done)), done
    assert done[-1] >= 0.039
