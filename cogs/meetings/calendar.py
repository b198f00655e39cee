"""The iCalendar export of a group's meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy import select

from bot.actor import Actor
from bot.db import Database
from cogs.meetings import domain, texts
from cogs.meetings.models import Meeting
from cogs.meetings.planning import skips_of, start_local_of
from cogs.meetings.queries import visible_group


class MeetingCalendar:
    db: Database

    async def export_ics(
        self, actor: Actor, group_name: str | None, channel_id: int | None, now: datetime
    ) -> tuple[str, bytes]:
        async with self.db.read() as session:
            group = await visible_group(session, actor, group_name, channel_id)
            meetings = list(
                await session.scalars(
                    select(Meeting)
                    .where(Meeting.group_id == group.id, Meeting.cancelled_at.is_(None))
                    .order_by(Meeting.id)
                )
            )
            calendar = Calendar()
            calendar.add("prodid", "-//Hearth//meetings//EN")
            calendar.add("version", "2.0")
            calendar.add("x-wr-calname", texts.calendar_name(group.name))
            for meeting in meetings:
                zone = ZoneInfo(meeting.timezone)
                start = domain.wall_to_utc(start_local_of(meeting), zone).astimezone(zone)
                event = Event()
                event.add("uid", f"meeting-{meeting.id}@hearth")
                event.add("summary", meeting.title)
                event.add("dtstamp", now)
                event.add("dtstart", start)
                event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
                if meeting.rrule:
                    event.add("rrule", vRecur.from_ical(meeting.rrule))
                skips = await skips_of(session, meeting.id)
                for skipped in skips:
                    event.add("exdate", skipped.astimezone(zone))
                if meeting.location:
                    event.add("location", meeting.location)
                calendar.add_component(event)
            return group.name, calendar.to_ical()
