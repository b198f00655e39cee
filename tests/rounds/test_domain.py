"""The pure state machine and the turn-order strategies, including property tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import Conflict, NotAllowed
from cogs.rounds import domain as d

T0 = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)


def started(*people: int, seconds: int = 60) -> d.RoundState:
    state = d.RoundState(turn_seconds=seconds, warning_seconds=15)
    for person in people:
        state = d.apply(state, d.Join(person), T0).state
    return state


def test_first_joiner_takes_the_stick_and_the_timers_are_armed() -> None:
    result = d.apply(d.RoundState(turn_seconds=60), d.Join(1), T0)
    assert result.state.holder == 1
    assert result.state.due_at == T0 + timedelta(seconds=60)
    assert d.Schedule(1, T0 + timedelta(seconds=60)) in result.effects


def test_done_records_time_and_hands_over_in_order() -> None:
    state = started(1, 2, 3)
    result = d.apply(state, d.Done(1, state.turn), T0 + timedelta(seconds=20))
    assert result.state.holder == 2
    assert result.state.queue == (3,)
    assert result.state.tallies[1].seconds == pytest.approx(20)
    assert result.state.tallies[1].shared == 1


def test_only_the_holder_may_press_done_and_a_stale_turn_is_refused() -> None:
    state = started(1, 2)
    with pytest.raises(NotAllowed):
        d.apply(state, d.Done(2, state.turn), T0)
    with pytest.raises(Conflict, match="already moved on"):
        d.apply(state, d.Next(state.turn - 1), T0)


def test_the_same_next_twice_moves_the_stick_once() -> None:
    state = started(1, 2, 3)
    once = d.apply(state, d.Next(state.turn), T0).state
    with pytest.raises(Conflict):
        d.apply(once, d.Next(state.turn), T0)
    assert once.holder == 2


def test_pass_with_come_back_returns_once_at_the_end() -> None:
    state = started(1, 2, 3)
    state = d.apply(state, d.Pass(2, come_back=True), T0).state
    assert state.queue == (3,)
    assert state.later == (2,)
    state = d.apply(state, d.Done(1, state.turn), T0).state
    assert state.holder == 3
    state = d.apply(state, d.Done(3, state.turn), T0).state
    assert state.holder == 2
    again = d.apply(state, d.Pass(2, come_back=True), T0)
    assert again.state.later == ()
    assert "already used your come-back" in again.note
    assert again.state.tallies[2].passed == 2


def test_pause_freezes_the_clock_and_resume_restores_the_remaining_time() -> None:
    state = started(1, seconds=60)
    paused = d.apply(state, d.Pause(), T0 + timedelta(seconds=20)).state
    assert paused.remaining == pytest.approx(40)
    assert paused.due_at is None
    resumed = d.apply(paused, d.Resume(), T0 + timedelta(seconds=500)).state
    assert resumed.due_at == T0 + timedelta(seconds=540)
    done = d.apply(resumed, d.Done(1, resumed.turn), T0 + timedelta(seconds=510)).state
    assert done.tallies[1].seconds == pytest.approx(30)  # 20 before the pause, 10 after


def test_extend_adds_a_minute_and_rearms_the_warning() -> None:
    state = started(1, seconds=60)
    warned = d.apply(state, d.Warn(state.turn), T0 + timedelta(seconds=50)).state
    assert warned.warned
    result = d.apply(warned, d.Extend(warned.turn), T0 + timedelta(seconds=50))
    assert result.state.due_at == T0 + timedelta(seconds=120)
    assert not result.state.warned


def test_stale_and_early_timers_change_nothing() -> None:
    state = started(1, 2)
    assert d.apply(state, d.Timeout(state.turn - 1), T0 + timedelta(hours=1)).state == state
    early = d.apply(state, d.Timeout(state.turn), T0 + timedelta(seconds=10))
    assert early.state.holder == 1
    assert not early.changed
    late = d.apply(state, d.Timeout(state.turn), T0 + timedelta(seconds=61))
    assert late.state.holder == 2


def test_holder_leaving_the_server_moves_the_stick_on() -> None:
    state = started(1, 2)
    result = d.apply(state, d.MemberLeft(1), T0 + timedelta(seconds=5))
    assert result.state.holder == 2
    assert d.HolderLeft(1) in result.effects
    assert result.state.tallies[1].left


def test_end_records_the_holder_and_summarises_without_content() -> None:
    state = started(1, 2, 3)
    state = d.apply(state, d.Done(1, state.turn), T0 + timedelta(seconds=30)).state
    state = d.apply(state, d.Pass(2), T0 + timedelta(seconds=30)).state
    result = d.apply(state, d.End(), T0 + timedelta(seconds=60))
    assert result.state.status is d.Status.ENDED
    assert d.Ended() in result.effects
    summary = d.summarise(result.state.tallies)
    assert summary.shared == (1, 3)
    assert summary.passed == (2,)
    assert summary.total_seconds == pytest.approx(60)
    assert summary.average_seconds == pytest.approx(30)
    with pytest.raises(Conflict, match="ended"):
        d.apply(result.state, d.Join(9), T0)


def test_order_strategies() -> None:
    heard = {1: 300.0, 2: 0.0, 3: 120.0}
    assert d.initial_order(d.Order.SIGNUP, [1, 2, 3], heard, random.Random(1)) == [1, 2, 3]
    assert d.initial_order(d.Order.LEAST_HEARD, [1, 2, 3, 4], heard, random.Random(1)) == [2, 4, 3, 1]
    shuffled = d.initial_order(d.Order.RANDOM, list(range(20)), heard, random.Random(7))
    assert sorted(shuffled) == list(range(20))
    assert shuffled != list(range(20))
    assert d.insert_index(d.Order.LEAST_HEARD, [2, 3, 1], 5, {2: 0, 3: 120, 1: 300, 5: 100}, random.Random()) == 1
    assert d.insert_index(d.Order.SIGNUP, [2, 3, 1], 5, {}, random.Random()) == 3


def test_gini() -> None:
    assert d.gini([]) == 0.0
    assert d.gini([60, 60, 60]) == pytest.approx(0.0)
    assert d.gini([0, 0, 0, 100]) == pytest.approx(0.75)
    assert 0 < d.gini([10, 20, 30]) < 0.5


# --- properties ----------------------------------------------------------------------------------

PEOPLE = st.integers(min_value=1, max_value=6)
ACTIONS = st.one_of(
    st.builds(d.Join, PEOPLE),
    st.builds(d.Leave, PEOPLE),
    st.builds(d.Pass, PEOPLE, st.booleans()),
    st.tuples(st.just("done"), PEOPLE),
    st.just("next"),
    st.just("skip"),
    st.just(d.Pause()),
    st.just(d.Resume()),
    st.just("extend"),
    st.just("warn"),
    st.just("timeout"),
    st.builds(d.MemberLeft, PEOPLE),
    st.just(d.End()),
)


def concrete(action: object, state: d.RoundState) -> d.Action:
    """Bind turn-carrying actions to the current turn (sometimes a stale one)."""
    if isinstance(action, tuple):
        return d.Done(action[1], state.turn)
    return {
        "next": d.Next(state.turn),
        "skip": d.Skip(state.turn),
        "extend": d.Extend(state.turn),
        "warn": d.Warn(state.turn),
        "timeout": d.Timeout(state.turn),
    }.get(action, action)  # type: ignore[call-overload,return-value]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(ACTIONS, st.integers(min_value=0, max_value=90)), max_size=60))
def test_no_sequence_loses_a_member_or_gives_the_stick_to_two(steps: list[tuple[object, int]]) -> None:
    state = d.RoundState(turn_seconds=60, warning_seconds=15)
    now = T0
    joined: set[int] = set()
    for raw, wait in steps:
        now += timedelta(seconds=wait)
        action = concrete(raw, state)
        try:
            result = d.apply(state, action, now)
        except (Conflict, NotAllowed):
            continue
        state = result.state
        if isinstance(action, d.Join):
            joined.add(action.user_id)
        placed = ([state.holder] if state.holder is not None else []) + list(state.queue) + list(state.later)
        # the stick is with one person at most, and nobody waits twice or waits while holding it
        assert len(placed) == len(set(placed))
        # nobody who ever joined is lost: each has a tally (their record), placed or not
        assert joined <= set(state.tallies)
        assert set(placed) <= set(state.tallies)
        # time is consistent with the status
        if state.status is d.Status.RUNNING and state.holder is not None:
            assert state.due_at is not None
        if state.status is d.Status.RUNNING and state.holder is None:
            assert not state.waiting()  # nobody waits while the stick lies free
        if state.status is d.Status.ENDED:
            assert not placed
        assert all(t.seconds >= 0 for t in state.tallies.values())


# --- ending by itself, and the come-back notice ------------------------------------------------------


def idle_round(auto_end: int = 120) -> d.RoundState:
    state = d.RoundState(turn_seconds=60, auto_end_seconds=auto_end)
    state = d.apply(state, d.Join(1), T0).state
    return d.apply(state, d.Done(1, state.turn), T0 + timedelta(seconds=10)).state


def test_a_round_with_nobody_waiting_after_the_last_turn_ends_by_itself() -> None:
    state = idle_round()
    assert state.idle_since == T0 + timedelta(seconds=10)
    assert d.idle_until(state) == T0 + timedelta(seconds=130)
    early = d.apply(state, d.IdleCheck(), T0 + timedelta(seconds=60))
    assert early.state.status is d.Status.RUNNING
    assert not early.changed
    ended = d.apply(state, d.IdleCheck(), T0 + timedelta(seconds=130))
    assert ended.state.status is d.Status.ENDED
    assert d.Ended() in ended.effects
    assert "ended by itself" in ended.note


def test_a_join_before_the_idle_time_keeps_the_round_going() -> None:
    state = d.apply(idle_round(), d.Join(2), T0 + timedelta(seconds=60)).state
    assert state.holder == 2
    assert state.idle_since is None
    assert d.idle_until(state) is None
    assert d.apply(state, d.IdleCheck(), T0 + timedelta(seconds=500)).state.status is d.Status.RUNNING


def test_a_fresh_round_nobody_has_joined_yet_never_ends_by_itself() -> None:
    state = d.RoundState(turn_seconds=60, auto_end_seconds=120)
    assert d.idle_until(state) is None
    assert d.apply(state, d.IdleCheck(), T0 + timedelta(hours=5)).state.status is d.Status.RUNNING


def test_auto_end_can_be_switched_off() -> None:
    state = idle_round(auto_end=0)
    assert d.idle_until(state) is None
    assert d.apply(state, d.IdleCheck(), T0 + timedelta(hours=5)).state.status is d.Status.RUNNING


def test_a_pause_does_not_count_as_idle_time() -> None:
    paused = d.apply(idle_round(), d.Pause(), T0 + timedelta(seconds=20)).state
    assert d.idle_until(paused) is None
    resumed = d.apply(paused, d.Resume(), T0 + timedelta(seconds=600))
    assert resumed.state.idle_since == T0 + timedelta(seconds=600)
    assert d.Idle(T0 + timedelta(seconds=600)) in resumed.effects


def test_the_stick_coming_back_is_announced_to_that_person() -> None:
    state = started(1, 2)
    state = d.apply(state, d.Pass(1, come_back=True), T0).state
    result = d.apply(state, d.Done(2, state.turn), T0 + timedelta(seconds=5))
    assert result.state.holder == 1
    assert d.CameBack(1) in result.effects
