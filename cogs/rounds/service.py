"""Use cases of talking-stick rounds over the database; no ``discord`` here.

Every use case is one transaction that locks the round's row (``FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite), rebuilds the pure ``RoundState``, applies one action and stores the
result, so the database stays the single truth even with several processes. The cog adds an
asyncio lock per round on top, so the effects (message edit, mutes) also happen in order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.config import RoundSettings
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.groups import api as groups
from cogs.groups.api import GroupRef
from cogs.rounds import domain as d
from cogs.rounds import texts
from cogs.rounds.models import Round, RoundEntry, RoundMute

# The actions only a group's facilitators may take, and the button each is on.
FACILITATOR_BUTTONS: dict[type, str] = {
    d.Next: "next",
    d.Skip: "skip",
    d.Pause: "pause",
    d.Resume: "resume",
    d.Extend: "extend",
    d.End: "end",
}


@dataclass(frozen=True)
class RoundSnapshot:
    """A round as stored, read: everything the live message shows, as plain data (a read model, not a
    Discord view)."""

    id: int
    guild_id: int
    group_id: int
    group_name: str
    channel_id: int
    message_id: int | None
    topic: str
    order: d.Order
    voice_channel_id: int | None
    voice_mode: bool
    voice_note: str
    state: d.RoundState

    @property
    def live(self) -> bool:
        return self.state.status is not d.Status.ENDED

    def link(self) -> str:
        if self.message_id is None:
            return f"<#{self.channel_id}>"
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"

    def want_muted(self) -> frozenset[int]:
        """Voice mode: those waiting while someone else holds the stick (nobody when paused or ended)."""
        if not self.voice_mode or self.state.status is not d.Status.RUNNING or self.state.holder is None:
            return frozenset()
        return frozenset(self.state.waiting())


@dataclass(frozen=True)
class Update:
    view: RoundSnapshot
    effects: tuple[d.Effect, ...] = ()
    changed: bool = True
    note: str = ""
    summary: d.Summary | None = None
    recent_gini: float | None = None


@dataclass(frozen=True)
class Started:
    update: Update
    not_added: tuple[int, ...] = ()  # named as present but not participants of the group


@dataclass(frozen=True)
class Status:
    view: RoundSnapshot | None
    facilitator: bool
    recent_rounds: int = 0
    recent_gini: float | None = None
    heard: dict[int, float] = field(default_factory=dict)


def _state_of(row: Round, entries: Sequence[RoundEntry], settings: RoundSettings) -> d.RoundState:
    by_seat = sorted(entries, key=lambda e: (e.seat, e.user_id))
    tallies = {
        e.user_id: d.Tally(
            seconds=e.seconds,
            shared=e.shared,
            passed=e.passed,
            skipped=e.skipped,
            left=e.left,
            came_back=e.came_back,
        )
        for e in by_seat
    }
    return d.RoundState(
        turn_seconds=row.turn_seconds,
        warning_seconds=settings.warning_seconds,
        auto_end_seconds=settings.auto_end_seconds,
        idle_since=row.idle_since,
        status=d.Status(row.status),
        holder=row.holder_id,
        queue=tuple(e.user_id for e in by_seat if e.place == "queue"),
        later=tuple(e.user_id for e in by_seat if e.place == "later"),
        tallies=tallies,
        turn=row.turn,
        stretch_started_at=row.stretch_started_at,
        due_at=row.due_at,
        remaining=row.remaining,
        spoken=row.spoken,
        warned=row.warned,
    )


class RoundService:
    def __init__(self, db: Database, settings: RoundSettings, rng: random.Random | None = None) -> None:
        self.db = db
        self.settings = settings
        self.rng = rng or random.SystemRandom()

    # --- loading and storing ----------------------------------------------------------------------

    async def _load(self, session: AsyncSession, round_id: int) -> tuple[Round, list[RoundEntry], GroupRef]:
        row = await session.scalar(select(Round).where(Round.id == round_id).with_for_update())
        if row is None:
            raise NotFound(texts.round_gone())
        entries = list(await session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_id)))
        group = await groups.group_by_id(session, row.group_id)
        if group is None:  # pragma: no cover - rounds cascade with their group
            raise NotFound(texts.group_gone())
        return row, entries, group

    def _view(self, row: Round, group: GroupRef, state: d.RoundState) -> RoundSnapshot:
        return RoundSnapshot(
            id=row.id,
            guild_id=row.guild_id,
            group_id=row.group_id,
            group_name=group.name,
            channel_id=row.channel_id,
            message_id=row.message_id,
            topic=row.topic,
            order=d.Order(row.order),
            voice_channel_id=row.voice_channel_id,
            voice_mode=row.voice_mode,
            voice_note=row.voice_note,
            state=state,
        )

    def _store(
        self, session: AsyncSession, row: Round, entries: Sequence[RoundEntry], state: d.RoundState, now: datetime
    ) -> None:
        row.status = state.status.value
        row.holder_id = state.holder
        row.turn = state.turn
        row.stretch_started_at = state.stretch_started_at
        row.due_at = state.due_at
        row.remaining = state.remaining
        row.spoken = state.spoken
        row.warned = state.warned
        row.idle_since = state.idle_since
        if state.status is d.Status.ENDED and row.ended_at is None:
            row.ended_at = now
            row.live_channel_id = None
        seats = {user: ("queue", index) for index, user in enumerate(state.queue)}
        seats.update({user: ("later", index) for index, user in enumerate(state.later)})
        if state.holder is not None:
            seats[state.holder] = ("holder", 0)
        existing = {e.user_id: e for e in entries}
        for user, tally in state.tallies.items():
            place, seat = seats.get(user, ("out", 0))
            entry = existing.get(user)
            if entry is None:
                entry = RoundEntry(round_id=row.id, user_id=user)
                session.add(entry)
            entry.place, entry.seat = place, seat
            entry.seconds, entry.shared, entry.passed = tally.seconds, tally.shared, tally.passed
            entry.skipped, entry.left, entry.came_back = tally.skipped, tally.left, tally.came_back

    async def _heard(self, session: AsyncSession, group_id: int) -> tuple[dict[int, float], int]:
        """Speaking time per member over the group's most recent ended rounds (and how many rounds)."""
        recent = (
            select(Round.id)
            .where(Round.group_id == group_id, Round.ended_at.is_not(None))
            .order_by(Round.ended_at.desc(), Round.id.desc())
            .limit(self.settings.balance_rounds)
        )
        ids = list(await session.scalars(recent))
        if not ids:
            return {}, 0
        rows = await session.execute(
            select(RoundEntry.user_id, func.sum(RoundEntry.seconds))
            .where(RoundEntry.round_id.in_(ids))
            .group_by(RoundEntry.user_id)
        )
        return {int(user): float(seconds or 0.0) for user, seconds in rows.all()}, len(ids)

    async def _transition(
        self, session: AsyncSession, round_id: int, action: d.Action, now: datetime, actor: Actor | None = None
    ) -> Update:
        row, entries, group = await self._load(session, round_id)
        state = _state_of(row, entries, self.settings)
        if actor is not None:
            action = await self._authorise(session, row, group, state, action, actor)
        result = d.apply(state, action, now)
        self._store(session, row, entries, result.state, now)
        summary = recent = None
        if any(isinstance(effect, d.Ended) for effect in result.effects):
            summary = d.summarise(result.state.tallies)
            await session.flush()
            heard, _count = await self._heard(session, group.id)
            recent = d.gini(list(heard.values()))
            await session.execute(update(RoundMute).where(RoundMute.round_id == row.id).values(round_id=None))
        return Update(
            self._view(row, group, result.state), result.effects, result.changed, result.note, summary, recent
        )

    async def _authorise(
        self, session: AsyncSession, row: Round, group: GroupRef, state: d.RoundState, action: d.Action, actor: Actor
    ) -> d.Action:
        if actor.guild_id != row.guild_id:
            raise NotFound(texts.round_gone())
        facilitator_only = type(action) in FACILITATOR_BUTTONS
        if facilitator_only and not await groups.is_facilitator(session, actor, group.id):
            raise NotAllowed(texts.facilitators_only_button(group.name, FACILITATOR_BUTTONS[type(action)]))
        if isinstance(action, d.Join):
            await groups.require_participant(session, group, actor.user_id)
            heard, _count = await self._heard(session, group.id)
            index = d.insert_index(d.Order(row.order), state.queue, actor.user_id, heard, self.rng)
            return d.Join(actor.user_id, index)
        return action

    # --- use cases ------------------------------------------------------------------------------

    async def start(
        self,
        actor: Actor,
        *,
        channel_id: int,
        topic: str,
        minutes: int,
        order: d.Order,
        present: Sequence[int] = (),
        voice_channel_id: int | None = None,
        voice_mode: bool = False,
        voice_note: str = "",
        now: datetime,
    ) -> Started:
        limit = self.settings.max_minutes_per_turn
        if not 1 <= minutes <= limit:
            raise BadInput(texts.minutes_out_of_range(limit, minutes))
        topic = " ".join(topic.split())
        if not topic:
            raise BadInput(texts.topic_missing())
        if len(topic) > 200:
            raise BadInput(texts.topic_too_long(len(topic)))
        async with self.db.write() as session:
            group = await groups.group_by_channel(session, actor.guild_id, channel_id)
            if group is None:
                raise BadInput(texts.not_a_group_channel_start())
            if group.archived:
                raise BadInput(texts.group_archived(group.name))
            if not await groups.is_facilitator(session, actor, group.id):
                raise NotAllowed(texts.facilitators_only_start(group.name))
            current = await session.scalar(select(Round).where(Round.live_channel_id == channel_id))
            if current is not None:
                link = self._view(current, group, _state_of(current, [], self.settings)).link()
                raise Conflict(texts.running_already(link))
            people: list[int] = []
            not_added: list[int] = []
            for user in dict.fromkeys(present):
                ok = await groups.is_member(session, group.id, user) and await groups.has_accepted_guidelines(
                    session, group, user
                )
                (people if ok else not_added).append(user)
            heard, _count = await self._heard(session, group.id)
            queue = d.initial_order(order, people, heard, self.rng)
            row = Round(
                guild_id=actor.guild_id,
                group_id=group.id,
                channel_id=channel_id,
                live_channel_id=channel_id,
                topic=topic,
                turn_seconds=minutes * 60,
                order=order.value,
                voice_channel_id=voice_channel_id,
                voice_mode=voice_mode,
                voice_note=voice_note,
                status=d.Status.RUNNING.value,
                turn=0,
                spoken=0.0,
                warned=False,
                started_by=actor.user_id,
                started_at=now,
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError:
                raise Conflict(texts.started_just_now()) from None
            state = d.RoundState(
                turn_seconds=row.turn_seconds,
                warning_seconds=self.settings.warning_seconds,
                auto_end_seconds=self.settings.auto_end_seconds,
                queue=tuple(queue),
                tallies={user: d.Tally() for user in queue},
            )
            effects: list[d.Effect] = []
            if queue:
                state = d._start_turn(state, now, effects)
            self._store(session, row, [], state, now)
            update_ = Update(self._view(row, group, state), tuple(effects))
        return Started(update_, tuple(not_added))

    async def attach_message(self, round_id: int, message_id: int) -> RoundSnapshot:
        async with self.db.write() as session:
            row, entries, group = await self._load(session, round_id)
            row.message_id = message_id
            return self._view(row, group, _state_of(row, entries, self.settings))

    async def discard(self, round_id: int) -> None:
        """The live message could not be posted: leave nothing behind."""
        async with self.db.undo() as session:
            await session.execute(delete(Round).where(Round.id == round_id))

    async def act(self, round_id: int, actor: Actor, action: d.Action, now: datetime) -> Update:
        async with self.db.write() as session:
            return await self._transition(session, round_id, action, now, actor)

    async def timer(self, round_id: int, kind: str, turn: int, now: datetime) -> Update | None:
        """A warning, expiry or idle timer fired; stale ones (wrong turn, paused, ended) change nothing."""
        actions: dict[str, d.Action] = {"warn": d.Warn(turn), "expire": d.Timeout(turn), "idle": d.IdleCheck()}
        action = actions[kind]
        async with self.db.write() as session:
            try:
                return await self._transition(session, round_id, action, now)
            except NotFound:
                return None

    async def live_in_channel(self, guild_id: int, channel_id: int) -> int | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(Round.id).where(Round.guild_id == guild_id, Round.live_channel_id == channel_id)
            )

    async def end_in_channel(self, actor: Actor, channel_id: int, now: datetime) -> Update:
        round_id = await self.live_in_channel(actor.guild_id, channel_id)
        if round_id is None:
            raise NotFound(texts.no_round_here())
        return await self.act(round_id, actor, d.End(), now)

    async def status(self, actor: Actor, channel_id: int) -> Status:
        async with self.db.read() as session:
            row = await session.scalar(
                select(Round).where(Round.guild_id == actor.guild_id, Round.live_channel_id == channel_id)
            )
            group = (
                await groups.group_by_id(session, row.group_id)
                if row is not None
                else await groups.group_by_channel(session, actor.guild_id, channel_id)
            )
            if group is None:
                raise BadInput(texts.not_a_group_channel())
            facilitator = await groups.is_facilitator(session, actor, group.id)
            view = None
            if row is not None:
                entries = list(await session.scalars(select(RoundEntry).where(RoundEntry.round_id == row.id)))
                view = self._view(row, group, _state_of(row, entries, self.settings))
            if not facilitator:
                return Status(view, False)
            heard, count = await self._heard(session, group.id)
            return Status(view, True, count, d.gini(list(heard.values())) if heard else None, heard)

    async def member_left(self, guild_id: int, user_id: int, now: datetime) -> list[int]:
        """Rounds in this server where the person who left the server has a place."""
        async with self.db.read() as session:
            rows = await session.scalars(
                select(Round.id)
                .join(RoundEntry, RoundEntry.round_id == Round.id)
                .where(
                    Round.guild_id == guild_id,
                    Round.ended_at.is_(None),
                    RoundEntry.user_id == user_id,
                    RoundEntry.place != "out",
                )
            )
            return list(rows)

    async def leave_server(self, round_id: int, user_id: int, now: datetime) -> Update:
        async with self.db.write() as session:
            return await self._transition(session, round_id, d.MemberLeft(user_id), now)

    async def live_rounds(self) -> list[RoundSnapshot]:
        async with self.db.read() as session:
            rows = list(await session.scalars(select(Round).where(Round.ended_at.is_(None)).order_by(Round.id)))
            if not rows:
                return []
            entries = list(
                await session.scalars(select(RoundEntry).where(RoundEntry.round_id.in_([r.id for r in rows])))
            )
            found = await groups.groups_by_ids(session, {r.group_id for r in rows})
        by_round: dict[int, list[RoundEntry]] = {}
        for entry in entries:
            by_round.setdefault(entry.round_id, []).append(entry)
        return [
            self._view(row, found[row.group_id], _state_of(row, by_round.get(row.id, []), self.settings))
            for row in rows
        ]

    async def view(self, round_id: int) -> RoundSnapshot:
        async with self.db.read() as session:
            row = await session.get(Round, round_id)
            if row is None:
                raise NotFound(texts.round_gone())
            entries = list(await session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_id)))
            group = await groups.group_by_id(session, row.group_id)
            assert group is not None
            return self._view(row, group, _state_of(row, entries, self.settings))

    async def swap_notice(self, round_id: int, message_id: int | None) -> int | None:
        """Remember the round's one notice in the channel; returns the previous one (to delete it)."""
        async with self.db.write() as session:
            row = await session.get(Round, round_id)
            if row is None:
                return None
            previous, row.notice_message_id = row.notice_message_id, message_id
            return previous

    async def can_facilitate(self, actor: Actor, round_id: int) -> bool:
        async with self.db.read() as session:
            row = await session.get(Round, round_id)
            if row is None or row.guild_id != actor.guild_id:
                raise NotFound(texts.round_gone())
            return await groups.is_facilitator(session, actor, row.group_id)

    async def turn_off_voice(self, round_id: int, note: str) -> None:
        async with self.db.write() as session:
            await session.execute(update(Round).where(Round.id == round_id).values(voice_mode=False, voice_note=note))

    # --- mutes Hearth set ------------------------------------------------------------------------------

    async def mutes(self, guild_id: int | None = None) -> list[tuple[int, int, int | None]]:
        """(guild, user, round or None) for every server mute Hearth set and has not undone."""
        async with self.db.read() as session:
            query = select(RoundMute.guild_id, RoundMute.user_id, RoundMute.round_id)
            if guild_id is not None:
                query = query.where(RoundMute.guild_id == guild_id)
            return [(int(g), int(u), r) for g, u, r in (await session.execute(query)).all()]

    async def own_mute(self, guild_id: int, user_id: int, round_id: int, now: datetime) -> None:
        async with self.db.write() as session:
            mute = await session.get(RoundMute, (guild_id, user_id))
            if mute is None:
                session.add(RoundMute(guild_id=guild_id, user_id=user_id, round_id=round_id, muted_at=now))
            else:
                mute.round_id = round_id

    async def disown_mute(self, guild_id: int, user_id: int, *, undone: bool) -> None:
        """``undone``: Hearth unmuted them, forget it. Otherwise remember to unmute when they reconnect."""
        async with self.db.write() as session:
            if undone:
                await session.execute(
                    delete(RoundMute).where(RoundMute.guild_id == guild_id, RoundMute.user_id == user_id)
                )
            else:
                await session.execute(
                    update(RoundMute)
                    .where(RoundMute.guild_id == guild_id, RoundMute.user_id == user_id)
                    .values(round_id=None)
                )


def parse_order(value: str) -> d.Order:
    try:
        return d.Order(value)
    except ValueError:
        raise BadInput(texts.bad_order()) from None
