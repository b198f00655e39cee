"""Talking-stick rounds as a pure state machine: state + action -> new state + effects.

No I/O, no ``discord``: "now" comes in with every action, and randomness comes in as a
``random.Random``. The service loads a ``RoundState`` from the database, applies one action,
stores the result and carries out the effects (timers, warning, message edit, voice mutes).

Words used here:
- the *holder* holds the talking stick (at most one person, ever);
- the *queue* waits for the stick, in order; *later* holds those who passed with
  "come back to me" and get the stick once more when the queue runs out;
- every person who ever joined has a *tally* (time spoken, turns shared/passed/skipped).
- ``turn`` counts stick hand-overs: timers and buttons carry it, so a stale timer or a second
  click on the same hand-over changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import Conflict, NotAllowed
from cogs.rounds import texts


class Status(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Order(StrEnum):
    SIGNUP = "signup"
    RANDOM = "random"
    LEAST_HEARD = "least_heard"


class Outcome(StrEnum):
    SHARED = "shared"
    PASSED = "passed"
    SKIPPED = "skipped"
    LEFT = "left"


@dataclass(frozen=True)
class Tally:
    seconds: float = 0.0
    shared: int = 0
    passed: int = 0
    skipped: int = 0
    left: bool = False
    came_back: bool = False  # used their one "come back to me"


@dataclass(frozen=True)
class RoundState:
    turn_seconds: int
    warning_seconds: int = 30
    status: Status = Status.RUNNING
    holder: int | None = None
    queue: tuple[int, ...] = ()
    later: tuple[int, ...] = ()
    tallies: Mapping[int, Tally] = field(default_factory=dict)
    turn: int = 0
    stretch_started_at: datetime | None = None  # when the holder's current running stretch began
    due_at: datetime | None = None  # when running with a holder
    remaining: float | None = None  # seconds left, when paused with a holder
    spoken: float = 0.0  # the holder's time this turn before the current stretch
    warned: bool = False
    auto_end_seconds: int = 0  # idle time after the last turn before the round ends by itself; 0 = never
    idle_since: datetime | None = None  # when a turn ended with nobody waiting (None while anyone is)

    def waiting(self) -> tuple[int, ...]:
        return self.queue + self.later

    def seconds_left(self, now: datetime) -> float | None:
        if self.holder is None:
            return None
        if self.status is Status.RUNNING and self.due_at is not None:
            return max(0.0, (self.due_at - now).total_seconds())
        return self.remaining

    def held_for(self, now: datetime) -> float:
        """How long the holder has spoken this turn (paused time excluded)."""
        if self.holder is None:
            return 0.0
        running = 0.0
        if self.status is Status.RUNNING and self.stretch_started_at is not None:
            running = max(0.0, (now - self.stretch_started_at).total_seconds())
        return self.spoken + running


# --- actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Join:
    user_id: int
    index: int | None = None  # where in the queue (the order strategy decides); None = the end


@dataclass(frozen=True)
class Leave:
    user_id: int


@dataclass(frozen=True)
class Pass:
    user_id: int
    come_back: bool = False


@dataclass(frozen=True)
class Done:
    user_id: int
    turn: int


@dataclass(frozen=True)
class Next:
    turn: int


@dataclass(frozen=True)
class Skip:
    turn: int


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Extend:
    turn: int
    seconds: int = 60


@dataclass(frozen=True)
class Warn:
    turn: int


@dataclass(frozen=True)
class Timeout:
    turn: int


@dataclass(frozen=True)
class End:
    pass


@dataclass(frozen=True)
class IdleCheck:
    """The idle timer fired: end the round if it is still idle and has been for long enough."""


@dataclass(frozen=True)
class MemberLeft:
    user_id: int


Action = (
    Join | Leave | Pass | Done | Next | Skip | Pause | Resume | Extend | Warn | Timeout | End | IdleCheck | MemberLeft
)


# --- effects ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """(Re)arm the warning and expiry timers of this turn."""

    turn: int
    due_at: datetime


@dataclass(frozen=True)
class Unschedule:
    pass


@dataclass(frozen=True)
class WarnHolder:
    user_id: int
    due_at: datetime


@dataclass(frozen=True)
class TurnEnded:
    user_id: int
    outcome: Outcome
    seconds: float


@dataclass(frozen=True)
class HolderLeft:
    user_id: int


@dataclass(frozen=True)
class CameBack:
    """The stick came back to someone who passed with "come back to me": they are told (only them)."""

    user_id: int


@dataclass(frozen=True)
class Idle:
    """A turn ended and nobody is waiting: arm the idle timer (the round ends by itself if it stays so)."""

    since: datetime


@dataclass(frozen=True)
class Ended:
    pass


Effect = Schedule | Unschedule | WarnHolder | TurnEnded | HolderLeft | CameBack | Idle | Ended


@dataclass(frozen=True)
class Transition:
    state: RoundState
    effects: tuple[Effect, ...] = ()
    changed: bool = True  # something a person sees on the live message changed
    note: str = ""  # a short extra word for the person who acted


def _with_tally(state: RoundState, user_id: int, **changes: object) -> dict[int, Tally]:
    tallies = dict(state.tallies)
    tallies[user_id] = replace(tallies.get(user_id, Tally()), **changes)  # type: ignore[arg-type]
    return tallies


def _start_turn(state: RoundState, now: datetime, effects: list[Effect]) -> RoundState:
    """Hand the stick to the next waiting person (queue first, then "later"), or to nobody."""
    queue, later = state.queue, state.later
    holder: int | None = None
    if queue:
        holder, queue = queue[0], queue[1:]
    elif later:
        holder, later = later[0], later[1:]
        effects.append(CameBack(holder))
    state = replace(
        state,
        holder=holder,
        queue=queue,
        later=later,
        turn=state.turn + 1,
        spoken=0.0,
        warned=False,
        stretch_started_at=None,
        due_at=None,
        remaining=None,
        idle_since=None,
    )
    if holder is None:
        effects.append(Unschedule())
        return state
    if state.status is Status.RUNNING:
        due = now + timedelta(seconds=state.turn_seconds)
        effects.append(Schedule(state.turn, due))
        return replace(state, stretch_started_at=now, due_at=due)
    effects.append(Unschedule())
    return replace(state, remaining=float(state.turn_seconds))


def _finish_turn(
    state: RoundState, now: datetime, outcome: Outcome, effects: list[Effect], *, come_back: bool = False
) -> RoundState:
    """Close the holder's turn (recording their time) and move the stick on."""
    holder = state.holder
    assert holder is not None
    seconds = state.held_for(now)
    tally = state.tallies.get(holder, Tally())
    later = state.later
    came_back = tally.came_back
    if come_back and not came_back:
        later, came_back = (*later, holder), True
    tallies = _with_tally(
        state,
        holder,
        seconds=tally.seconds + seconds,
        shared=tally.shared + (outcome is Outcome.SHARED),
        passed=tally.passed + (outcome is Outcome.PASSED),
        skipped=tally.skipped + (outcome is Outcome.SKIPPED),
        left=tally.left or outcome is Outcome.LEFT,
        came_back=came_back,
    )
    effects.append(TurnEnded(holder, outcome, seconds))
    state = replace(state, tallies=tallies, later=later, holder=None)
    state = _start_turn(state, now, effects)
    if state.holder is None and state.status is Status.RUNNING and state.auto_end_seconds > 0:
        state = replace(state, idle_since=now)
        effects.append(Idle(now))
    return state


