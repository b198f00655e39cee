"""The read side of meetings: summaries for cards and events, answers, look-ups, lists, job times.

The module-level helpers take an open session, so the write-side use cases reuse them inside their
own transactions; ``MeetingQueries`` holds the read-only use cases ``MeetingService`` offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.groups import api as group_api
from cogs.groups.api import GroupRef
from cogs.meetings import domain, texts
from cogs.meetings.domain import Recurrence
from cogs.meetings.models import AgendaItem, Meeting, Rsvp
from cogs.meetings.planning import offsets_of, skips_of, start_local_of
from cogs.meetings.records import ALL_FUTURE, MeetingSummary, occurrence_key


async def summary_of(session: AsyncSession, meeting: Meeting, group: GroupRef | None = None) -> MeetingSummary:
    known = {group.id: group} if group is not None else None
    return (await summaries(session, [meeting], groups=known))[meeting.id]


async def summaries(
    session: AsyncSession,
    meetings: Sequence[Meeting],
    *,
    groups: dict[int, GroupRef] | None = None,
    statuses: dict[tuple[int, str], dict[int, str]] | None = None,
) -> dict[int, MeetingSummary]:
    """Views of many meetings in at most three queries (groups, agenda items, answers)."""
    if not meetings:
        return {}
    groups = dict(groups or {})
    missing = {m.group_id for m in meetings} - set(groups)
    if missing:
        groups.update(await group_api.groups_by_ids(session, missing))
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
        statuses = {**(statuses or {}), **await statuses_many(session, wanted)}
    out = {}
    for meeting in meetings:
        counts: dict[str, int] = {}
        if meeting.occurrence_at is not None:
            for status in statuses[(meeting.id, occurrence_key(meeting.occurrence_at))].values():
                counts[status] = counts.get(status, 0) + 1
        out[meeting.id] = make_summary(meeting, groups[meeting.group_id], agenda.get(meeting.id, []), counts)
    return out


def make_summary(
    meeting: Meeting, group: GroupRef, agenda: Sequence[tuple[int, str]], counts: dict[str, int]
) -> MeetingSummary:
    return MeetingSummary(
        id=meeting.id,
        guild_id=meeting.guild_id,
        group_id=group.id,
        group_name=group.name,
        group_private=group.private,
        group_channel_id=group.channel_id,
        title=meeting.title,
        timezone=meeting.timezone,
        start_local=start_local_of(meeting),
        duration_minutes=meeting.duration_minutes,
        rrule=meeting.rrule,
        voice_channel_id=meeting.voice_channel_id,
        voice_is_stage=meeting.voice_is_stage,
        location=meeting.location,
        offsets=offsets_of(meeting),
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


async def statuses_many(session: AsyncSession, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], dict[int, str]]:
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
        .where(
            Rsvp.meeting_id.in_({meeting_id for meeting_id, _ in wanted}),
            Rsvp.occurrence_key.in_(keys),
            group_api.is_member_clause(Meeting.group_id, Rsvp.user_id),
        )
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


async def find(session: AsyncSession, actor: Actor, ref: str, *, lock: bool = False) -> Meeting:
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
            raise BadInput(texts.several_called(ref))
        meeting = matches[0] if matches else None
    if meeting is None:
        raise NotFound(texts.meeting_not_found(ref))
    group = await group_api.group_by_id(session, meeting.group_id)
    assert group is not None
    if group.private and not (
        await group_api.is_member(session, group.id, actor.user_id)
        or await group_api.is_facilitator(session, actor, group.id)
    ):
        raise NotFound(texts.meeting_not_found(ref))
    return meeting


async def managed(session: AsyncSession, actor: Actor, ref: str) -> tuple[Meeting, GroupRef]:
    meeting = await find(session, actor, ref, lock=True)
    group = await group_api.group(session, actor.guild_id, meeting.group_id)
    await group_api.require_facilitator(session, actor, group)
    if meeting.cancelled_at is not None:
        raise Conflict(texts.was_cancelled(meeting.title))
    return meeting, group


async def visible_group(session: AsyncSession, actor: Actor, name: str | None, channel_id: int | None) -> GroupRef:
    group = await group_api.resolve_group(session, actor, name, channel_id)
    if not (
        await group_api.is_member(session, group.id, actor.user_id)
        or await group_api.is_facilitator(session, actor, group.id)
    ):
        if group.private:
            raise NotFound(texts.no_such_group(name))
        raise NotAllowed(texts.join_to_see(group.name))
    return group


class MeetingQueries:
    """Read-only meeting use cases."""

    db: Database

    async def summary(self, meeting_id: int) -> MeetingSummary | None:
        async with self.db.read() as session:
            meeting = await session.get(Meeting, meeting_id)
            return None if meeting is None else await summary_of(session, meeting)

    async def suggest(self, actor: Actor, typed: str) -> list[tuple[str, str]]:
        """(label, value) pairs of meetings this member can see, for autocomplete."""
        typed = typed.strip().casefold()
        async with self.db.read() as session:
            mine = {g.id for g in await group_api.groups_of(session, actor.guild_id, actor.user_id)}
            facilitator = await group_api.is_facilitator(session, actor)
            rows = list(
                await session.execute(
                    select(Meeting.id, Meeting.title, Meeting.group_id)
                    .where(Meeting.guild_id == actor.guild_id, Meeting.cancelled_at.is_(None))
                    .order_by(Meeting.id)
                    .limit(200)
                )
            )
            found = await group_api.groups_by_ids(session, {group_id for _, _, group_id in rows})
            out = []
            for meeting_id, title, group_id in rows:
                if group_id not in found:
                    continue
                group_name, private = found[group_id].name, found[group_id].private
                if private and group_id not in mine and not facilitator:
                    continue
                label = f"{title} ({group_name})"
                if typed in label.casefold() or typed == str(meeting_id):
                    out.append((label[:100], str(meeting_id)))
            return out[:25]

    async def group_zone(self, actor: Actor, group_name: str | None, channel_id: int | None, default: str) -> ZoneInfo:
        async with self.db.read() as session:
            group = await group_api.resolve_group(session, actor, group_name, channel_id)
            return await group_api.group_timezone(session, group, default)

    async def list_meetings(
        self, actor: Actor, group_name: str | None, channel_id: int | None, now: datetime
    ) -> tuple[str, list[tuple[MeetingSummary, list[datetime]]], bool]:
        async with self.db.read() as session:
            group = await visible_group(session, actor, group_name, channel_id)
            meetings = await session.scalars(
                select(Meeting)
                .where(Meeting.group_id == group.id, Meeting.cancelled_at.is_(None))
                .order_by(Meeting.next_job_at, Meeting.id)
            )
            out = []
            for meeting in meetings:
                skips = await skips_of(session, meeting.id)
                upcoming = domain.occurrences(
                    start_local_of(meeting),
                    Recurrence(meeting.rrule),
                    ZoneInfo(meeting.timezone),
                    now - timedelta(minutes=meeting.duration_minutes),
                    limit=3,
                    skipped=skips,
                )
                out.append((await summary_of(session, meeting, group), upcoming))
            return group.name, out, await group_api.is_facilitator(session, actor, group.id)

    async def agenda_show(self, actor: Actor, ref: str) -> MeetingSummary:
        async with self.db.read() as session:
            meeting = await find(session, actor, ref)
            group = await group_api.group_by_id(session, meeting.group_id)
            assert group is not None
            if not (
                await group_api.is_member(session, group.id, actor.user_id)
                or await group_api.is_facilitator(session, actor, group.id)
            ):
                raise NotAllowed(texts.join_to_see(group.name))
            return await summary_of(session, meeting, group)

    async def next_job(self, meeting_id: int) -> datetime | None:
        async with self.db.read() as session:
            meeting = await session.get(Meeting, meeting_id)
            return None if meeting is None or meeting.cancelled_at is not None else meeting.next_job_at

    async def due_jobs(self, until: datetime) -> list[tuple[int, int, datetime]]:
        """(meeting id, guild id, due) of every job due by ``until``."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(Meeting.id, Meeting.guild_id, Meeting.next_job_at).where(
                    Meeting.next_job_at.is_not(None), Meeting.next_job_at <= until, Meeting.cancelled_at.is_(None)
                )
            )
            return [(row.id, row.guild_id, row.next_job_at) for row in rows]

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
