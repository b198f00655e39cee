"""Meeting use cases over the database. No ``discord`` here: the cog turns Discord objects into ids,
calls these, and carries out what they return (events to sync, cards to refresh, reminders to send).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.privacy import Subject
from cogs.groups import queries
from cogs.groups.models import Group, GroupMember, GuildConfig, MemberProfile
from cogs.meetings import domain
from cogs.meetings.domain import MeetingInputError, Recurrence
from cogs.meetings.models import AgendaItem, Attendance, Meeting, MeetingSkip, ReminderSent, Rsvp

log = logging.getLogger("hearth.meetings")

STATUSES = {"going": "Going", "maybe": "Maybe", "no": "Can't"}
ALL_FUTURE = "*"
MAX_AGENDA_ITEMS = 15
AGENDA_ITEM_LENGTH = 200
NEUTRAL_EVENT_TITLE = "Group meeting"


def occurrence_key(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bad(error: MeetingInputError) -> BadInput:
    return BadInput(str(error))


@dataclass(frozen=True)
class MeetingView:
    """What the cog needs to show a meeting, its card and its Discord event."""

    id: int
    guild_id: int
    group_id: int
    group_name: str
    group_private: bool
    group_channel_id: int | None
    title: str
    timezone: str
    start_local: datetime
    duration_minutes: int
    rrule: str | None
    voice_channel_id: int | None
    voice_is_stage: bool
    location: str | None
    offsets: tuple[int, ...]
    show_event: bool
    occurrence_at: datetime | None
    started: bool
    cancelled: bool
    card_channel_id: int | None
    card_message_id: int | None
    event_id: int | None
    event_problem: str | None
    agenda: tuple[tuple[int, str], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def ends_at(self) -> datetime | None:
        if self.occurrence_at is None:
            return None
        return self.occurrence_at + timedelta(minutes=self.duration_minutes)

    @property
    def recurrence_text(self) -> str:
        return domain.describe_recurrence(Recurrence(self.rrule), self.start_local)

    @property
    def event_title(self) -> str:
        """Anyone in the server sees events: a private group's event never names the group or topic."""
        return NEUTRAL_EVENT_TITLE if self.group_private else self.title[:100]

    @property
    def event_wanted(self) -> bool:
        return self.show_event and not self.cancelled and self.occurrence_at is not None

    def when_text(self) -> str:
        if self.occurrence_at is None:
            return "no further dates"
        local = self.occurrence_at.astimezone(self.zone)
        return f"{local.strftime('%a %d %b %Y, %H:%M')} ({self.timezone}), <t:{int(self.occurrence_at.timestamp())}:R>"


@dataclass(frozen=True)
class ScheduleRequest:
    title: str
    when: str
    duration_minutes: int = 60
    repeat: str = "once"
    every: int = 1
    rrule: str | None = None
    timezone: str | None = None
    voice_channel_id: int | None = None
    voice_is_stage: bool = False
    location: str | None = None
    reminders: str | None = None
    public_event: bool | None = None
    group: str | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class EditRequest:
    title: str | None = None
    when: str | None = None
    duration_minutes: int | None = None
    voice_channel_id: int | None = None
    voice_is_stage: bool = False
    location: str | None = None
    reminders: str | None = None
    public_event: bool | None = None


@dataclass(frozen=True)
class Reminder:
    user_id: int
    text: str


@dataclass
class TickResult:
    view: MeetingView | None = None
    reminders: list[Reminder] = field(default_factory=list)
    started: bool = False
    ended: bool = False
    next_job_at: datetime | None = None


@dataclass(frozen=True)
class AttendanceLine:
    occurrence_at: datetime
    user_id: int
    minutes: int
    attended: bool


