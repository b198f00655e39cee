"""Meetings' line in a new member's group welcome (``GroupHooks.welcome``): the group's next meeting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.meetings import texts
from cogs.meetings.models import Meeting


async def next_meeting_line(session: AsyncSession, group_id: int, now: datetime) -> str | None:
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.group_id == group_id, Meeting.cancelled_at.is_(None), Meeting.occurrence_at > now)
        .order_by(Meeting.occurrence_at)
        .limit(1)
    )
    if meeting is None or meeting.occurrence_at is None:
        return texts.welcome_none()
    stamp = int(meeting.occurrence_at.timestamp())
    return texts.welcome_next(meeting.title, stamp)
