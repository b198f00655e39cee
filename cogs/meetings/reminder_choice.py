"""Each member's own reminders, chosen when they answer Going or Maybe (and turned off the same way).

Stored on the member's answer (``Rsvp.reminders``): None follows the meeting's reminder times, "" means
none, "60,1440" the chosen minutes before. A member picks among the meeting's own reminder times, so
the meeting's one job still wakes at every time anyone needs. No ``discord`` here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, Conflict, NotFound
from cogs.groups import api as groups
from cogs.meetings import texts
from cogs.meetings.models import Meeting, Rsvp
from cogs.meetings.planning import offsets_of
from cogs.meetings.records import ALL_FUTURE, occurrence_key

OFF = ""


@dataclass(frozen=True)
class ReminderChoice:
    title: str
    offsets: tuple[int, ...]  # the meeting's reminder times (what the member may pick from)
    chosen: tuple[int, ...] | None  # None: the meeting's times


def parse_choice(stored: str | None) -> tuple[int, ...] | None:
    if stored is None:
        return None
    return tuple(sorted((int(x) for x in stored.split(",") if x), reverse=True))


def wanted(choice: str | None, offset: int) -> bool:
    """Whether a member with this stored choice gets the reminder ``offset`` minutes before."""
    chosen = parse_choice(choice)
    return chosen is None or offset in chosen


async def _answers(session: AsyncSession, meeting: Meeting, user_id: int, *, lock: bool) -> list[Rsvp]:
    assert meeting.occurrence_at is not None
    query = select(Rsvp).where(
        Rsvp.meeting_id == meeting.id,
        Rsvp.user_id == user_id,
        Rsvp.occurrence_key.in_([occurrence_key(meeting.occurrence_at), ALL_FUTURE]),
    )
    return list(await session.scalars(query.with_for_update() if lock else query))


async def choose_reminders(
    db: Database, actor: Actor, meeting_id: int, chosen: Sequence[int], language: str | None = None
) -> ReminderChoice:
    """Set the member's reminders for their current answer (the next date's and their "all future" one);
    ``language`` is the member's Discord locale, kept for their reminder DMs."""
    async with db.write() as session:
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None or meeting.guild_id != actor.guild_id or meeting.cancelled_at is not None:
            raise NotFound(texts.nothing_to_remind())
        if meeting.occurrence_at is None:
            raise Conflict(texts.no_date_to_remind(meeting.title))
        group = await groups.group(session, actor.guild_id, meeting.group_id)
        await groups.require_participant(session, group, actor.user_id)
        offsets = offsets_of(meeting)
        unknown = [o for o in chosen if o not in offsets]
        if unknown:
            raise BadInput(texts.reminder_time_gone())
        answers = [a for a in await _answers(session, meeting, actor.user_id, lock=True) if a.status != "no"]
        if not answers:
            raise BadInput(texts.answer_first(meeting.title))
        for answer in answers:
            answer.reminders = ",".join(str(o) for o in sorted(set(chosen)))
            answer.locale = language or answer.locale
        return ReminderChoice(meeting.title, offsets, tuple(sorted(set(chosen), reverse=True)))


async def current_choice(session: AsyncSession, meeting: Meeting, user_id: int) -> tuple[int, ...] | None:
    answers = {a.occurrence_key: a for a in await _answers(session, meeting, user_id, lock=False)}
    assert meeting.occurrence_at is not None
    for key in (occurrence_key(meeting.occurrence_at), ALL_FUTURE):
        if key in answers and answers[key].reminders is not None:
            return parse_choice(answers[key].reminders)
    return None


@dataclass
class Choices:
    """Members' stored choices for some meetings; a date's choice wins over the "all future" one."""

    general: dict[tuple[int, int], str]
    specific: dict[tuple[int, str, int], str]

    def of(self, meeting_id: int, key: str, user_id: int) -> str | None:
        found = self.specific.get((meeting_id, key, user_id))
        return found if found is not None else self.general.get((meeting_id, user_id))


async def choices_many(session: AsyncSession, pairs: Iterable[tuple[int, str]], user_ids: Iterable[int]) -> Choices:
    """Every stored choice for these (meeting id, occurrence key) pairs and members, in one query."""
    pairs = set(pairs)
    users = set(user_ids)
    choices = Choices({}, {})
    if not pairs or not users:
        return choices
    rows = await session.execute(
        select(Rsvp.meeting_id, Rsvp.occurrence_key, Rsvp.user_id, Rsvp.reminders).where(
            Rsvp.meeting_id.in_({m for m, _ in pairs}),
            Rsvp.occurrence_key.in_({k for _, k in pairs} | {ALL_FUTURE}),
            Rsvp.user_id.in_(users),
            Rsvp.reminders.is_not(None),
        )
    )
    for meeting_id, key, user_id, reminders in rows:
        if reminders is None:
            continue
        if key == ALL_FUTURE:
            choices.general[(meeting_id, user_id)] = reminders
        else:
            choices.specific[(meeting_id, key, user_id)] = reminders
    return choices


async def reminder_state(db: Database, actor: Actor, meeting_id: int) -> ReminderChoice | None:
    """What the member may choose and has chosen; None when there is nothing to choose (no reminders)."""
    async with db.read() as session:
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None or meeting.occurrence_at is None or not offsets_of(meeting):
            return None
        chosen = await current_choice(session, meeting, actor.user_id)
        return ReminderChoice(meeting.title, offsets_of(meeting), chosen)


# --- the member's language, for reminders sent later ---------------------------------------------------------


async def remember_language(db: Database, user_id: int, language: str | None) -> None:
    """Keep the member's answers in the language Discord just told us (each meetings interaction): their
    next reminder DM speaks it. Reads first, so an unchanged language costs no write."""
    if not language:
        return
    stale = Rsvp.user_id == user_id, Rsvp.locale.is_distinct_from(language)
    async with db.read() as session:
        if await session.scalar(select(Rsvp.meeting_id).where(*stale).limit(1)) is None:
            return
    async with db.write() as session:
        await session.execute(update(Rsvp).where(*stale).values(locale=language))


async def languages_of(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    """Each member's language as last seen (their most recent answer that knows it), in one query."""
    users = set(user_ids)
    if not users:
        return {}
    rows = await session.execute(
        select(Rsvp.user_id, Rsvp.locale)
        .where(Rsvp.user_id.in_(users), Rsvp.locale.is_not(None))
        .order_by(Rsvp.updated_at)
    )
    return {user: locale for user, locale in rows if locale}
