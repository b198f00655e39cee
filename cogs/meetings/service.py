"""Meeting use cases over the database: scheduling, editing, cancelling, skipping, the agenda.

No ``discord`` here: the cog turns Discord objects into ids, calls these, and carries out what they
return (events to sync, cards to refresh, reminders to send). ``MeetingService`` is the one object
the cog holds; the other use cases live in their own modules and are mixed in:
``queries`` (read side), ``rsvp``, ``jobs`` (the tick job), ``attendance``, ``calendar`` (iCalendar).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.actor import Actor
from bot.db import Database
from bot.delivery import Deliveries
from bot.errors import BadInput, Conflict
from cogs.groups import api as groups
from cogs.meetings import domain, texts
from cogs.meetings.attendance import MeetingAttendance
from cogs.meetings.calendar import MeetingCalendar
from cogs.meetings.domain import MeetingInputError, Recurrence
from cogs.meetings.jobs import MeetingJobs
from cogs.meetings.models import AgendaItem, GroupEvents, Meeting, MeetingSkip
from cogs.meetings.phrases import parse_date, parse_schedule
from cogs.meetings.planning import plan, skips_of, start_local_of
from cogs.meetings.queries import MeetingQueries, managed, summary_of
from cogs.meetings.records import EditRequest, MeetingSummary, ScheduleRequest
from cogs.meetings.rsvp import MeetingRsvps

MAX_AGENDA_ITEMS = 15
AGENDA_ITEM_LENGTH = 200


def _bad(error: MeetingInputError) -> BadInput:
    return BadInput(str(error))


class MeetingService(MeetingQueries, MeetingRsvps, MeetingJobs, MeetingAttendance, MeetingCalendar):
    def __init__(
        self,
        db: Database,
        *,
        default_offsets: Sequence[int],
        attendance_share: float,
        deliveries: Deliveries | None = None,
        language_of: Callable[[int], str] = lambda _guild_id: i18n.SOURCE_LANGUAGE,
    ) -> None:
        self.db = db
        self.language_of = language_of
        self.deliveries = deliveries
        self.default_offsets = tuple(default_offsets)
        self.attendance_share = attendance_share

    def _validate_times(
        self, when: str, zone: ZoneInfo, now: datetime, duration: int, repeat: str, every: int, rrule: str | None
    ) -> tuple[domain.ParsedTime, Recurrence]:
        if not 0 < duration <= domain.MAX_DURATION_MINUTES:
            raise BadInput(texts.duration_range())
        try:
            spoken = parse_schedule(when, now, zone)  # "every Tuesday 7pm" says how it repeats by itself
            parsed, recurrence = spoken.first, spoken.recurrence
            if not spoken.recurrence.once and repeat != "once":
                raise MeetingInputError(texts.repeat_twice(spoken.describe()))
            if spoken.recurrence.once:
                recurrence = domain.build_recurrence(repeat, parsed.local, every=every, rule=rrule)
            domain.validate_recurrence(parsed.local, recurrence, now, zone)
        except MeetingInputError as error:
            raise _bad(error) from None
        return parsed, recurrence

    async def schedule(self, actor: Actor, request: ScheduleRequest, now: datetime, default_tz: str) -> MeetingSummary:
        title = " ".join(request.title.split())
        if not title or len(title) > 100:
            raise BadInput(texts.title_length())
        if request.location is not None and len(request.location) > 100:
            raise BadInput(texts.location_length())
        try:
            offsets = domain.parse_offsets(request.reminders, self.default_offsets)
        except MeetingInputError as error:
            raise _bad(error) from None
        async with self.db.write() as session:
            group = await groups.resolve_group(session, actor, request.group, request.channel_id)
            await groups.require_facilitator(session, actor, group)
            if group.archived:
                raise BadInput(texts.group_archived(group.name))
            if request.timezone:
                zone = groups.parse_timezone(request.timezone)
            else:
                zone = await groups.group_timezone(session, group, default_tz)
            parsed, recurrence = self._validate_times(
                request.when, zone, now, request.duration_minutes, request.repeat, request.every, request.rrule
            )
            if group.private:
                show_event = bool(await _public_events(session, group.id) or request.public_event)
            else:
                show_event = request.public_event is not False
            meeting = Meeting(
                guild_id=actor.guild_id,
                group_id=group.id,
                title=title,
                timezone=zone.key,
                start_local=parsed.local.isoformat(timespec="minutes"),
                duration_minutes=request.duration_minutes,
                rrule=recurrence.rule,
                voice_channel_id=request.voice_channel_id,
                voice_is_stage=request.voice_is_stage,
                location=(request.location or "").strip() or None,
                reminder_offsets=",".join(str(o) for o in offsets),
                show_event=show_event,
                created_by=actor.user_id,
                created_at=now,
                reminders_done="",
                started=False,
            )
            plan(meeting, now, [])
            session.add(meeting)
            await session.flush()
            return await summary_of(session, meeting, group)

    async def edit(self, actor: Actor, ref: str, request: EditRequest, now: datetime) -> MeetingSummary:
        async with self.db.write() as session:
            meeting, group = await managed(session, actor, ref)
            if request.title is not None:
                title = " ".join(request.title.split())
                if not title or len(title) > 100:
                    raise BadInput(texts.title_length())
                meeting.title = title
            if request.location is not None:
                if len(request.location) > 100:
                    raise BadInput(texts.location_length())
                meeting.location = request.location.strip() or None
            if request.voice_channel_id is not None:
                meeting.voice_channel_id = request.voice_channel_id
                meeting.voice_is_stage = request.voice_is_stage
            if request.reminders is not None:
                try:
                    meeting.reminder_offsets = ",".join(
                        str(o) for o in domain.parse_offsets(request.reminders, self.default_offsets)
                    )
                except MeetingInputError as error:
                    raise _bad(error) from None
            if request.public_event is not None:
                meeting.show_event = (
                    request.public_event
                    if not group.private
                    else bool(await _public_events(session, group.id) or request.public_event)
                )
            replan = request.reminders is not None
            if request.when is not None or request.duration_minutes is not None:
                if meeting.started:
                    raise Conflict(texts.running_now())
                zone = ZoneInfo(meeting.timezone)
                duration = request.duration_minutes or meeting.duration_minutes
                if request.when is not None:
                    parsed, _ = self._validate_times(request.when, zone, now, duration, "once", 1, None)
                    new_start = parsed.local
                    if meeting.rrule and meeting.rrule.startswith("FREQ=MONTHLY;BYDAY="):
                        rule = domain.build_recurrence("monthly", new_start).rule
                    else:
                        rule = meeting.rrule
                    try:
                        domain.validate_recurrence(new_start, Recurrence(rule), now, zone)
                    except MeetingInputError as error:
                        raise _bad(error) from None
                    meeting.start_local = new_start.isoformat(timespec="minutes")
                    meeting.rrule = rule
                elif not 0 < duration <= domain.MAX_DURATION_MINUTES:
                    raise BadInput(texts.duration_range())
                meeting.duration_minutes = duration
                meeting.occurrence_at = None
                replan = True
            if replan and not meeting.started:
                plan(meeting, now, await skips_of(session, meeting.id))
            return await summary_of(session, meeting, group)

    async def cancel(self, actor: Actor, ref: str, now: datetime) -> MeetingSummary:
        async with self.db.write() as session:
            meeting, group = await managed(session, actor, ref)
            meeting.cancelled_at = now
            meeting.next_job_at = None
            return await summary_of(session, meeting, group)

    async def skip(self, actor: Actor, ref: str, when: str | None, now: datetime) -> tuple[MeetingSummary, datetime]:
        async with self.db.write() as session:
            meeting, group = await managed(session, actor, ref)
            zone = ZoneInfo(meeting.timezone)
            skips = await skips_of(session, meeting.id)
            upcoming = domain.occurrences(
                start_local_of(meeting), Recurrence(meeting.rrule), zone, now, limit=60, skipped=skips
            )
            if when:
                try:
                    target = parse_date(when, now, zone).utc
                except MeetingInputError as error:
                    raise _bad(error) from None
                if target not in upcoming:
                    local = target.astimezone(zone).replace(tzinfo=None)
                    raise BadInput(texts.not_a_date(meeting.title, texts.date_time(local)))
            else:
                if meeting.occurrence_at is None:
                    raise BadInput(texts.nothing_to_skip(meeting.title))
                target = meeting.occurrence_at
            if meeting.started and target == meeting.occurrence_at:
                raise Conflict(texts.already_started())
            session.add(MeetingSkip(meeting_id=meeting.id, occurrence_at=target))
            if target == meeting.occurrence_at:
                meeting.occurrence_at = None
                plan(meeting, now, [*skips, target])
            return await summary_of(session, meeting, group), target

    async def set_discord_state(
        self,
        meeting_id: int,
        *,
        event_id: int | bool | None = False,
        event_problem: str | bool | None = False,
        card: tuple[int, int] | None = None,
    ) -> None:
        """Record what exists on Discord's side (False = leave unchanged)."""
        async with self.db.write() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None:
                return
            if event_id is not False:
                meeting.event_id = event_id
            if event_problem is not False:
                meeting.event_problem = event_problem  # type: ignore[assignment]
            if card is not None:
                meeting.card_channel_id, meeting.card_message_id = card

    async def agenda_add(self, actor: Actor, ref: str, text: str, now: datetime) -> MeetingSummary:
        text = " ".join(text.split())
        if not text or len(text) > AGENDA_ITEM_LENGTH:
            raise BadInput(texts.agenda_item_length(AGENDA_ITEM_LENGTH))
        async with self.db.write() as session:
            meeting, group = await managed(session, actor, ref)
            count = await session.scalar(
                select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            )
            if (count or 0) >= MAX_AGENDA_ITEMS:
                raise BadInput(texts.agenda_full(MAX_AGENDA_ITEMS))
            session.add(AgendaItem(meeting_id=meeting.id, text=text, added_by=actor.user_id, created_at=now))
            await session.flush()
            return await summary_of(session, meeting, group)

    async def agenda_remove(self, actor: Actor, ref: str, number: int) -> MeetingSummary:
        async with self.db.write() as session:
            meeting, group = await managed(session, actor, ref)
            ids = list(
                await session.scalars(
                    select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.id)
                )
            )
            if not 1 <= number <= len(ids):
                raise BadInput(texts.agenda_number(len(ids)) if ids else texts.agenda_is_empty())
            await session.execute(delete(AgendaItem).where(AgendaItem.id == ids[number - 1]))
            return await summary_of(session, meeting, group)


async def _public_events(session: AsyncSession, group_id: int) -> bool:
    """Whether a private group opted in to Discord scheduled events."""
    choice = await session.get(GroupEvents, group_id)
    return choice is not None and choice.public_events
