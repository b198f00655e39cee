"""The privacy protocol for meetings: what is held about a person, a copy of it, and erasing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally, count_each
from cogs.meetings.models import AgendaItem, Attendance, Meeting, ReminderSent, Rsvp
from cogs.meetings.reminder_choice import parse_choice

# The delivery key of a meeting card rebuilt from the database (``MeetingPublisher`` registers it).
CARD_REFRESH = "meeting-card"


def _reminder_choice(stored: str | None) -> dict[str, Any]:
    """The reminders the member chose with this answer, as they would say it."""
    chosen = parse_choice(stored)
    if chosen is None:
        return {"reminders": "the meeting's own reminder times"}
    if not chosen:
        return {"reminders": "none"}
    return {"reminders": "chosen", "reminder_minutes_before": list(chosen)}


class MeetingPrivacy:
    """RSVPs, attendance, reminders sent, agenda items a member added and meetings they scheduled (which stay
    for the group, no longer naming them)."""

    name = N_("meetings")
    purpose = N_(
        "Your meeting answers (Going/Maybe/Can't) with the reminders you chose and your Discord language for "
        "them, the reminders sent to you so none is sent twice, "
        "time in a meeting's voice channel for attendance, and agenda items you added."
    )

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        kinds = (
            ("rsvps", plural("%(count)s meeting answer", "%(count)s meeting answers"), Rsvp.user_id),
            ("attendance", plural("%(count)s attendance record", "%(count)s attendance records"), Attendance.user_id),
            ("reminders_sent", plural("%(count)s reminder sent", "%(count)s reminders sent"), ReminderSent.user_id),
            (
                "agenda_items",
                plural("%(count)s agenda item you added", "%(count)s agenda items you added"),
                AgendaItem.added_by,
            ),
            (
                "meetings_scheduled",
                plural("%(count)s meeting you scheduled", "%(count)s meetings you scheduled"),
                Meeting.created_by,
            ),
        )
        numbers = await count_each(
            session, *(select(func.count()).where(column == subject.user_id) for *_, column in kinds)
        )
        return [Tally(key, label, n) for (key, label, _), n in zip(kinds, numbers, strict=True)]

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        uid = subject.user_id
        rsvps = await session.scalars(select(Rsvp).where(Rsvp.user_id == uid))
        attendance = await session.scalars(select(Attendance).where(Attendance.user_id == uid))
        reminders = await session.scalars(select(ReminderSent).where(ReminderSent.user_id == uid))
        items = await session.scalars(select(AgendaItem).where(AgendaItem.added_by == uid))
        scheduled = await session.scalars(select(Meeting).where(Meeting.created_by == uid).order_by(Meeting.id))
        return {
            "rsvps": [
                {
                    "meeting_id": r.meeting_id,
                    "occurrence": r.occurrence_key,
                    "status": r.status,
                    "updated_at": r.updated_at.isoformat(),
                    "language": r.locale,
                    **_reminder_choice(r.reminders),
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
            "meetings_scheduled": [{"meeting_id": m.id, "title": m.title} for m in scheduled],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        # Cards showing their agenda items are rebuilt from the database once the erase commits (durably,
        # so a restart in between loses nothing): the embed is rendered when the refresh is sent.
        carded = await session.execute(
            select(Meeting.id, Meeting.guild_id, Meeting.card_channel_id, Meeting.card_message_id)
            .where(
                Meeting.id.in_(select(AgendaItem.meeting_id).where(AgendaItem.added_by == subject.user_id)),
                Meeting.card_channel_id.is_not(None),
                Meeting.card_message_id.is_not(None),
            )
            .order_by(Meeting.id)
        )
        for meeting_id, guild_id, channel_id, message_id in carded.all():
            assert channel_id is not None  # selected so
            assert message_id is not None
            erasure.edit_message(
                session,
                channel_id,
                message_id,
                "",
                what=N_("meeting card"),
                purpose="meetings.erase",
                guild_id=guild_id,
                refresh=f"{CARD_REFRESH}:{meeting_id}",
            )
        for model, column in (
            (Rsvp, Rsvp.user_id),
            (Attendance, Attendance.user_id),
            (ReminderSent, ReminderSent.user_id),
            (AgendaItem, AgendaItem.added_by),
        ):
            await session.execute(delete(model).where(column == subject.user_id))
        # A meeting they scheduled stays for the group; it no longer names them (0, like the audit log).
        await session.execute(update(Meeting).where(Meeting.created_by == subject.user_id).values(created_by=0))
