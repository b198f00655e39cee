"""Attendance from the meeting's voice channel: spans opened and closed as members come and go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from cogs.groups import api as groups
from cogs.meetings import domain
from cogs.meetings.models import Attendance, Meeting
from cogs.meetings.queries import find, summary_of
from cogs.meetings.records import AttendanceLine, MeetingSummary


class MeetingAttendance:
    db: Database

    async def voice_present(self, meeting_id: int, user_ids: Sequence[int], now: datetime) -> None:
        """Members found in the voice channel when the meeting starts (or after a restart)."""
        async with self.db.write() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or not meeting.started or meeting.occurrence_at is None:
                return
            for user_id in user_ids:
                await open_span(session, meeting, user_id, max(now, meeting.occurrence_at))

    async def voice_moved(
        self, guild_id: int, user_id: int, left_channel: int | None, joined_channel: int | None, now: datetime
    ) -> None:
        channels = [c for c in (left_channel, joined_channel) if c is not None]
        if not channels:
            return
        async with self.db.write() as session:
            meetings = await session.scalars(
                select(Meeting).where(
                    Meeting.guild_id == guild_id,
                    Meeting.voice_channel_id.in_(channels),
                    Meeting.started.is_(True),
                    Meeting.cancelled_at.is_(None),
                )
            )
            for meeting in meetings:
                assert meeting.occurrence_at is not None
                end = meeting.occurrence_at + timedelta(minutes=meeting.duration_minutes)
                if meeting.voice_channel_id == left_channel:
                    row = await session.get(
                        Attendance, (meeting.id, meeting.occurrence_at, user_id), with_for_update=True
                    )
                    if row is not None and row.joined_at is not None:
                        row.seconds += domain.clamp_seconds(row.joined_at, now, meeting.occurrence_at, end)
                        row.joined_at = None
                if meeting.voice_channel_id == joined_channel and now < end:
                    await open_span(session, meeting, user_id, now)

    async def attendance(self, actor: Actor, ref: str) -> tuple[MeetingSummary, list[AttendanceLine]]:
        async with self.db.read() as session:
            meeting = await find(session, actor, ref)
            group = await groups.group(session, actor.guild_id, meeting.group_id)
            await groups.require_facilitator(session, actor, group)
            rows = await session.scalars(
                select(Attendance)
                .where(Attendance.meeting_id == meeting.id, Attendance.attended.is_not(None))
                .order_by(Attendance.occurrence_at.desc(), Attendance.user_id)
                .limit(100)
            )
            lines = [AttendanceLine(r.occurrence_at, r.user_id, r.seconds // 60, bool(r.attended)) for r in rows]
            return await summary_of(session, meeting, group), lines


async def open_span(session: AsyncSession, meeting: Meeting, user_id: int, at: datetime) -> None:
    assert meeting.occurrence_at is not None
    row = await session.get(Attendance, (meeting.id, meeting.occurrence_at, user_id), with_for_update=True)
    if row is None:
        session.add(
            Attendance(
                meeting_id=meeting.id, occurrence_at=meeting.occurrence_at, user_id=user_id, joined_at=at, seconds=0
            )
        )
    elif row.joined_at is None:
        row.joined_at = at


async def close_attendance_many(
    session: AsyncSession, ending: Sequence[tuple[Meeting, datetime]], attendance_share: float
) -> None:
    """Close the open spans and decide attendance of the occurrences that just ended (one query)."""
    by_key = {(m.id, m.occurrence_at): (m, end) for m, end in ending if m.occurrence_at is not None}
    if not by_key:
        return
    rows = await session.scalars(
        select(Attendance).where(
            Attendance.meeting_id.in_({mid for mid, _ in by_key}),
            Attendance.occurrence_at.in_({at for _, at in by_key}),
        )
    )
    for row in rows:
        found = by_key.get((row.meeting_id, row.occurrence_at))
        if found is None:
            continue
        meeting, end = found
        assert meeting.occurrence_at is not None
        if row.joined_at is not None:
            row.seconds += domain.clamp_seconds(row.joined_at, end, meeting.occurrence_at, end)
            row.joined_at = None
        row.attended = domain.attended(row.seconds, meeting.duration_minutes, attendance_share)
