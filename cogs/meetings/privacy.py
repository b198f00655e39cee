"""The privacy protocol for meetings: what is held about a person, a copy of it, and erasing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.meetings.models import AgendaItem, Attendance, ReminderSent, Rsvp


class MeetingPrivacy:
    """RSVPs, attendance, reminders sent and agenda items a member added."""

    name = "meetings"
    purpose = (
        "Your meeting answers (Going/Maybe/Can't), the reminders sent to you so none is sent twice, "
        "time in a meeting's voice channel for attendance, and agenda items you added."
    )

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        lines = []
        for label, model in (
            ("meeting answer(s)", Rsvp),
            ("attendance record(s)", Attendance),
            ("reminder(s) sent", ReminderSent),
        ):
            count = await session.scalar(
                select(func.count()).select_from(model).where(model.user_id == subject.user_id)
            )
            if count:
                lines.append(f"{count} {label}")
        items = await session.scalar(
            select(func.count()).select_from(AgendaItem).where(AgendaItem.added_by == subject.user_id)
        )
        if items:
            lines.append(f"{items} agenda item(s) you added")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        uid = subject.user_id
        rsvps = await session.scalars(select(Rsvp).where(Rsvp.user_id == uid))
        attendance = await session.scalars(select(Attendance).where(Attendance.user_id == uid))
        reminders = await session.scalars(select(ReminderSent).where(ReminderSent.user_id == uid))
        items = await session.scalars(select(AgendaItem).where(AgendaItem.added_by == uid))
        return {
            "rsvps": [
                {
                    "meeting_id": r.meeting_id,
                    "occurrence": r.occurrence_key,
                    "status": r.status,
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in rsvps
            ],
            "attendance": [
                {
                    "meeting_id": a.meeting_id,
                    "occurrence": a.occurrence_at.isoformat(),
                    "seconds": a.seconds,
                    "attended": a.attended,
                }
                for a in attendance
            ],
            "reminders_sent": [
                {
                    "meeting_id": r.meeting_id,
                    "occurrence": r.occurrence_at.isoformat(),
                    "minutes_before": r.offset_minutes,
                    "sent_at": r.sent_at.isoformat(),
                }
                for r in reminders
            ],
            "agenda_items": [{"meeting_id": i.meeting_id, "text": i.text} for i in items],
        }

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        total = 0
        for model, column in (
            (Rsvp, Rsvp.user_id),
            (Attendance, Attendance.user_id),
            (ReminderSent, ReminderSent.user_id),
            (AgendaItem, AgendaItem.added_by),
        ):
            outcome = await session.execute(delete(model).where(column == subject.user_id))
            total += int(outcome.rowcount or 0)  # type: ignore[attr-defined]
        return total
