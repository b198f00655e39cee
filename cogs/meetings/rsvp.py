"""Members' answers to a meeting: Going, Maybe or Can't, for one date or all future ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, Conflict, NotFound
from cogs.groups import api as groups
from cogs.meetings import texts
from cogs.meetings.models import Meeting, Rsvp
from cogs.meetings.queries import summary_of
from cogs.meetings.records import ALL_FUTURE, STATUSES, MeetingSummary, occurrence_key


class MeetingRsvps:
    db: Database

    async def rsvp(
        self,
        actor: Actor,
        meeting_id: int,
        status: str,
        now: datetime,
        *,
        all_future: bool = False,
        language: str | None = None,
    ) -> tuple[MeetingSummary, datetime]:
        """Record the answer; ``language`` is the member's Discord locale, kept for their reminder DMs."""
        if status not in STATUSES:
            raise BadInput(texts.answer_status())
        async with self.db.write() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.guild_id != actor.guild_id:
                raise NotFound(texts.meeting_gone())
            if meeting.cancelled_at is not None or meeting.occurrence_at is None:
                raise Conflict(texts.nothing_to_answer(meeting.title))
            group = await groups.group(session, actor.guild_id, meeting.group_id)
            await groups.require_participant(session, group, actor.user_id)
            keys = [ALL_FUTURE] if all_future else [occurrence_key(meeting.occurrence_at)]
            if all_future:
                # "All future" replaces the answers given for single dates from this one on.
                await session.execute(
                    delete(Rsvp).where(
                        Rsvp.meeting_id == meeting.id,
                        Rsvp.user_id == actor.user_id,
                        Rsvp.occurrence_key >= occurrence_key(meeting.occurrence_at),
                        Rsvp.occurrence_key != ALL_FUTURE,
                    )
                )
            for key in keys:
                row = await session.get(Rsvp, (meeting.id, actor.user_id, key), with_for_update=True)
                if row is None:
                    session.add(
                        Rsvp(
                            meeting_id=meeting.id,
                            user_id=actor.user_id,
                            occurrence_key=key,
                            status=status,
                            updated_at=now,
                            locale=language,
                        )
                    )
                else:
                    row.status = status
                    row.updated_at = now
                    row.locale = language or row.locale
            await session.flush()
            return await summary_of(session, meeting, group), meeting.occurrence_at