def _require_open(state: RoundState) -> None:
    if state.status is Status.ENDED:
        raise Conflict(texts.round_ended_already())


def _require_turn(state: RoundState, turn: int) -> None:
    if turn != state.turn:
        raise Conflict(texts.stale())


def apply(state: RoundState, action: Action, now: datetime) -> Transition:
    """The one entry point: what ``action`` at ``now`` does to ``state``."""
    effects: list[Effect] = []
    note = ""
    if isinstance(action, (Warn, Timeout)):
        return _timer(state, action, now)
    if isinstance(action, IdleCheck):
        if not is_idle_long_enough(state, now):
            return Transition(state, (), changed=False)
        ended = apply(state, End(), now)
        return replace(ended, note=texts.ended_by_itself())
    _require_open(state)

    if isinstance(action, Join):
        user = action.user_id
        if user == state.holder:
            raise Conflict(texts.holding_already())
        if user in state.queue:
            raise Conflict(texts.queued_already(state.queue.index(user) + 1))
        if user in state.later:
            raise Conflict(texts.coming_back_already())
        tallies = _with_tally(state, user, left=False)
        index = len(state.queue) if action.index is None else max(0, min(action.index, len(state.queue)))
        state = replace(state, tallies=tallies, queue=(*state.queue[:index], user, *state.queue[index:]))
        if state.holder is None and state.status is Status.RUNNING:
            state = _start_turn(state, now, effects)
        note = _position_note(state, user)

    elif isinstance(action, Leave):
        user = action.user_id
        if user == state.holder:
            state = _finish_turn(state, now, Outcome.SHARED, effects)
            note = texts.left_while_holding()
        elif user in state.queue or user in state.later:
            state = replace(
                state,
                queue=tuple(u for u in state.queue if u != user),
                later=tuple(u for u in state.later if u != user),
            )
            note = texts.left_queue()
        else:
            raise Conflict(texts.not_queued())

    elif isinstance(action, Pass):
        user = action.user_id
        tally = state.tallies.get(user, Tally())
        back = action.come_back and not tally.came_back
        if user == state.holder:
            state = _finish_turn(state, now, Outcome.PASSED, effects, come_back=back)
        elif user in state.queue or user in state.later:
            later = tuple(u for u in state.later if u != user)
            if back:
                later = (*later, user)
            tallies = _with_tally(state, user, passed=tally.passed + 1, came_back=tally.came_back or back)
            state = replace(state, tallies=tallies, queue=tuple(u for u in state.queue if u != user), later=later)
        else:
            raise Conflict(texts.nothing_to_pass())
        note = texts.passed(back, action.come_back and tally.came_back)

    elif isinstance(action, Done):
        if state.holder != action.user_id:
            raise NotAllowed(texts.only_holder_done())
        _require_turn(state, action.turn)
        state = _finish_turn(state, now, Outcome.SHARED, effects)
        note = texts.thanks()

    elif isinstance(action, (Next, Skip)):
        _require_turn(state, action.turn)
        if state.holder is None:
            if not state.waiting():
                raise Conflict(texts.nobody_waiting())
            state = _start_turn(state, now, effects)
        else:
            outcome = Outcome.SHARED if isinstance(action, Next) else Outcome.SKIPPED
            state = _finish_turn(state, now, outcome, effects)

    elif isinstance(action, Pause):
        if state.status is Status.PAUSED:
            raise Conflict(texts.paused_already())
        if state.holder is not None:
            state = replace(
                state,
                spoken=state.held_for(now),
                remaining=state.seconds_left(now),
                due_at=None,
                stretch_started_at=None,
            )
        state = replace(state, status=Status.PAUSED)
        effects.append(Unschedule())

    elif isinstance(action, Resume):
        if state.status is not Status.PAUSED:
            raise Conflict(texts.not_paused())
        state = replace(state, status=Status.RUNNING)
        if state.holder is not None:
            due = now + timedelta(seconds=state.remaining or 0.0)
            state = replace(state, due_at=due, stretch_started_at=now, remaining=None)
            effects.append(Schedule(state.turn, due))
        elif state.waiting():
            state = _start_turn(state, now, effects)
        elif state.idle_since is not None:  # idle before the pause: the idle time starts again now
            state = replace(state, idle_since=now)
            effects.append(Idle(now))

    elif isinstance(action, Extend):
        _require_turn(state, action.turn)
        if state.holder is None:
            raise Conflict(texts.nothing_to_extend())
        if state.status is Status.RUNNING and state.due_at is not None:
            due = state.due_at + timedelta(seconds=action.seconds)
            state = replace(state, due_at=due)
            effects.append(Schedule(state.turn, due))
        else:
            state = replace(state, remaining=(state.remaining or 0.0) + action.seconds)
        left = state.seconds_left(now) or 0.0
        state = replace(state, warned=state.warned and left <= state.warning_seconds)

    elif isinstance(action, End):
        if state.holder is not None:
            state = _finish_turn(state, now, Outcome.SHARED, effects)
        state = replace(
            state,
            status=Status.ENDED,
            holder=None,
            queue=(),
            later=(),
            due_at=None,
            remaining=None,
            stretch_started_at=None,
        )
        effects = [e for e in effects if not isinstance(e, Schedule)]
        effects += [Unschedule(), Ended()]

    elif isinstance(action, MemberLeft):
        user = action.user_id
        if user not in state.tallies and user != state.holder:
            return Transition(state, (), changed=False)
        if user == state.holder:
            state = _finish_turn(state, now, Outcome.LEFT, effects)
            effects.append(HolderLeft(user))
        else:
            tallies = _with_tally(state, user, left=True)
            state = replace(
                state,
                tallies=tallies,
                queue=tuple(u for u in state.queue if u != user),
                later=tuple(u for u in state.later if u != user),
            )
    else:  # pragma: no cover - the Action union is closed
        raise TypeError(f"unknown action {action!r}")
    return Transition(state, tuple(effects), changed=True, note=note.strip())


