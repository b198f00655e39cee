"""Check-in use cases over the database; returns plain dataclasses; no discord here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.db.batching import GroupCommit
from bot.errors import BadInput, Conflict, HearthError, NotFound
from cogs.checkins import domain
from cogs.checkins.domain import SHARED, Visibility
from cogs.checkins.models import Checkin, CheckinAlert, CheckinPrompt, CheckinReminder, CheckinSupport
from cogs.groups import queries
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, GuildConfig, MemberProfile

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HISTORY_DAYS = (30, 90)
SUMMARY_DAYS = (7, 30)
LOW_THRESHOLDS = range(1, 4)
LOW_RUNS = range(2, 15)


@dataclass(frozen=True)
class FormTarget:
    group_id: int
    group_name: str


@dataclass(frozen=True)
class CheckinView:
    id: int
    group_id: int
    group_name: str
    user_id: int
    mood: int
    note: str | None
    visibility: Visibility
    created_at: datetime
    support_count: int = 0
    card_channel_id: int | None = None
    card_message_id: int | None = None


@dataclass(frozen=True)
class SubmitRequest:
    """One validated check-in waiting for the shared write transaction."""

    actor: Actor
    group_id: int
    mood: int
    note: str | None
    visibility: Visibility
    now: datetime


@dataclass(frozen=True)
class LowAlert:
    member_id: int
    group_name: str
    facilitator_ids: list[int]
    consecutive: int
    threshold: int


@dataclass(frozen=True)
class SubmitOutcome:
    checkin: CheckinView
    group_channel_id: int | None
    alert: LowAlert | None


@dataclass(frozen=True)
class EditOutcome:
    checkin: CheckinView
    group_channel_id: int | None
    old_card: tuple[int, int] | None


@dataclass(frozen=True)
class SupportOutcome:
    checkin: CheckinView
    added: bool


@dataclass(frozen=True)
class History:
    days: int
    zone: ZoneInfo
    start: datetime
    end: datetime
    points: list[tuple[datetime, int]]
    average: float | None
    trend: str
    streaks: domain.Streaks


@dataclass(frozen=True)
class Summary:
    group_name: str
    days: int
    member_count: int
    checked_in: int
    checkin_count: int
    hidden: bool
    min_members: int
    distribution: dict[int, int]
    average: float | None
    trend: str
    quiet_days: int
    quiet: list[tuple[int, datetime | None]]


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    user_id: int
    guild_id: int
    at: time
    zone: ZoneInfo


@dataclass(frozen=True)
class ReminderDue:
    send: bool
    user_id: int
    guild_id: int
    next_at: datetime


@dataclass(frozen=True)
class AlertInfo:
    group_id: int
    group_name: str
    threshold: int
    consecutive: int
    facilitator_count: int


@dataclass(frozen=True)
class PromptInfo:
    id: int
    group_id: int
    group_name: str
    at: time
    weekday: int | None
    zone: ZoneInfo

    @property
    def cadence(self) -> str:
        when = f"{self.at:%H:%M} ({self.zone.key})"
        return f"daily at {when}" if self.weekday is None else f"every {WEEKDAYS[self.weekday].title()} at {when}"


@dataclass(frozen=True)
class PromptDue:
    post: bool
    group_id: int
    group_name: str
    channel_id: int | None
    next_at: datetime


def parse_weekday(raw: str | None) -> int | None:
    if raw is None or not raw.strip() or raw.strip().lower() == "daily":
        return None
    text = raw.strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(text[:3]) and len(text) >= 3:
            return index
    raise BadInput(f"{raw.strip()!r} is not a day of the week: use Monday … Sunday, or leave it empty for daily.")


class CheckinService:
    def __init__(
        self, db: Database, settings: CheckinSettings, clock: Clock, *, retention_days: int, default_timezone: str
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.retention_days = retention_days
        self.default_timezone = default_timezone
        # Check-ins submitted together are written in one transaction (group commit), each caller
        # still getting its own outcome or its own error: see bot/db/batching.py.
        self.writer: GroupCommit[SubmitRequest, SubmitOutcome] = GroupCommit(self._submit_many)

    # --- the form ---------------------------------------------------------------------------------

    async def prepare(self, actor: Actor, group_name: str | None, channel_id: int | None) -> FormTarget:
        """Which group the form is for; refuses before the form opens when the member may not check in."""
        async with self.db.read() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            await queries.require_participant(session, group, actor.user_id)
            return FormTarget(group.id, group.name)

    async def prepare_for_group(self, actor: Actor, group_id: int) -> FormTarget:
        async with self.db.read() as session:
            group = await queries.get_group(session, actor.guild_id, group_id)
            await queries.require_participant(session, group, actor.user_id)
            return FormTarget(group.id, group.name)

    def validate(self, mood: str | int, note: str | None, visibility: str) -> tuple[int, str | None, Visibility]:
        return (
            domain.parse_mood(mood),
            domain.clean_note(note, self.settings.note_max_length),
            domain.parse_visibility(visibility),
        )

    async def submit(
        self, actor: Actor, group_id: int, mood_raw: str | int, note_raw: str | None, visibility_raw: str
    ) -> SubmitOutcome:
        mood, note, visibility = self.validate(mood_raw, note_raw, visibility_raw)
        return await self.writer.run(SubmitRequest(actor, group_id, mood, note, visibility, self.clock.now()))

    async def _submit_many(self, requests: Sequence[SubmitRequest]) -> list[SubmitOutcome | HearthError]:
        """Write a batch of check-ins in one transaction; a refused one gets its error, the rest are saved.

        Every request passes exactly the checks a lone submit does (``get_group``,
        ``require_participant``) and sees the same rows for its low-mood alert, so the outcome of each
        equals what it would be had the batch been written one check-in after another.
        """
        async with self.db.write() as session:
            preloaded = await _preload(session, requests)  # held: the identity map keeps rows only weakly
            answers: list[SubmitOutcome | HearthError | None] = []
            written: list[tuple[int, Checkin, Group, SubmitRequest]] = []
            for request in requests:
                try:
                    group = await queries.get_group(session, request.actor.guild_id, request.group_id)
                    await queries.require_participant(session, group, request.actor.user_id)
                except HearthError as refusal:  # raised before anything of this request is written
                    answers.append(refusal)
                    continue
                checkin = Checkin(
                    guild_id=request.actor.guild_id,
                    group_id=group.id,
                    user_id=request.actor.user_id,
                    mood=request.mood,
                    note=request.note,
                    visibility=request.visibility.value,
                    created_at=request.now,
                )
                session.add(checkin)
                written.append((len(answers), checkin, group, request))
                answers.append(None)  # its outcome, once the batch is flushed
            if written:
                await self._finish(session, answers, written)
            del preloaded
            return [answer for answer in answers if answer is not None]

    async def _finish(
        self,
        session: AsyncSession,
        answers: list[SubmitOutcome | HearthError | None],
        written: list[tuple[int, Checkin, Group, SubmitRequest]],
    ) -> None:
        await session.flush()  # one multi-row INSERT ... RETURNING for the whole batch
        choices = await _alert_choices(session, [(group.id, r.actor.user_id) for _, _, group, r in written])
        for index, checkin, group, request in written:
            choice = choices.get((group.id, request.actor.user_id))
            alert = await self._low_alert(session, group, checkin, choice, request.now)
            answers[index] = SubmitOutcome(_view(checkin, group.name), group.channel_id, alert)

    async def _low_alert(
        self, session: AsyncSession, group: Group, checkin: Checkin, choice: CheckinAlert | None, now: datetime
    ) -> LowAlert | None:
        if choice is None:
            return None
        moods = list(
            await session.scalars(
                select(Checkin.mood)
                # Up to this check-in: a later one of the same batch is not yet "written" for it.
                .where(Checkin.group_id == group.id, Checkin.user_id == checkin.user_id, Checkin.id <= checkin.id)
                .order_by(Checkin.created_at.desc(), Checkin.id.desc())
                .limit(choice.consecutive + 1)
            )
        )
        if not domain.should_alert(moods, choice.threshold, choice.consecutive):
            return None
        facilitators = await _facilitator_ids(session, group.id)
        choice.last_alerted_at = now
        return LowAlert(checkin.user_id, group.name, facilitators, choice.consecutive, choice.threshold)

    async def attach_card(self, checkin_id: int, channel_id: int | None, message_id: int | None) -> None:
        async with self.db.write() as session:
            checkin = await session.get(Checkin, checkin_id)
            if checkin is not None:
                checkin.card_channel_id = channel_id
                checkin.card_message_id = message_id

    # --- edit and delete one's latest ---------------------------------------------------------------

    async def _latest(self, session: AsyncSession, actor: Actor, *, lock: bool = False) -> Checkin:
        query = (
            select(Checkin)
            .where(Checkin.user_id == actor.user_id, Checkin.guild_id == actor.guild_id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(1)
        )
        checkin = await session.scalar(query.with_for_update() if lock else query)
        if checkin is None:
            raise NotFound("You have no check-ins here yet. `/checkin now` opens the form.")
        window = timedelta(minutes=self.settings.edit_window_minutes)
        if self.clock.now() - checkin.created_at > window:
            raise Conflict(
                f"Your latest check-in is older than {self.settings.edit_window_minutes} minutes, so it can no "
                "longer be changed. `/checkin now` records a new one."
            )
        return checkin

    async def latest_editable(self, actor: Actor) -> CheckinView:
        async with self.db.read() as session:
            checkin = await self._latest(session, actor)
            group = await queries.get_group(session, actor.guild_id, checkin.group_id)
            return _view(checkin, group.name)

    async def edit(
        self, actor: Actor, checkin_id: int, mood_raw: str | int, note_raw: str | None, visibility_raw: str
    ) -> EditOutcome:
        mood, note, visibility = self.validate(mood_raw, note_raw, visibility_raw)
        async with self.db.write() as session:
            checkin = await self._latest(session, actor, lock=True)
            if checkin.id != checkin_id:
                raise Conflict("That is no longer your latest check-in, so it can't be changed.")
            group = await queries.get_group(session, actor.guild_id, checkin.group_id)
            old_card = (
                (checkin.card_channel_id, checkin.card_message_id)
                if checkin.card_channel_id is not None and checkin.card_message_id is not None
                else None
            )
            checkin.mood, checkin.note, checkin.visibility = mood, note, visibility.value
            checkin.edited_at = self.clock.now()
            if visibility is not Visibility.GROUP:
                checkin.card_channel_id = checkin.card_message_id = None
            count = await _support_count(session, checkin.id)
            return EditOutcome(_view(checkin, group.name, count), group.channel_id, old_card)

    async def delete_latest(self, actor: Actor) -> CheckinView:
        async with self.db.write() as session:
            checkin = await self._latest(session, actor, lock=True)
            group = await queries.get_group(session, actor.guild_id, checkin.group_id)
            view = _view(checkin, group.name)
            await session.delete(checkin)
            return view

    # --- support -----------------------------------------------------------------------------------

    async def support(self, actor: Actor, checkin_id: int) -> SupportOutcome:
        async with self.db.write() as session:
            checkin = await session.get(Checkin, checkin_id)
            if checkin is None or checkin.guild_id != actor.guild_id or checkin.visibility != Visibility.GROUP:
                raise NotFound("That check-in is no longer here.")
            group = await queries.get_group(session, actor.guild_id, checkin.group_id)
            if checkin.user_id == actor.user_id:
                raise BadInput("That's your own check-in: others can send you support with this button.")
            await queries.require_active_member(session, group, actor.user_id)
            added = await session.get(CheckinSupport, (checkin.id, actor.user_id)) is None
            if added:
                session.add(CheckinSupport(checkin_id=checkin.id, user_id=actor.user_id, created_at=self.clock.now()))
                await session.flush()
            count = await _support_count(session, checkin.id)
            return SupportOutcome(_view(checkin, group.name, count), added)

    # --- history -------------------------------------------------------------------------------------

    async def history(self, actor: Actor, days: int) -> History:
        if days not in HISTORY_DAYS:
            raise BadInput("History covers the last 30 or 90 days: pick one of those.")
        end = self.clock.now()
        start = end - timedelta(days=days)
        async with self.db.read() as session:
            zone = await queries.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
            rows = (
                await session.execute(
                    select(Checkin.created_at, Checkin.mood)
                    .where(Checkin.user_id == actor.user_id, Checkin.guild_id == actor.guild_id)
                    .order_by(Checkin.created_at)
                )
            ).all()
        everything = [(moment, mood) for moment, mood in rows]
        points = [(moment, mood) for moment, mood in everything if moment >= start]
        return History(
            days=days,
            zone=zone,
            start=start,
            end=end,
            points=points,
            average=domain.mean([mood for _, mood in points]),
            trend=domain.split_trend(points, start, end),
            streaks=domain.streaks((moment for moment, _ in everything), zone, end),
        )

    # --- facilitators' summary -----------------------------------------------------------------------

    async def summary(self, actor: Actor, group_name: str | None, channel_id: int | None, days: int) -> Summary:
        if days not in SUMMARY_DAYS:
            raise BadInput("A summary covers the last 7 or 30 days: pick one of those.")
        now = self.clock.now()
        start = now - timedelta(days=days)
        middle = start + (now - start) / 2
        minimum = self.settings.min_aggregate_members
        async with self.db.read() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            await queries.require_facilitator(session, actor, group)
            members = await queries.member_ids(session, group.id)
            shared = and_(Checkin.group_id == group.id, Checkin.visibility.in_(SHARED))
            window = and_(shared, Checkin.created_at >= start, Checkin.created_at <= now)
            by_mood = (
                await session.execute(
                    select(Checkin.mood, func.count()).where(window).group_by(Checkin.mood).order_by(Checkin.mood)
                )
            ).all()
            checked_in = int(
                await session.scalar(select(func.count(func.distinct(Checkin.user_id))).where(window)) or 0
            )
            halves = []
            for part in (Checkin.created_at < middle, Checkin.created_at >= middle):
                row = (
                    await session.execute(
                        select(func.avg(Checkin.mood), func.count(func.distinct(Checkin.user_id))).where(window, part)
                    )
                ).one()
                halves.append((float(row[0]) if row[0] is not None else None, int(row[1])))
            quiet_days = self.settings.quiet_after_days
            recent = set(
                await session.scalars(
                    select(Checkin.user_id)
                    .distinct()
                    .where(shared, Checkin.created_at >= now - timedelta(days=quiet_days))
                )
            )
            quiet_ids = [m for m in members if m not in recent]
            last_seen: dict[int, datetime] = {}
            for chunk in _chunks(quiet_ids, 500):
                rows = await session.execute(
                    select(Checkin.user_id, func.max(Checkin.created_at))
                    .where(shared, Checkin.user_id.in_(chunk))
                    .group_by(Checkin.user_id)
                )
                for user_id, moment in rows:
                    last_seen[user_id] = _aware(moment)
        distribution = dict.fromkeys(domain.MOODS, 0)
        for mood, count in by_mood:
            distribution[int(mood)] = int(count)
        total = sum(distribution.values())
        hidden = checked_in < minimum
        if hidden:
            trend = "hidden"
        elif halves[0][1] < minimum or halves[1][1] < minimum:
            trend = f"not shown: each half of the period needs check-ins from at least {minimum} members"
        else:
            trend = domain.trend_word(halves[0][0], halves[1][0])
        average = sum(m * c for m, c in distribution.items()) / total if total and not hidden else None
        quiet = sorted(
            ((user_id, last_seen.get(user_id)) for user_id in quiet_ids),
            key=lambda item: (item[1] is not None, item[1] or now),
        )
        return Summary(
            group_name=group.name,
            days=days,
            member_count=len(members),
            checked_in=checked_in,
            checkin_count=total,
            hidden=hidden,
            min_members=minimum,
            distribution={} if hidden else distribution,
            average=average,
            trend=trend,
            quiet_days=quiet_days,
            quiet=quiet,
        )

    # --- reminders -------------------------------------------------------------------------------------

    async def reminder_preview(self, actor: Actor, time_text: str, timezone: str | None) -> tuple[time, ZoneInfo]:
        at = domain.parse_time_of_day(time_text)
        if timezone and timezone.strip():
            return at, queries.parse_timezone(timezone)
        async with self.db.read() as session:
            zone = await queries.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
        return at, zone

    async def set_reminder(self, actor: Actor, at: time, timezone: str | None) -> ReminderInfo:
        async with self.db.write() as session:
            if timezone and timezone.strip():
                zone = await queries.set_member_timezone(session, actor.user_id, timezone)
            else:
                zone = await queries.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
            reminder = await session.scalar(
                select(CheckinReminder)
                .where(CheckinReminder.guild_id == actor.guild_id, CheckinReminder.user_id == actor.user_id)
                .with_for_update()
            )
            if reminder is None:
                reminder = CheckinReminder(
                    guild_id=actor.guild_id, user_id=actor.user_id, created_at=self.clock.now(), last_sent_at=None
                )
                session.add(reminder)
            reminder.hour, reminder.minute = at.hour, at.minute
            reminder.active, reminder.stopped_notice = True, False
            await session.flush()
            return ReminderInfo(reminder.id, actor.user_id, actor.guild_id, at, zone)

    async def remove_reminder(self, actor: Actor) -> int | None:
        async with self.db.write() as session:
            reminder = await session.scalar(
                select(CheckinReminder).where(
                    CheckinReminder.guild_id == actor.guild_id, CheckinReminder.user_id == actor.user_id
                )
            )
            if reminder is None or not reminder.active:
                if reminder is not None:
                    await session.delete(reminder)
                return None
            await session.delete(reminder)
            return reminder.id

    async def active_reminders(self) -> list[ReminderInfo]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(CheckinReminder, MemberProfile.timezone, GuildConfig.timezone)
                .outerjoin(MemberProfile, MemberProfile.user_id == CheckinReminder.user_id)
                .outerjoin(GuildConfig, GuildConfig.guild_id == CheckinReminder.guild_id)
                .where(CheckinReminder.active.is_(True))
            )
            return [
                ReminderInfo(
                    r.id,
                    r.user_id,
                    r.guild_id,
                    time(r.hour, r.minute),
                    ZoneInfo(mine or server or self.default_timezone),
                )
                for r, mine, server in rows
            ]

    async def reminder_due(self, reminder_id: int) -> ReminderDue | None:
        """Decide, at the moment a reminder job fires, whether to DM and when to fire next."""
        now = self.clock.now()
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, reminder_id, with_for_update=True)
            if reminder is None or not reminder.active:
                return None
            zone = await queries.member_timezone(session, reminder.user_id, reminder.guild_id, self.default_timezone)
            at = time(reminder.hour, reminder.minute)
            send = domain.near_local_time(now, at, zone, timedelta(hours=1))
            if send:
                day_start = domain.at_local(domain.local_date(now, zone), time(0), zone)
                already = await session.scalar(
                    select(Checkin.id)
                    .where(
                        Checkin.user_id == reminder.user_id,
                        Checkin.guild_id == reminder.guild_id,
                        Checkin.created_at >= day_start,
                    )
                    .limit(1)
                )
                send = already is None
            if send:
                reminder.last_sent_at = now
            return ReminderDue(send, reminder.user_id, reminder.guild_id, domain.next_local_occurrence(now, at, zone))

    async def stop_reminder_dms_closed(self, reminder_id: int) -> None:
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, reminder_id)
            if reminder is not None:
                reminder.active = False
                reminder.stopped_notice = True

    async def take_stopped_notice(self, actor: Actor) -> bool:
        """True once after a reminder was stopped because DMs were closed."""
        async with self.db.read() as session:
            pending = await session.scalar(
                select(CheckinReminder.id).where(
                    CheckinReminder.guild_id == actor.guild_id,
                    CheckinReminder.user_id == actor.user_id,
                    CheckinReminder.stopped_notice.is_(True),
                )
            )
        if pending is None:
            return False
        async with self.db.write() as session:
            reminder = await session.get(CheckinReminder, pending)
            if reminder is None or not reminder.stopped_notice:
                return False
            await session.delete(reminder)
            return True

    # --- low-mood alerts (the member's own opt-in) --------------------------------------------------

    async def set_alert(
        self, actor: Actor, group_name: str | None, channel_id: int | None, threshold: int, consecutive: int
    ) -> AlertInfo:
        if threshold not in LOW_THRESHOLDS:
            raise BadInput("Choose what counts as low: a mood of 1, 2 or 3 or below.")
        if consecutive not in LOW_RUNS:
            raise BadInput(f"Choose how many low check-ins in a row: {LOW_RUNS.start} to {LOW_RUNS.stop - 1}.")
        async with self.db.write() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            await queries.require_participant(session, group, actor.user_id)
            facilitators = await _facilitator_ids(session, group.id)
            if not facilitators:
                raise Conflict(
                    f"**{group.name}** has no facilitators yet, so there is no one to tell. "
                    "Ask a server admin to add one, then turn this on."
                )
            choice = await session.get(CheckinAlert, (group.id, actor.user_id), with_for_update=True)
            if choice is None:
                choice = CheckinAlert(group_id=group.id, user_id=actor.user_id, created_at=self.clock.now())
                session.add(choice)
            choice.threshold, choice.consecutive = threshold, consecutive
            return AlertInfo(group.id, group.name, threshold, consecutive, len(facilitators))

    async def alerts_of(self, actor: Actor) -> list[AlertInfo]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(CheckinAlert, Group.name)
                .join(Group, Group.id == CheckinAlert.group_id)
                .where(CheckinAlert.user_id == actor.user_id, Group.guild_id == actor.guild_id)
                .order_by(Group.name_key)
            )
            result = []
            for choice, name in rows:
                count = len(await _facilitator_ids(session, choice.group_id))
                result.append(AlertInfo(choice.group_id, name, choice.threshold, choice.consecutive, count))
            return result

    async def remove_alerts(self, actor: Actor, group_name: str | None) -> list[str]:
        async with self.db.write() as session:
            query = (
                select(CheckinAlert, Group.name)
                .join(Group, Group.id == CheckinAlert.group_id)
                .where(CheckinAlert.user_id == actor.user_id, Group.guild_id == actor.guild_id)
            )
            if group_name:
                group = await queries.group_by_name(session, actor.guild_id, group_name)
                query = query.where(CheckinAlert.group_id == group.id)
            rows = (await session.execute(query)).all()
            for choice, _name in rows:
                await session.delete(choice)
            return sorted(name for _choice, name in rows)

    # --- group prompts -----------------------------------------------------------------------------------

    async def set_prompt(
        self, actor: Actor, group_name: str | None, channel_id: int | None, time_text: str, weekday_text: str | None
    ) -> PromptInfo:
        at = domain.parse_time_of_day(time_text)
        weekday = parse_weekday(weekday_text)
        async with self.db.write() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            await queries.require_facilitator(session, actor, group)
            if group.archived_at is not None:
                raise BadInput(f"**{group.name}** is archived: it takes no new activity.")
            if group.channel_id is None:
                raise Conflict(f"**{group.name}** has no channel to post a prompt in.")
            prompt = await session.scalar(
                select(CheckinPrompt).where(CheckinPrompt.group_id == group.id).with_for_update()
            )
            if prompt is None:
                prompt = CheckinPrompt(group_id=group.id, created_at=self.clock.now())
                session.add(prompt)
            prompt.hour, prompt.minute, prompt.weekday = at.hour, at.minute, weekday
            await session.flush()
            zone = await queries.group_timezone(session, group, self.default_timezone)
            return PromptInfo(prompt.id, group.id, group.name, at, weekday, zone)

    async def remove_prompt(self, actor: Actor, group_name: str | None, channel_id: int | None) -> tuple[str, int]:
        async with self.db.write() as session:
            group = await queries.resolve_group(session, actor, group_name, channel_id)
            await queries.require_facilitator(session, actor, group)
            prompt = await session.scalar(select(CheckinPrompt).where(CheckinPrompt.group_id == group.id))
            if prompt is None:
                raise NotFound(f"**{group.name}** has no scheduled check-in prompt.")
            await session.delete(prompt)
            return group.name, prompt.id

    async def active_prompts(self) -> list[PromptInfo]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(CheckinPrompt, Group)
                .join(Group, Group.id == CheckinPrompt.group_id)
                .where(Group.archived_at.is_(None))
            )
            result = []
            for prompt, group in rows:
                zone = await queries.group_timezone(session, group, self.default_timezone)
                result.append(
                    PromptInfo(prompt.id, group.id, group.name, time(prompt.hour, prompt.minute), prompt.weekday, zone)
                )
            return result

    async def prompt_due(self, prompt_id: int) -> PromptDue | None:
        now = self.clock.now()
        async with self.db.write() as session:
            prompt = await session.get(CheckinPrompt, prompt_id, with_for_update=True)
            if prompt is None:
                return None
            group = await session.get(Group, prompt.group_id)
            if group is None or group.archived_at is not None:
                return None
            zone = await queries.group_timezone(session, group, self.default_timezone)
            at = time(prompt.hour, prompt.minute)
            post = group.channel_id is not None and domain.near_local_time(now, at, zone, timedelta(hours=1))
            if post:
                prompt.last_posted_at = now
            return PromptDue(
                post,
                group.id,
                group.name,
                group.channel_id,
                domain.next_local_occurrence(now, at, zone, prompt.weekday),
            )

    # --- retention ---------------------------------------------------------------------------------------

    async def purge_expired(self) -> int:
        cutoff = self.clock.now() - timedelta(days=self.retention_days)
        async with self.db.write() as session:
            result = await session.execute(delete(Checkin).where(Checkin.created_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)


# --- helpers ---------------------------------------------------------------------------------------


def _view(checkin: Checkin, group_name: str, support_count: int = 0) -> CheckinView:
    return CheckinView(
        id=checkin.id,
        group_id=checkin.group_id,
        group_name=group_name,
        user_id=checkin.user_id,
        mood=checkin.mood,
        note=checkin.note,
        visibility=Visibility(checkin.visibility),
        created_at=checkin.created_at,
        support_count=support_count,
        card_channel_id=checkin.card_channel_id,
        card_message_id=checkin.card_message_id,
    )


async def _preload(session: AsyncSession, requests: Sequence[SubmitRequest]) -> list[object]:
    """Load a batch's groups, memberships and guideline acceptances with three queries.

    They land in the session's identity map, so the per-request ``session.get`` calls inside
    ``get_group`` / ``require_participant`` answer from memory. Only a speed-up: a row not loaded
    here is simply fetched by those calls as usual. The caller must hold the returned rows while it
    works: the identity map references unchanged rows weakly and would drop them.
    """
    if len(requests) < 2:
        return []  # a lone request: its own two or three lookups cost the same
    group_ids = {r.group_id for r in requests}
    user_ids = {r.actor.user_id for r in requests}
    rows: list[object] = list(await session.scalars(select(Group).where(Group.id.in_(group_ids))))
    members = select(GroupMember).where(GroupMember.group_id.in_(group_ids), GroupMember.user_id.in_(user_ids))
    rows += await session.scalars(members)
    accepted = select(GuidelinesAcceptance).where(
        GuidelinesAcceptance.group_id.in_(group_ids), GuidelinesAcceptance.user_id.in_(user_ids)
    )
    rows += await session.scalars(accepted)
    return rows


async def _alert_choices(session: AsyncSession, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], CheckinAlert]:
    """The members' own low-mood alert choices for these (group, member) pairs, in one query."""
    rows = await session.scalars(
        select(CheckinAlert).where(
            CheckinAlert.group_id.in_({g for g, _ in pairs}), CheckinAlert.user_id.in_({u for _, u in pairs})
        )
    )
    return {(choice.group_id, choice.user_id): choice for choice in rows}


async def _support_count(session: AsyncSession, checkin_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(CheckinSupport).where(CheckinSupport.checkin_id == checkin_id)
        )
        or 0
    )


async def _facilitator_ids(session: AsyncSession, group_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(GroupFacilitator.user_id)
            .where(GroupFacilitator.group_id == group_id)
            .order_by(GroupFacilitator.user_id)
        )
    )


def _chunks(items: Sequence[int], size: int) -> list[Sequence[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