class RatePacer:
    """Spaces calls to at most ``rate`` per second (Discord allows 50 REST requests/s per bot).

    Shared by the whole cog, so many meetings' reminders together still respect the cap. Each caller
    reserves the next free slot and sleeps until it on its own timer (no lock held while sleeping:
    callers queued on a lock behind a sleeping one are waits SimCord cannot attribute to virtual
    time, and it stalled when two reminders went out in the same instant).
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self.interval  # reserved before any await: slots never overlap
        if slot > now:
            await asyncio.sleep(slot - now)


class TickBatcher:
    """Runs the ticks of jobs that fall due together in one transaction ("group commit").

    Every job calls ``tick(meeting_id)``. One batch runs at a time; while it works, the jobs that come
    due meanwhile gather, and the next batch takes them all (up to ``max_batch``). A lone job costs
    one transaction as before; 1,000 jobs due in the same instant cost a handful instead of 1,000
    (SQLite has one writer, so 1,000 transactions queue one behind another). Each caller gets only
    its own meeting's result. If a batch fails, its meetings are retried one by one, so one broken
    meeting cannot hold back the reminders of the others.
    """

    def __init__(
        self, service: MeetingService, now: Callable[[], datetime], default_tz: str = "UTC", max_batch: int = 500
    ) -> None:
        self.service = service
        self.now = now
        self.default_tz = default_tz
        self.max_batch = max_batch
        self._pending: list[tuple[int, asyncio.Future[TickResult]]] = []
        self._lock = asyncio.Lock()
        self.batches: list[int] = []  # sizes of the batches run (for the benchmark and tests)

    async def tick(self, meeting_id: int) -> TickResult:
        entry = (meeting_id, asyncio.get_running_loop().create_future())
        future = entry[1]
        self._pending.append(entry)
        try:
            await asyncio.sleep(0)  # let the jobs firing in this same instant join the batch
            while not future.done():
                async with self._lock:
                    if not future.done():
                        await self._run_batch()
        except asyncio.CancelledError:
            # Not yet taken into a batch: drop it, so nothing is recorded that this job won't send.
            if entry in self._pending:
                self._pending.remove(entry)
            future.cancel()
            raise
        return future.result()

    async def _run_batch(self) -> None:
        batch = self._pending[: self.max_batch]
        del self._pending[: self.max_batch]
        try:
            results = await self.service.tick_many([mid for mid, _ in batch], self.now(), self.default_tz)
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            log.exception("meeting batch of %d failed; ticking its meetings one by one", len(batch))
            for entry in batch:
                await self._run_one(entry)
            return
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        self.batches.append(len(batch))
        if len(self.batches) > 10_000:  # a diagnostic for benchmarks and tests, not a log: keep it bounded
            del self.batches[:5_000]
        seen: set[int] = set()
        for meeting_id, future in batch:
            # The same meeting twice in a batch: the first caller acts on it; the second has nothing to do.
            _settle(future, result=results[meeting_id] if meeting_id not in seen else TickResult())
            seen.add(meeting_id)

    async def _run_one(self, entry: tuple[int, asyncio.Future[TickResult]]) -> None:
        meeting_id, future = entry
        try:
            result = await self.service.tick(meeting_id, self.now(), self.default_tz)
        except Exception as error:
            _settle(future, error=error)
        except BaseException:
            future.cancel()
            raise
        else:
            _settle(future, result=result)


def _settle(
    future: asyncio.Future[TickResult], *, result: TickResult | None = None, error: Exception | None = None
) -> None:
    if future.done():  # its job was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or TickResult())


def _offsets(meeting: Meeting) -> tuple[int, ...]:
    return tuple(int(x) for x in meeting.reminder_offsets.split(",") if x)


def _done(meeting: Meeting) -> set[int]:
    return {int(x) for x in meeting.reminders_done.split(",") if x}


def _start_local(meeting: Meeting) -> datetime:
    return datetime.fromisoformat(meeting.start_local)


class MeetingService:
    def __init__(self, db: Database, *, default_offsets: Sequence[int], attendance_share: float) -> None:
        self.db = db
        self.default_offsets = tuple(default_offsets)
        self.attendance_share = attendance_share

    # --- reading ------------------------------------------------------------------------------------

    async def _view(self, session: AsyncSession, meeting: Meeting, group: Group | None = None) -> MeetingView:
        known = {group.id: group} if group is not None else None
        return (await self._views(session, [meeting], groups=known))[meeting.id]

    async def _views(
        self,
        session: AsyncSession,
        meetings: Sequence[Meeting],
        *,
        groups: dict[int, Group] | None = None,
        statuses: dict[tuple[int, str], dict[int, str]] | None = None,
    ) -> dict[int, MeetingView]:
        """Views of many meetings in at most three queries (groups, agenda items, answers)."""
        if not meetings:
            return {}
        groups = dict(groups or {})
        missing = {m.group_id for m in meetings} - set(groups)
        if missing:
            groups.update((g.id, g) for g in await session.scalars(select(Group).where(Group.id.in_(missing))))
        ids = [m.id for m in meetings]
        agenda: dict[int, list[tuple[int, str]]] = {}
        rows = await session.execute(
            select(AgendaItem.meeting_id, AgendaItem.id, AgendaItem.text)
            .where(AgendaItem.meeting_id.in_(ids))
            .order_by(AgendaItem.id)
        )
        for meeting_id, item_id, text in rows:
            agenda.setdefault(meeting_id, []).append((item_id, text))
        wanted = {(m.id, occurrence_key(m.occurrence_at)) for m in meetings if m.occurrence_at is not None}
        if statuses is None or not wanted <= set(statuses):
            statuses = {**(statuses or {}), **await self._statuses_many(session, wanted)}
        out = {}
        for meeting in meetings:
            counts: dict[str, int] = {}
            if meeting.occurrence_at is not None:
                for status in statuses[(meeting.id, occurrence_key(meeting.occurrence_at))].values():
                    counts[status] = counts.get(status, 0) + 1
            out[meeting.id] = self._make_view(meeting, groups[meeting.group_id], agenda.get(meeting.id, []), counts)
        return out

    @staticmethod
    def _make_view(
        meeting: Meeting, group: Group, agenda: Sequence[tuple[int, str]], counts: dict[str, int]
    ) -> MeetingView:
        return MeetingView(
            id=meeting.id,
            guild_id=meeting.guild_id,
            group_id=group.id,
            group_name=group.name,
            group_private=group.private,
            group_channel_id=group.channel_id,
            title=meeting.title,
            timezone=meeting.timezone,
            start_local=_start_local(meeting),
            duration_minutes=meeting.duration_minutes,
            rrule=meeting.rrule,
            voice_channel_id=meeting.voice_channel_id,
            voice_is_stage=meeting.voice_is_stage,
            location=meeting.location,
            offsets=_offsets(meeting),
            show_event=meeting.show_event,
            occurrence_at=meeting.occurrence_at,
            started=meeting.started,
            cancelled=meeting.cancelled_at is not None,
            card_channel_id=meeting.card_channel_id,
            card_message_id=meeting.card_message_id,
            event_id=meeting.event_id,
            event_problem=meeting.event_problem,
            agenda=tuple(agenda),
            counts=counts,
        )

    async def view(self, meeting_id: int) -> MeetingView | None:
        async with self.db.read() as session:
            meeting = await session.get(Meeting, meeting_id)
            return None if meeting is None else await self._view(session, meeting)

    async def _statuses(self, session: AsyncSession, meeting: Meeting, at: datetime) -> dict[int, str]:
        """Each member's answer for one occurrence: that occurrence's answer, else their "all future" one."""
        key = (meeting.id, occurrence_key(at))
        return (await self._statuses_many(session, {key}))[key]

    async def _statuses_many(
        self, session: AsyncSession, wanted: set[tuple[int, str]]
    ) -> dict[tuple[int, str], dict[int, str]]:
        """For each (meeting id, occurrence key): each current member's answer, in one query.

        A member's answer for that occurrence wins over their "all future" one; answers of people no
        longer in the meeting's group are left out (the join on group membership).
        """
        out: dict[tuple[int, str], dict[int, str]] = {pair: {} for pair in wanted}
        if not wanted:
            return out
        keys = {key for _, key in wanted} | {ALL_FUTURE}
        rows = await session.execute(
            select(Rsvp.meeting_id, Rsvp.user_id, Rsvp.occurrence_key, Rsvp.status)
            .join(Meeting, Meeting.id == Rsvp.meeting_id)
            .join(GroupMember, and_(GroupMember.group_id == Meeting.group_id, GroupMember.user_id == Rsvp.user_id))
            .where(Rsvp.meeting_id.in_({meeting_id for meeting_id, _ in wanted}), Rsvp.occurrence_key.in_(keys))
        )
        general: dict[int, dict[int, str]] = {}
        specific: dict[tuple[int, str], dict[int, str]] = {}
        for meeting_id, user_id, row_key, status in rows:
            if row_key == ALL_FUTURE:
                general.setdefault(meeting_id, {})[user_id] = status
            else:
                specific.setdefault((meeting_id, row_key), {})[user_id] = status
        for pair in wanted:
            out[pair] = {**general.get(pair[0], {}), **specific.get(pair, {})}
        return out

    async def _find(self, session: AsyncSession, actor: Actor, ref: str, *, lock: bool = False) -> Meeting:
        ref = ref.strip()
        meeting: Meeting | None = None
        query = select(Meeting).where(Meeting.guild_id == actor.guild_id)
        if lock:
            query = query.with_for_update()
        if ref.isdigit():
            meeting = await session.scalar(query.where(Meeting.id == int(ref)))
        if meeting is None and ref:
            matches = list(
                await session.scalars(
                    query.where(func.lower(Meeting.title) == ref.casefold(), Meeting.cancelled_at.is_(None))
                )
            )
            if len(matches) > 1:
                raise BadInput(f"Several meetings are called {ref!r}: pick one from the list as you type.")
            meeting = matches[0] if matches else None
        if meeting is None:
            raise NotFound(f"I can't find a meeting {ref!r}. `/meeting list` shows the meetings of your group.")
        group = await session.get(Group, meeting.group_id)
        assert group is not None
        if group.private and not (
            await queries.is_member(session, group.id, actor.user_id)
            or await queries.is_facilitator(session, actor, group.id)
        ):
            raise NotFound(f"I can't find a meeting {ref!r}. `/meeting list` shows the meetings of your group.")
        return meeting

    async def _managed(self, session: AsyncSession, actor: Actor, ref: str) -> tuple[Meeting, Group]:
        meeting = await self._find(session, actor, ref, lock=True)
        group = await queries.get_group(session, actor.guild_id, meeting.group_id)
        await queries.require_facilitator(session, actor, group)
        if meeting.cancelled_at is not None:
            raise Conflict(f"**{meeting.title}** was cancelled; schedule a new meeting instead.")
        return meeting, group

    async def suggest(self, actor: Actor, typed: str) -> list[tuple[str, str]]:
        """(label, value) pairs of meetings this member can see, for autocomplete."""
        typed = typed.strip().casefold()
        async with self.db.read() as session:
            mine = {g.id for g in await queries.groups_of(session, actor.guild_id, actor.user_id)}
            facilitator = await queries.is_facilitator(session, actor)
            rows = await session.execute(
                select(Meeting.id, Meeting.title, Group.name, Group.private, Group.id)
                .join(Group, Group.id == Meeting.group_id)
                .where(Meeting.guild_id == actor.guild_id, Meeting.cancelled_at.is_(None))
                .order_by(Meeting.id)
                .limit(200)
            )
            out = []
            for meeting_id, title, group_name, private, group_id in rows:
                if private and group_id not in mine and not facilitator:
                    continue
                label = f"{title} ({group_name})"
                if typed in label.casefold() or typed == str(meeting_id):
                    out.append((label[:100], str(meeting_id)))
            return out[:25]

    async def group_zone(self, actor: Actor, group_name: str | None, channel_id: int | None, default: str) -> ZoneInfo:
        async with self.db.read() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            return await queries.group_timezone(session, group, default)

    # --- scheduling ---------------------------------------------------------------------------------

    def _plan(self, meeting: Meeting, now: datetime, skipped: Sequence[datetime]) -> None:
        """Point the meeting at its next occurrence after ``now`` with fresh reminder state."""
        zone = ZoneInfo(meeting.timezone)
        after = now if meeting.occurrence_at is None else max(now, meeting.occurrence_at)
        nxt = domain.next_occurrence(_start_local(meeting), Recurrence(meeting.rrule), zone, after, skipped)
        meeting.occurrence_at = nxt
        meeting.started = False
        if nxt is None:
            meeting.reminders_done = ""
            meeting.next_job_at = None
            return
        offsets = _offsets(meeting)
        meeting.reminders_done = ",".join(str(o) for o in sorted(domain.reminders_already_past(nxt, offsets, now)))
        meeting.next_job_at = domain.next_job_at(nxt, meeting.duration_minutes, offsets, _done(meeting), False)

    async def _skips(self, session: AsyncSession, meeting_id: int) -> list[datetime]:
        return list(
            await session.scalars(select(MeetingSkip.occurrence_at).where(MeetingSkip.meeting_id == meeting_id))
        )

    def _validate_times(
        self, when: str, zone: ZoneInfo, now: datetime, duration: int, repeat: str, every: int, rrule: str | None
    ) -> tuple[domain.ParsedTime, Recurrence]:
        if not 0 < duration <= domain.MAX_DURATION_MINUTES:
            raise BadInput("The duration must be between 1 minute and 24 hours (e.g. `60`).")
        try:
            parsed = domain.parse_when(when, now, zone)
            recurrence = domain.build_recurrence(repeat, parsed.local, every=every, rule=rrule)
            domain.validate_recurrence(parsed.local, recurrence, now, zone)
        except MeetingInputError as error:
            raise _bad(error) from None
        return parsed, recurrence

    async def schedule(self, actor: Actor, request: ScheduleRequest, now: datetime, default_tz: str) -> MeetingView:
        title = " ".join(request.title.split())
        if not title or len(title) > 100:
            raise BadInput("Give the meeting a title of 1 to 100 characters.")
        if request.location is not None and len(request.location) > 100:
            raise BadInput("The location can be at most 100 characters.")
        try:
            offsets = domain.parse_offsets(request.reminders, self.default_offsets)
        except MeetingInputError as error:
            raise _bad(error) from None
        async with self.db.write() as session:
            group = await queries.resolve_group(session, actor, request.group, request.channel_id)
            await queries.require_facilitator(session, actor, group)
            if group.archived_at is not None:
                raise BadInput(f"**{group.name}** is archived: it takes no new meetings.")
            if request.timezone:
                zone = queries.parse_timezone(request.timezone)
            else:
                zone = await queries.group_timezone(session, group, default_tz)
            parsed, recurrence = self._validate_times(
                request.when, zone, now, request.duration_minutes, request.repeat, request.every, request.rrule
            )
            if group.private:
                show_event = bool(group.public_events or request.public_event)
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
            self._plan(meeting, now, [])
            session.add(meeting)
            await session.flush()
            return await self._view(session, meeting, group)

    async def edit(self, actor: Actor, ref: str, request: EditRequest, now: datetime) -> MeetingView:
        async with self.db.write() as session:
            meeting, group = await self._managed(session, actor, ref)
            if request.title is not None:
                title = " ".join(request.title.split())
                if not title or len(title) > 100:
                    raise BadInput("Give the meeting a title of 1 to 100 characters.")
                meeting.title = title
            if request.location is not None:
                if len(request.location) > 100:
                    raise BadInput("The location can be at most 100 characters.")
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
                    request.public_event if not group.private else bool(group.public_events or request.public_event)
                )
            replan = request.reminders is not None
            if request.when is not None or request.duration_minutes is not None:
                if meeting.started:
                    raise Conflict("This meeting is running now: change its time after it ends.")
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
                    raise BadInput("The duration must be between 1 minute and 24 hours (e.g. `60`).")
                meeting.duration_minutes = duration
                meeting.occurrence_at = None
                replan = True
            if replan and not meeting.started:
                self._plan(meeting, now, await self._skips(session, meeting.id))
            return await self._view(session, meeting, group)

    async def cancel(self, actor: Actor, ref: str, now: datetime) -> MeetingView:
        async with self.db.write() as session:
            meeting, group = await self._managed(session, actor, ref)
            meeting.cancelled_at = now
            meeting.next_job_at = None
            return await self._view(session, meeting, group)

    async def skip(self, actor: Actor, ref: str, when: str | None, now: datetime) -> tuple[MeetingView, datetime]:
        async with self.db.write() as session:
            meeting, group = await self._managed(session, actor, ref)
            zone = ZoneInfo(meeting.timezone)
            skips = await self._skips(session, meeting.id)
            upcoming = domain.occurrences(
                _start_local(meeting), Recurrence(meeting.rrule), zone, now, limit=60, skipped=skips
            )
            if when:
                try:
                    target = domain.parse_when(when, now, zone).utc
                except MeetingInputError as error:
                    raise _bad(error) from None
                if target not in upcoming:
                    raise BadInput(
                        f"**{meeting.title}** doesn't meet at "
                        f"{target.astimezone(zone).strftime('%a %d %b %Y, %H:%M')}: "
                        "`/meeting list` shows its next dates."
                    )
            else:
                if meeting.occurrence_at is None:
                    raise BadInput(f"**{meeting.title}** has no upcoming date to skip.")
                target = meeting.occurrence_at
            if meeting.started and target == meeting.occurrence_at:
                raise Conflict("This occurrence has already started; it can't be skipped now.")
            session.add(MeetingSkip(meeting_id=meeting.id, occurrence_at=target))
            if target == meeting.occurrence_at:
                meeting.occurrence_at = None
                self._plan(meeting, now, [*skips, target])
            return await self._view(session, meeting, group), target

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

    # --- listing, agenda, export -----------------------------------------------------------------------

    async def _visible_group(
        self, session: AsyncSession, actor: Actor, name: str | None, channel_id: int | None
    ) -> Group:
        group = await queries.resolve_group(session, actor, name, channel_id)
        if not (
            await queries.is_member(session, group.id, actor.user_id)
            or await queries.is_facilitator(session, actor, group.id)
        ):
            if group.private:
                raise NotFound(f"There is no group called {name!r} here. `/group list` shows the groups.")
            raise NotAllowed(f"Join **{group.name}** to see its meetings (`/group join {group.name}`).")
        return group

    async def list_meetings(
        self, actor: Actor, group_name: str | None, channel_id: int | None, now: datetime
    ) -> tuple[str, list[tuple[MeetingView, list[datetime]]], bool]:
        async with self.db.read() as session:
            group = await self._visible_group(session, actor, group_name, channel_id)
            meetings = await session.scalars(
                select(Meeting)
                .where(Meeting.group_id == group.id, Meeting.cancelled_at.is_(None))
                .order_by(Meeting.next_job_at, Meeting.id)
            )
            out = []
            for meeting in meetings:
                skips = await self._skips(session, meeting.id)
                upcoming = domain.occurrences(
                    _start_local(meeting),
                    Recurrence(meeting.rrule),
                    ZoneInfo(meeting.timezone),
                    now - timedelta(minutes=meeting.duration_minutes),
                    limit=3,
                    skipped=skips,
                )
                out.append((await self._view(session, meeting, group), upcoming))
            return group.name, out, await queries.is_facilitator(session, actor, group.id)

    async def agenda_add(self, actor: Actor, ref: str, text: str, now: datetime) -> MeetingView:
        text = " ".join(text.split())
        if not text or len(text) > AGENDA_ITEM_LENGTH:
            raise BadInput(f"An agenda item is 1 to {AGENDA_ITEM_LENGTH} characters.")
        async with self.db.write() as session:
            meeting, group = await self._managed(session, actor, ref)
            count = await session.scalar(
                select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            )
            if (count or 0) >= MAX_AGENDA_ITEMS:
                raise BadInput(f"The agenda is full ({MAX_AGENDA_ITEMS} items): remove one first.")
            session.add(AgendaItem(meeting_id=meeting.id, text=text, added_by=actor.user_id, created_at=now))
            await session.flush()
            return await self._view(session, meeting, group)

    async def agenda_remove(self, actor: Actor, ref: str, number: int) -> MeetingView:
        async with self.db.write() as session:
            meeting, group = await self._managed(session, actor, ref)
            ids = list(
                await session.scalars(
                    select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.id)
                )
            )
            if not 1 <= number <= len(ids):
                raise BadInput(
                    f"The agenda has {len(ids)} item(s): give a number from 1 to {len(ids)} (`/meeting agenda show`)."
                    if ids
                    else "The agenda is empty."
                )
            await session.execute(delete(AgendaItem).where(AgendaItem.id == ids[number - 1]))
            return await self._view(session, meeting, group)

    async def agenda_show(self, actor: Actor, ref: str) -> MeetingView:
        async with self.db.read() as session:
            meeting = await self._find(session, actor, ref)
            group = await session.get(Group, meeting.group_id)
            assert group is not None
            if not (
                await queries.is_member(session, group.id, actor.user_id)
                or await queries.is_facilitator(session, actor, group.id)
            ):
                raise NotAllowed(f"Join **{group.name}** to see its meetings (`/group join {group.name}`).")
            return await self._view(session, meeting, group)

    async def export_ics(
        self, actor: Actor, group_name: str | None, channel_id: int | None, now: datetime
    ) -> tuple[str, bytes]:
        async with self.db.read() as session:
            group = await self._visible_group(session, actor, group_name, channel_id)
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
            calendar.add("x-wr-calname", f"{group.name} meetings")
            for meeting in meetings:
                zone = ZoneInfo(meeting.timezone)
                start = domain.wall_to_utc(_start_local(meeting), zone).astimezone(zone)
                event = Event()
                event.add("uid", f"meeting-{meeting.id}@hearth")
                event.add("summary", meeting.title)
                event.add("dtstamp", now)
                event.add("dtstart", start)
                event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
                if meeting.rrule:
                    event.add("rrule", vRecur.from_ical(meeting.rrule))
                skips = await self._skips(session, meeting.id)
                for skipped in skips:
                    event.add("exdate", skipped.astimezone(zone))
                if meeting.location:
                    event.add("location", meeting.location)
                calendar.add_component(event)
            return group.name, calendar.to_ical()

    async def attendance(self, actor: Actor, ref: str) -> tuple[MeetingView, list[AttendanceLine]]:
        async with self.db.read() as session:
            meeting = await self._find(session, actor, ref)
            group = await queries.get_group(session, actor.guild_id, meeting.group_id)
            await queries.require_facilitator(session, actor, group)
            rows = await session.scalars(
                select(Attendance)
                .where(Attendance.meeting_id == meeting.id, Attendance.attended.is_not(None))
                .order_by(Attendance.occurrence_at.desc(), Attendance.user_id)
                .limit(100)
            )
            lines = [AttendanceLine(r.occurrence_at, r.user_id, r.seconds // 60, bool(r.attended)) for r in rows]
            return await self._view(session, meeting, group), lines

    # --- RSVP --------------------------------------------------------------------------------------------

    async def rsvp(
        self, actor: Actor, meeting_id: int, status: str, now: datetime, *, all_future: bool = False
    ) -> tuple[MeetingView, datetime]:
        if status not in STATUSES:
            raise BadInput("Answer Going, Maybe or Can't.")
        async with self.db.write() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.guild_id != actor.guild_id:
                raise NotFound("That meeting no longer exists.")
            if meeting.cancelled_at is not None or meeting.occurrence_at is None:
                raise Conflict(f"**{meeting.title}** has no upcoming date to answer for.")
            group = await queries.get_group(session, actor.guild_id, meeting.group_id)
            await queries.require_participant(session, group, actor.user_id)
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
                        )
                    )
                else:
                    row.status = status
                    row.updated_at = now
            await session.flush()
            return await self._view(session, meeting, group), meeting.occurrence_at

    # --- the job: reminders, start, end ------------------------------------------------------------------

    async def next_job(self, meeting_id: int) -> datetime | None:
        async with self.db.read() as session:
            meeting = await session.get(Meeting, meeting_id)
            return None if meeting is None or meeting.cancelled_at is not None else meeting.next_job_at

    async def due_jobs(self, until: datetime) -> list[tuple[int, datetime]]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(Meeting.id, Meeting.next_job_at).where(
                    Meeting.next_job_at.is_not(None), Meeting.next_job_at <= until, Meeting.cancelled_at.is_(None)
                )
            )
            return [(row.id, row.next_job_at) for row in rows]

    async def earliest_job_after(self, after: datetime) -> datetime | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(func.min(Meeting.next_job_at)).where(Meeting.next_job_at > after, Meeting.cancelled_at.is_(None))
            )

    async def running(self) -> list[tuple[int, int, int]]:
        """(meeting id, guild id, voice channel id) of meetings in progress with a voice channel."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(Meeting.id, Meeting.guild_id, Meeting.voice_channel_id).where(
                    Meeting.started.is_(True), Meeting.cancelled_at.is_(None), Meeting.voice_channel_id.is_not(None)
                )
            )
            return [(r.id, r.guild_id, r.voice_channel_id) for r in rows]

    async def tick(self, meeting_id: int, now: datetime, default_tz: str = "UTC") -> TickResult:
        """Do whatever is due for this meeting: reminders (each member at most once), start, end."""
        return (await self.tick_many([meeting_id], now, default_tz))[meeting_id]

    async def tick_many(
        self, meeting_ids: Sequence[int], now: datetime, default_tz: str = "UTC"
    ) -> dict[int, TickResult]:
        """``tick`` for many meetings in ONE transaction with a fixed number of queries, however many.

        Queries: lock the meetings; (if any end) their attendance and skipped dates; the answers of
        current members; (if reminders are due) the reminders already recorded, members' and servers'
        timezones, one bulk insert; groups and agenda for the views; the meetings' updates. Reminders
        are recorded in this transaction, before anything is sent, and each meeting's ``reminders_done``
        moves on with it, so a reminder is never handed out twice, even across restarts.
        """
        ids = sorted(set(meeting_ids))
        results = {meeting_id: TickResult() for meeting_id in ids}
        if not ids:
            return results
        async with self.db.write() as session:
            # Locked in id order, so two batches on PostgreSQL can never deadlock each other.
            meetings = [
                m
                for m in await session.scalars(
                    select(Meeting).where(Meeting.id.in_(ids)).order_by(Meeting.id).with_for_update()
                )
                if m.cancelled_at is None and m.occurrence_at is not None
            ]
            if not meetings:
                return results
            claims: list[tuple[Meeting, datetime, int]] = []
            ending: list[tuple[Meeting, datetime]] = []
            for meeting in meetings:
                result = results[meeting.id]
                start = meeting.occurrence_at
                assert start is not None
                end = start + timedelta(minutes=meeting.duration_minutes)
                offsets = _offsets(meeting)
                done = _done(meeting)
                for offset in domain.due_reminders(start, offsets, done, now):
                    done.add(offset)
                    if now < start:  # missed while down and the meeting began: skip, never send it late
                        claims.append((meeting, start, offset))
                meeting.reminders_done = ",".join(str(o) for o in sorted(done))
                if not meeting.started and now >= start:
                    meeting.started = True
                    result.started = True
                if meeting.started and now >= end:
                    ending.append((meeting, end))
                    result.ended = True
                else:
                    meeting.next_job_at = domain.next_job_at(
                        start, meeting.duration_minutes, offsets, done, meeting.started
                    )
            if ending:
                await self._close_attendance_many(session, ending)
                skips = await self._skips_many(session, [m.id for m, _ in ending])
                for meeting, _ in ending:
                    self._plan(meeting, now, skips.get(meeting.id, []))
            wanted = {(m.id, occurrence_key(at)) for m, at, _ in claims}
            wanted |= {(m.id, occurrence_key(m.occurrence_at)) for m in meetings if m.occurrence_at is not None}
            statuses = await self._statuses_many(session, wanted)
            reminders = await self._claim_many(session, claims, statuses, now)
            views = await self._views(session, meetings, statuses=statuses)
            for meeting in meetings:
                result = results[meeting.id]
                result.reminders = reminders.get(meeting.id, [])
                result.next_job_at = meeting.next_job_at
                result.view = views[meeting.id]
        return results

    async def _claim_many(
        self,
        session: AsyncSession,
        claims: Sequence[tuple[Meeting, datetime, int]],
        statuses: dict[tuple[int, str], dict[int, str]],
        now: datetime,
    ) -> dict[int, list[Reminder]]:
        """Record each due reminder for every Going/Maybe member not yet reminded (one bulk insert),
        then hand back what to send, worded in each member's timezone."""
        wanted: list[tuple[Meeting, datetime, int, list[int]]] = []
        for meeting, at, offset in claims:
            answers = statuses[(meeting.id, occurrence_key(at))]
            users = sorted(user for user, status in answers.items() if status in ("going", "maybe"))
            if users:
                wanted.append((meeting, at, offset, users))
        if not wanted:
            return {}
        already = {
            (row.meeting_id, row.occurrence_at, row.offset_minutes, row.user_id)
            for row in await session.execute(
                select(
                    ReminderSent.meeting_id,
                    ReminderSent.occurrence_at,
                    ReminderSent.offset_minutes,
                    ReminderSent.user_id,
                ).where(
                    ReminderSent.meeting_id.in_({m.id for m, _, _, _ in wanted}),
                    ReminderSent.occurrence_at.in_({at for _, at, _, _ in wanted}),
                )
            )
        }
        fresh = [
            (meeting, at, offset, user)
            for meeting, at, offset, users in wanted
            for user in users
            if (meeting.id, at, offset, user) not in already
        ]
        if not fresh:
            return {}
        await session.execute(
            insert(ReminderSent),
            [
                {"meeting_id": m.id, "occurrence_at": at, "offset_minutes": offset, "user_id": user, "sent_at": now}
                for m, at, offset, user in fresh
            ],
        )
        zones = await self._zones(session, fresh)
        out: dict[int, list[Reminder]] = {}
        for meeting, at, offset, user in fresh:
            zone = zones.get((user, meeting.guild_id)) or ZoneInfo(meeting.timezone)
            out.setdefault(meeting.id, []).append(Reminder(user, domain.reminder_text(meeting.title, at, zone, offset)))
        return out

    async def _zones(
        self, session: AsyncSession, fresh: Sequence[tuple[Meeting, datetime, int, int]]
    ) -> dict[tuple[int, int], ZoneInfo]:
        """(user, guild) -> the member's own timezone, else the server's (as ``member_timezone``), in
        at most two queries; absent means "use the meeting's timezone"."""
        users = {user for _, _, _, user in fresh}
        own = {
            user_id: name
            for user_id, name in await session.execute(
                select(MemberProfile.user_id, MemberProfile.timezone).where(MemberProfile.user_id.in_(users))
            )
            if name
        }
        guilds = {m.guild_id for m, _, _, user in fresh if user not in own}
        server: dict[int, str] = {}
        if guilds:
            server = {
                guild_id: name
                for guild_id, name in await session.execute(
                    select(GuildConfig.guild_id, GuildConfig.timezone).where(GuildConfig.guild_id.in_(guilds))
                )
                if name
            }
        out: dict[tuple[int, int], ZoneInfo] = {}
        for meeting, _, _, user in fresh:
            name = own.get(user) or server.get(meeting.guild_id)
            if name:
                out[(user, meeting.guild_id)] = ZoneInfo(name)
        return out

    # --- attendance ----------------------------------------------------------------------------------------

    async def voice_present(self, meeting_id: int, user_ids: Sequence[int], now: datetime) -> None:
        """Members found in the voice channel when the meeting starts (or after a restart)."""
        async with self.db.write() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or not meeting.started or meeting.occurrence_at is None:
                return
            for user_id in user_ids:
                await self._open_span(session, meeting, user_id, max(now, meeting.occurrence_at))

    async def _open_span(self, session: AsyncSession, meeting: Meeting, user_id: int, at: datetime) -> None:
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
                    await self._open_span(session, meeting, user_id, now)

    async def _close_attendance_many(self, session: AsyncSession, ending: Sequence[tuple[Meeting, datetime]]) -> None:
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
            row.attended = domain.attended(row.seconds, meeting.duration_minutes, self.attendance_share)

    async def _skips_many(self, session: AsyncSession, meeting_ids: Sequence[int]) -> dict[int, list[datetime]]:
        rows = await session.execute(
            select(MeetingSkip.meeting_id, MeetingSkip.occurrence_at).where(MeetingSkip.meeting_id.in_(meeting_ids))
        )
        out: dict[int, list[datetime]] = {}
        for meeting_id, at in rows:
            out.setdefault(meeting_id, []).append(at)
        return out


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