def _timer(state: RoundState, action: Warn | Timeout, now: datetime) -> Transition:
    """Timers fire late, twice, or after the turn they belong to: anything stale does nothing."""
    live = (
        state.status is Status.RUNNING
        and state.holder is not None
        and action.turn == state.turn
        and state.due_at is not None
    )
    if not live:
        return Transition(state, (), changed=False)
    assert state.holder is not None
    assert state.due_at is not None
    if isinstance(action, Warn):
        if state.warned or now >= state.due_at:
            return Transition(state, (), changed=False)
        return Transition(replace(state, warned=True), (WarnHolder(state.holder, state.due_at),), changed=False)
    if now < state.due_at:  # fired early (e.g. +1 min was pressed after it was armed)
        return Transition(state, (Schedule(state.turn, state.due_at),), changed=False)
    effects: list[Effect] = []
    state = _finish_turn(state, now, Outcome.SHARED, effects)
    return Transition(state, tuple(effects), changed=True)


def idle_until(state: RoundState) -> datetime | None:
    """When an idle round ends by itself, or None when it isn't idle (or never ends by itself)."""
    if (
        state.status is not Status.RUNNING
        or state.holder is not None
        or state.waiting()
        or state.idle_since is None
        or state.auto_end_seconds <= 0
    ):
        return None
    return state.idle_since + timedelta(seconds=state.auto_end_seconds)


