"""What meetings offer other features: read-only, inside the caller's session, ids and counts only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.meetings.models import Attendance, Meeting

__all__ = ["AttendanceMark", "attendance_marks"]


@dataclass(frozen=True)
class AttendanceMark:
    """One member's decided attendance of one meeting occurrence."""

    group_id: int
    occurrence: tuple[int, datetime]  # (meeting id, when it started)
    user_id: int
    attended: bool


async def attendance_marks(
    session: AsyncSession, group_ids: list[int], start: datetime, end: datetime
) -> list[AttendanceMark]:
    """Decided attendance (from the voice channel) of occurrences that started in [start, end)."""
    rows = await session.execute(
        select(
            Meeting.group_id, Attendance.meeting_id, Attendance.occurrence_at, Attendance.user_id, Attendance.attended
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Meeting.group_id.in_(group_ids),
            Attendance.occurrence_at >= start,
            Attendance.occurrence_at < end,
            Attendance.attended.is_not(None),
        )
    )
    return [AttendanceMark(g, (m, at), u, bool(a)) for g, m, at, u, a in rows]
