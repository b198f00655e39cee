"""Check-in use cases against real SQLite and a real PostgreSQL server."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Base, Database
from bot.errors import HearthError, NotAllowed, NotFound
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from cogs.checkins.models import Checkin, CheckinReminder, CheckinSupport
from cogs.checkins.privacy import CheckinPrivacy
from cogs.checkins.records import SubmitOutcome, SubmitRequest
from cogs.checkins.service import CheckinService
from cogs.groups.models import GuidelinesAcceptance, MemberProfile
from cogs.groups.queries import GuidelinesNotAccepted
from tests.support.groups import seed_group

GUILD = 10
START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
LEAD = 999


class FakeTime:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def arrange(db: Database, members: int) -> int:
    """A group made through the groups service: ``members`` members and the facilitator LEAD, all accepted."""
    return await seed_group(
        db, Clock(FakeTime(START)), guild_id=GUILD, name="Grief", members=range(1, members + 1),
        facilitators=[LEAD], channel_id=55,
    )  # fmt: skip


def service(db: Database, clock: FakeTime, **settings: int) -> CheckinService:
    return CheckinService(db, CheckinSettings(**settings), Clock(clock), retention_days=30, default_timezone="UTC")


def actor(user_id: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=False)


# The summary's tests are in test_summary.py (closed weeks, bot/aggregates.py).


async def test_reminder_is_skipped_when_the_member_checked_in_that_local_day(db: Database) -> None:
    clock = FakeTime(datetime(2026, 1, 10, 4, 30, tzinfo=UTC))  # 9 January, 23:30 in New York
    checkins = service(db, clock)
    group_id = await arrange(db, members=1)
    await checkins.submit(actor(1), group_id, 3, None, "me")
    info = await checkins.set_reminder(actor(1), time(7, 30), "America/New_York")
    async with db.read() as session:
        assert (await session.get(MemberProfile, 1)).timezone == "America/New_York"  # type: ignore[union-attr]

    clock.now = datetime(2026, 1, 10, 12, 30, tzinfo=UTC)  # 10 January, 07:30 local: a new local day
    due = await checkins.reminder_due(info.id)
    assert due is not None and due.send
    assert due.next_at == datetime(2026, 1, 11, 12, 30, tzinfo=UTC)

    await checkins.submit(actor(1), group_id, 3, None, "me")
    clock.now = datetime(2026, 1, 10, 12, 40, tzinfo=UTC)
    skipped = await checkins.reminder_due(info.id)
    assert skipped is not None and not skipped.send

    await checkins.stop_reminder_dms_closed(info.id)
    assert await checkins.reminder_due(info.id) is None
    assert await checkins.take_stopped_notice(actor(1)) is True
    assert await checkins.take_stopped_notice(actor(1)) is False


async def test_retention_deletes_only_expired_checkins_and_their_support(db: Database) -> None:
    clock = FakeTime(START)
    checkins = service(db, clock)
    group_id = await arrange(db, members=2)
    old = await checkins.submit(actor(1), group_id, 3, None, "group")
    await checkins.support(actor(2), old.checkin.id)
    clock.now = START + timedelta(days=29)
    await checkins.submit(actor(1), group_id, 4, None, "me")
    clock.now = START + timedelta(days=31)
    assert await checkins.purge_expired() == 1
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Checkin)) == 1
        assert await session.scalar(select(func.count()).select_from(CheckinSupport)) == 0


async def test_privacy_provider_describes_exports_and_erases_everything(db: Database) -> None:
    clock = FakeTime(START)
    checkins = service(db, clock)
    group_id = await arrange(db, members=2)
    first = await checkins.submit(actor(1), group_id, 2, "my words", "group")
    await checkins.support(actor(2), first.checkin.id)
    theirs = await checkins.submit(actor(2), group_id, 4, None, "group")
    await checkins.support(actor(1), theirs.checkin.id)
    await checkins.set_reminder(actor(1), time(8, 0), "UTC")
    await checkins.set_alert(actor(1), "Grief", None, 2, 3)

    provider = CheckinPrivacy()
    subject = Subject(user_id=1, keys=Keyring(b"k" * 32))
    async with db.read() as session:
        lines = await described(session, provider, subject)
        exported = await provider.export(session, subject)
    assert "1 check-in" in lines and "1 daily reminder" in lines
    assert exported["checkins"][0]["note"] == "my words"
    assert exported["low_mood_alerts"] == [{"group_id": group_id, "threshold": 2, "consecutive": 3}]

    async with db.write() as session:
        await provider.erase(session, subject, Erasure())
    async with db.read() as session:
        assert await described(session, provider, subject) == []
        assert await session.scalar(select(func.count()).select_from(Checkin)) == 1  # the other member's
        assert await session.scalar(select(func.count()).select_from(CheckinReminder)) == 0


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    ours = {"checkins", "checkin_supports", "checkin_reminders", "checkin_alerts", "checkin_prompts"}
    return [d for d in compare_metadata(context, Base.metadata) if ours & set(_tables(d))]


def _tables(diff: object) -> list[str]:
    items = diff if isinstance(diff, list) else [diff]
    names = []
    for item in items:
        for part in item if isinstance(item, tuple) else (item,):
            name = getattr(part, "name", None) or getattr(getattr(part, "table", None), "name", None)
            if isinstance(name, str):
                names.append(name)
            table = getattr(part, "table", None)
            if table is not None:
                names.append(table.name)
    return names


async def test_migration_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    assert differences == []


async def test_checkins_submitted_together_share_one_transaction_and_each_gets_its_own_answer(db: Database) -> None:
    clock = FakeTime(START)
    checkins = service(db, clock)
    group_id = await arrange(db, members=30)
    async with db.write() as session:  # member 30 has not accepted the current guidelines
        acceptance = await session.get(GuidelinesAcceptance, (group_id, 30))
        assert acceptance is not None
        await session.delete(acceptance)
    await checkins.set_alert(actor(1), "Grief", None, 2, 2)

    calls = [checkins.submit(actor(user_id), group_id, 1 + user_id % 5, f"note {user_id}", "me") for user_id in
             range(2, 30)]  # fmt: skip
    calls += [
        checkins.submit(actor(1), group_id, 2, None, "facilitators"),  # low, but the first of a run of 2
        checkins.submit(actor(4242), group_id, 3, None, "me"),  # not a member
        checkins.submit(actor(30), group_id, 3, None, "me"),  # guidelines not accepted
        checkins.submit(actor(1), group_id, 1, None, "facilitators"),  # the second low one in a row: alert
        checkins.submit(actor(5), 987654, 3, None, "me"),  # no such group
    ]
    answers = await asyncio.gather(*calls, return_exceptions=True)

    assert max(checkins.writer.batches) > 1  # they really were written together
    saved, refused = answers[:28], answers[28:]
    assert [(a.checkin.user_id, a.checkin.mood, a.checkin.note) for a in saved] == [  # type: ignore[union-attr]
        (user_id, 1 + user_id % 5, f"note {user_id}") for user_id in range(2, 30)
    ]
    first_low, stranger, unaccepted, second_low, nowhere = refused
    assert isinstance(first_low, SubmitOutcome) and first_low.alert is None
    assert isinstance(stranger, NotAllowed) and "not a member" in stranger.message
    assert isinstance(unaccepted, GuidelinesNotAccepted)
    assert isinstance(second_low, SubmitOutcome) and second_low.alert is not None
    assert second_low.alert.facilitator_ids == [LEAD] and second_low.alert.consecutive == 2
    assert isinstance(nowhere, NotFound)
    ids = [a.checkin.id for a in answers if isinstance(a, SubmitOutcome)]
    assert len(set(ids)) == 30
    async with db.read() as session:
        rows = (await session.execute(select(Checkin.id, Checkin.user_id).order_by(Checkin.id))).all()
    assert sorted(ids) == [row.id for row in rows]
    assert {row.user_id for row in rows} == {*range(1, 30)}


async def test_one_failing_checkin_in_a_batch_does_not_fail_the_others(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeTime(START)
    checkins = service(db, clock)
    group_id = await arrange(db, members=6)
    write_batch = checkins._submit_many

    async def breaks_on_member_3(requests: Sequence[SubmitRequest]) -> list[SubmitOutcome | HearthError]:
        if any(r.actor.user_id == 3 for r in requests):
            raise RuntimeError("the database fell over")
        return await write_batch(requests)

    monkeypatch.setattr(checkins.writer, "_run_batch", breaks_on_member_3)
    answers = await asyncio.gather(
        *(checkins.submit(actor(user_id), group_id, 3, None, "me") for user_id in range(1, 7)),
        return_exceptions=True,
    )
    assert isinstance(answers[2], RuntimeError)
    assert [a.checkin.user_id for a in answers if isinstance(a, SubmitOutcome)] == [1, 2, 4, 5, 6]
    async with db.read() as session:
        users = set(await session.scalars(select(Checkin.user_id)))
    assert users == {1, 2, 4, 5, 6}


async def test_a_submit_cancelled_before_its_batch_writes_nothing(db: Database) -> None:
    clock = FakeTime(START)
    checkins = service(db, clock)
    group_id = await arrange(db, members=3)
    kept = asyncio.ensure_future(checkins.submit(actor(1), group_id, 3, None, "me"))
    dropped = asyncio.ensure_future(checkins.submit(actor(2), group_id, 3, None, "me"))
    await asyncio.sleep(0)  # both are queued; the batch has not started
    dropped.cancel()
    assert (await kept).checkin.user_id == 1
    with pytest.raises(asyncio.CancelledError):
        await dropped
    async with db.read() as session:
        assert set(await session.scalars(select(Checkin.user_id))) == {1}