def is_idle_long_enough(state: RoundState, now: datetime) -> bool:
    until = idle_until(state)
    return until is not None and now >= until


def _position_note(state: RoundState, user: int) -> str:
    if user == state.holder:
        return texts.position(True, 1)
    return texts.position(False, state.queue.index(user) + 1)


# --- turn order -----------------------------------------------------------------------------------


def initial_order(order: Order, signed_up: Sequence[int], heard: Mapping[int, float], rng: random.Random) -> list[int]:
    """The starting queue: as signed up, shuffled, or those heard least (recently) first."""
    people = list(dict.fromkeys(signed_up))
    if order is Order.RANDOM:
        rng.shuffle(people)
    elif order is Order.LEAST_HEARD:
        people.sort(key=lambda user: heard.get(user, 0.0))  # stable: ties keep sign-up order
    return people


def insert_index(order: Order, queue: Sequence[int], user: int, heard: Mapping[int, float], rng: random.Random) -> int:
    """Where a late joiner goes: the end, a random place, or before everyone heard more than them."""
    if order is Order.RANDOM:
        return rng.randint(0, len(queue))
    if order is Order.LEAST_HEARD:
        mine = heard.get(user, 0.0)
        for index, other in enumerate(queue):
            if heard.get(other, 0.0) > mine:
                return index
    return len(queue)


# --- balance --------------------------------------------------------------------------------------


def gini(values: Sequence[float]) -> float:
    """Imbalance of speaking time: 0 = everyone equal, towards 1 = one voice fills the time."""
    data = sorted(max(0.0, v) for v in values)
    n = len(data)
    total = sum(data)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum((index + 1) * value for index, value in enumerate(data))
    return max(0.0, (2 * weighted) / (n * total) - (n + 1) / n)


@dataclass(frozen=True)
class Summary:
    shared: tuple[int, ...]  # for the facilitator's own figures; the public summary shows only counts
    passed: tuple[int, ...]
    total_seconds: float
    average_seconds: float
    gini: float
    turns: int = 0  # turns taken: shared, passed or skipped


def summarise(tallies: Mapping[int, Tally]) -> Summary:
    """Who shared and who passed, total and average speaking time: never what was said."""
    shared = tuple(user for user, tally in tallies.items() if tally.shared)
    passed = tuple(user for user, tally in tallies.items() if not tally.shared and (tally.passed or tally.skipped))
    total = sum(tally.seconds for tally in tallies.values())
    average = total / len(shared) if shared else 0.0
    balance = gini([tally.seconds for tally in tallies.values() if tally.shared or tally.seconds > 0])
    turns = sum(tally.shared + tally.passed + tally.skipped for tally in tallies.values())
    return Summary(shared, passed, total, average, balance, turns)
