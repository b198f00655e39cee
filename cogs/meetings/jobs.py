"""The meeting job: reminders, start and end, for many meetings in one transaction.

Every meeting's timer calls ``MeetingJobs.tick`` through one ``GroupCommit`` (``tick_writer``): jobs
that fall due together share a transaction (1,000 reminders at 19:45 cost a handful of commits, not
1,000 queued behind SQLite's single writer), and the same meeting twice in one batch acts once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.db import Database
from bot.db.batching import GroupCommit
from bot.delivery import Deliveries, Delivery
from bot.errors import HearthError
from cogs.groups import api as groups
from cogs.meetings import domain, texts
from cogs.meetings.attendance import close_attendance_many
from cogs.meetings.models import Meeting, ReminderSent
from cogs.meetings.phrases import reminder_text
from cogs.meetings.planning import done_of, offsets_of, plan, skips_many
from cogs.meetings.queries import statuses_many, summaries
from cogs.meetings.records import MeetingSummary, Reminder, TickResult, occurrence_key
from cogs.meetings.reminder_choice import choices_many, languages_of
from cogs.meetings.reminder_choice import wanted as wanted_reminder

MAX_TICK_BATCH = 500
# A start found later than this (the bot was down) gets no "starting now" post: it would mislead.
START_POST_GRACE = timedelta(minutes=10)


class MeetingJobs:
    db: Database
    attendance_share: float
    # Reminders are written to the delivery record in the tick's own transaction (bot/delivery.py), so a
    # failure or a crash after recording them can't lose them. None only in tests of the tick alone.
    deliveries: Deliveries | None
    # guild id -> the server's language (its Community locale), for channel posts and members whose own
    # language Hearth hasn't seen yet; the cog passes bot/translator.py's server_language.
    language_of: Callable[[int], str]

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
            starting: list[Meeting] = []
            for meeting in meetings:
                result = results[meeting.id]
                start = meeting.occurrence_at
                assert start is not None
                end = start + timedelta(minutes=meeting.duration_minutes)
                offsets = offsets_of(meeting)
                done = done_of(meeting)
                for offset in domain.due_reminders(start, offsets, done, now):
                    done.add(offset)
                    if now < start:  # missed while down and the meeting began: skip, never send it late
                        claims.append((meeting, start, offset))
                meeting.reminders_done = ",".join(str(o) for o in sorted(done))
                if not meeting.started and now >= start:
                    meeting.started = True
                    result.started = True
                    if now - start <= START_POST_GRACE and now < end:  # late after downtime: no stale "starting now"
                        starting.append(meeting)
                if meeting.started and now >= end:
                    ending.append((meeting, end))
                    result.ended = True
                else:
                    meeting.next_job_at = domain.next_job_at(
                        start, meeting.duration_minutes, offsets, done, meeting.started
                    )
            if ending:
                await close_attendance_many(session, ending, self.attendance_share)
                skips = await skips_many(session, [m.id for m, _ in ending])
                for meeting, _ in ending:
                    plan(meeting, now, skips.get(meeting.id, []))
            wanted = {(m.id, occurrence_key(at)) for m, at, _ in claims}
            wanted |= {(m.id, occurrence_key(m.occurrence_at)) for m in meetings if m.occurrence_at is not None}
            statuses = await statuses_many(session, wanted)
            reminders = await self._claim_many(session, claims, statuses, now)
            views = await summaries(session, meetings, statuses=statuses)
            outbox: list[Delivery] = []
            for meeting in meetings:
                result = results[meeting.id]
                result.reminders = reminders.get(meeting.id, [])
                server = self.language_of(meeting.guild_id)
                outbox.extend(reminder_delivery(meeting, views[meeting.id], r, server) for r in result.reminders)
                if meeting in starting and views[meeting.id].group_channel_id is not None:
                    with i18n.using(server):
                        outbox.append(start_delivery(meeting, views[meeting.id]))
                result.next_job_at = meeting.next_job_at
                result.view = views[meeting.id]
            if self.deliveries is not None:
                await self.deliveries.enqueue_many(session, outbox)
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
        answered = {user for meeting, at, _ in claims for user in statuses[(meeting.id, occurrence_key(at))]}
        # Each member's own reminders (chosen when answering); no choice follows the meeting's times.
        choices = await choices_many(session, {(m.id, occurrence_key(at)) for m, at, _ in claims}, answered)
        for meeting, at, offset in claims:
            key = occurrence_key(at)
            answers = statuses[(meeting.id, key)]
            users = sorted(
                user
                for user, status in answers.items()
                if status in ("going", "maybe") and wanted_reminder(choices.of(meeting.id, key, user), offset)
            )
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
        # Each member's language as Discord last told it (when they answered); else the server's.
        languages = await languages_of(session, {user for _, _, _, user in fresh})
        out: dict[int, list[Reminder]] = {}
        for meeting, at, _offset, user in fresh:
            zone = zones.get((user, meeting.guild_id)) or ZoneInfo(meeting.timezone)
            with i18n.using(languages.get(user), self.language_of(meeting.guild_id)) as language:
                text = reminder_text(meeting.title, at, now, zone)
            out.setdefault(meeting.id, []).append(Reminder(user, text, at, language))
        return out

    async def _zones(
        self, session: AsyncSession, fresh: Sequence[tuple[Meeting, datetime, int, int]]
    ) -> dict[tuple[int, int], ZoneInfo]:
        """(user, guild) -> the member's own timezone, else the server's (as ``member_timezone``), in
        at most two queries; absent means "use the meeting's timezone"."""
        own = await groups.member_timezones(session, {user for _, _, _, user in fresh})
        server = await groups.server_timezones(session, {m.guild_id for m, _, _, user in fresh if user not in own})
        out: dict[tuple[int, int], ZoneInfo] = {}
        for meeting, _, _, user in fresh:
            name = own.get(user) or server.get(meeting.guild_id)
            if name:
                out[(user, meeting.guild_id)] = ZoneInfo(name)
        return out


def _stamp(at: datetime, style: str) -> str:
    return f"<t:{int(at.timestamp())}:{style}>"  # Discord renders it live, in each reader's own time


def reminder_delivery(meeting: Meeting, view: MeetingSummary, reminder: Reminder, server: str = "en") -> Delivery:
    """A reminder DM in the member's language; if their DMs are closed, a line in the group's channel (in
    the server's language, as every channel post) that pings only them."""
    with i18n.using(server):
        fallback = texts.reminder_fallback(
            reminder.user_id, meeting.title, _stamp(reminder.starts_at, "R"), _stamp(reminder.starts_at, "F")
        )
    with i18n.using(reminder.language):
        content = texts.reminder_dm(reminder.text, _stamp(reminder.starts_at, "R"))
    return Delivery.dm(
        reminder.user_id,
        content,
        purpose="meetings.reminder",
        ref=str(meeting.id),
        guild_id=meeting.guild_id,
        fallback_channel_id=view.group_channel_id,
        fallback_content=fallback if view.group_channel_id else None,
    )


def start_delivery(meeting: Meeting, view: MeetingSummary) -> Delivery:
    """The start-of-meeting post in the group's channel, with a link to the voice channel. Pings nobody."""
    assert view.group_channel_id is not None
    return Delivery.channel(
        view.group_channel_id,
        texts.starting_now(meeting.title, view.voice_channel_id, view.location)[:2000],
        purpose="meetings.start",
        ref=str(meeting.id),
        guild_id=meeting.guild_id,
    )


def tick_writer(
    jobs: MeetingJobs, now: Callable[[], datetime], default_tz: str = "UTC"
) -> GroupCommit[int, TickResult]:
    """One group commit for every meeting's job: ``await writer.run(meeting_id)`` -> its ``TickResult``.

    The same meeting twice in one batch (a retry racing the real job) is ticked once: the first
    caller acts on it, the second gets an empty result, so no reminder is handed out twice.
    """

    async def run_batch(meeting_ids: Sequence[int]) -> list[TickResult | HearthError]:
        results = await jobs.tick_many(meeting_ids, now(), default_tz)
        return [results[meeting_id] for meeting_id in meeting_ids]

    return GroupCommit(
        run_batch, key=lambda meeting_id: meeting_id, duplicate=lambda _: TickResult(), max_batch=MAX_TICK_BATCH
    )
