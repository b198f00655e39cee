"""Pointing a meeting row at its next occurrence, shared by scheduling and the tick job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.meetings import domain
from cogs.meetings.domain import Recurrence
from cogs.meetings.models import Meeting, MeetingSkip


def offsets_of(meeting: Meeting) -> tuple[int, ...]:
    return tuple(int(x) for x in meeting.reminder_offsets.split(",") if x)


def done_of(meeting: Meeting) -> set[int]:
    return {int(x) for x in meeting.reminders_done.split(",") if x}


def start_local_of(meeting: Meeting) -> datetime:
    return datetime.fromisoformat(meeting.start_local)


def plan(meeting: Meeting, now: datetime, skipped: Sequence[datetime]) -> None:
    """Point the meeting at its next occurrence after ``now`` with fresh reminder state."""
    zone = ZoneInfo(meeting.timezone)
    after = now if meeting.occurrence_at is None else max(now, meeting.occurrence_at)
    nxt = domain.next_occurrence(start_local_of(meeting), Recurrence(meeting.rrule), zone, after, skipped)
    meeting.occurrence_at = nxt
    meeting.started = False
    if nxt is None:
        meeting.reminders_done = ""
        meeting.next_job_at = None
        return
    offsets = offsets_of(meeting)
    meeting.reminders_done = ",".join(str(o) for o in sorted(domain.reminders_already_past(nxt, offsets, now)))
    meeting.next_job_at = domain.next_job_at(nxt, meeting.duration_minutes, offsets, done_of(meeting), False)


async def skips_of(session: AsyncSession, meeting_id: int) -> list[datetime]:
    return list(await session.scalars(select(MeetingSkip.occurrence_at).where(MeetingSkip.meeting_id == meeting_id)))


async def skips_many(session: AsyncSession, meeting_ids: Sequence[int]) -> dict[int, list[datetime]]:
    rows = await session.execute(
        select(MeetingSkip.meeting_id, MeetingSkip.occurrence_at).where(MeetingSkip.meeting_id.in_(meeting_ids))
    )
    out: dict[int, list[datetime]] = {}
    for meeting_id, at in rows:
        out.setdefault(meeting_id, []).append(at)
    return out
