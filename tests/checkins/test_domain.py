"""Pure check-in rules: times of day, next local occurrences across DST, streaks across timezones, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadInput
from cogs.checkins import domain

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
AUCKLAND = ZoneInfo("Pacific/Auckland")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("7:30 a.m.", time(7, 30)),
        ("19:00", time(19, 0)),
        ("19h00", time(19, 0)),
        ("0:05", time(0, 5)),
    ],
)
def test_times_of_day_people_write_are_understood(raw: str, expected: time) -> None:
    assert domain.parse_time_of_day(raw) == expected


@pytest.mark.parametrize("raw", ["", "seven", "25:00", "7:60", "13pm", "0am", "7:3", "tomorrow 7"])
def test_things_that_are_not_times_are_refused_clearly(raw: str) -> None:
    with pytest.raises(BadInput, match="is not a time of day"):
        domain.parse_time_of_day(raw)


def test_notes_are_trimmed_and_refused_over_the_limit_never_cut() -> None:
    assert domain.clean_note("  hi  ", 10) == "hi"
    assert domain.clean_note("   ", 10) is None
    with pytest.raises(BadInput, match="11 characters; the limit is 10"):
        domain.clean_note("x" * 11, 10)


def test_mood_and_visibility_are_validated() -> None:
    assert domain.parse_mood("3") == 3
    for bad in ("0", "6", "great"):
        with pytest.raises(BadInput):
            domain.parse_mood(bad)
    assert domain.parse_visibility("group") is domain.Visibility.GROUP
    with pytest.raises(BadInput):
        domain.parse_visibility("everyone")


def test_next_local_occurrence_keeps_the_local_hour_across_us_dst() -> None:
    before = domain.next_local_occurrence(datetime(2026, 3, 7, 0, 0, tzinfo=UTC), time(7, 30), NEW_YORK)
    assert before == datetime(2026, 3, 7, 12, 30, tzinfo=UTC)
    after = domain.next_local_occurrence(before, time(7, 30), NEW_YORK)
    assert after == datetime(2026, 3, 8, 11, 30, tzinfo=UTC)
    autumn = domain.next_local_occurrence(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), time(7, 30), NEW_YORK)
    assert autumn == datetime(2026, 11, 1, 12, 30, tzinfo=UTC)


def test_a_time_skipped_by_spring_forward_lands_just_after_the_gap() -> None:
    # 29 March 2026, Berlin: 02:00 jumps to 03:00, so 02:30 does not exist that day.
    moment = domain.next_local_occurrence(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), time(2, 30), BERLIN)
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.astimezone(BERLIN).hour == 3


def test_weekly_occurrence_finds_its_weekday() -> None:
    thursday = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    saturday = domain.next_local_occurrence(thursday, time(18, 0), ZoneInfo("UTC"), weekday=5)
    assert saturday == datetime(2026, 1, 3, 18, 0, tzinfo=UTC)
    same_day_later = domain.next_local_occurrence(thursday, time(18, 0), ZoneInfo("UTC"), weekday=3)
    assert same_day_later == datetime(2026, 1, 1, 18, 0, tzinfo=UTC)


def test_a_check_in_at_23_30_local_counts_for_the_local_day_not_the_utc_one() -> None:
    # New York, 1-3 January: 20:00, 23:30, 18:00 local = 2 Jan 01:00, 3 Jan 04:30, 3 Jan 23:00 UTC.
    local = [(1, 20, 0), (2, 23, 30), (3, 18, 0)]
    moments = [datetime(2026, 1, d, h, m, tzinfo=NEW_YORK).astimezone(UTC) for d, h, m in local]
    now = datetime(2026, 1, 3, 20, 0, tzinfo=NEW_YORK)
    assert domain.streaks(moments, NEW_YORK, now) == domain.Streaks(current=3, longest=3)
    # Counted on UTC dates the same member would see only two days.
    assert domain.streaks(moments, ZoneInfo("UTC"), now) == domain.Streaks(current=2, longest=2)
    # Seen from Auckland (a day ahead) they are 2, 3 and 4 January: still three days in a row.
    assert domain.streaks(moments, AUCKLAND, now) == domain.Streaks(current=3, longest=3)


def test_two_check_ins_on_one_local_day_spanning_two_utc_days_are_one_day() -> None:
    early = datetime(2026, 1, 5, 0, 30, tzinfo=BERLIN)  # 4 Jan 23:30 UTC
    late = datetime(2026, 1, 5, 22, 0, tzinfo=BERLIN)
    assert domain.streaks([early, late], BERLIN, late) == domain.Streaks(1, 1)
    assert domain.streaks([early, late], ZoneInfo("UTC"), late) == domain.Streaks(2, 2)


def test_current_streak_survives_until_the_end_of_the_next_local_day() -> None:
    zone = ZoneInfo("UTC")
    days = [datetime(2026, 1, d, 9, 0, tzinfo=UTC) for d in (1, 2, 3, 6, 7)]
    assert domain.streaks(days, zone, datetime(2026, 1, 8, 23, 0, tzinfo=UTC)) == domain.Streaks(2, 3)
    assert domain.streaks(days, zone, datetime(2026, 1, 9, 0, 1, tzinfo=UTC)) == domain.Streaks(0, 3)
    assert domain.streaks([], zone, datetime(2026, 1, 9, tzinfo=UTC)) == domain.Streaks(0, 0)


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=60 * 24 * 90), max_size=60),
    zone=st.sampled_from(["UTC", "America/New_York", "Europe/Berlin", "Pacific/Auckland", "Asia/Kolkata"]),
)
def test_streak_invariants(offsets: list[int], zone: str) -> None:
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=m) for m in offsets]
    now = start + timedelta(days=91)
    result = domain.streaks(moments, tz, now)
    distinct_days = len({m.astimezone(tz).date() for m in moments})
    assert 0 <= result.current <= result.longest <= distinct_days
    assert (result.longest == 0) == (not moments)


def test_trend_words() -> None:
    assert domain.trend_word(2.0, 3.0).startswith("rising")
    assert domain.trend_word(3.0, 2.0).startswith("falling")
    assert domain.trend_word(3.0, 3.1).startswith("steady")
    assert domain.trend_word(None, 3.0) == "not enough check-ins to tell"


def test_low_mood_alert_fires_once_when_the_run_reaches_its_length() -> None:
    assert domain.should_alert([2, 1, 4], threshold=2, consecutive=2)
    assert not domain.should_alert([2, 4], threshold=2, consecutive=2)
    assert not domain.should_alert([1, 2, 1], threshold=2, consecutive=2)  # already alerted at two
    assert domain.should_alert([1, 1], threshold=1, consecutive=2)
    assert domain.low_run([3, 3, 5], threshold=3) == 2


def test_near_local_time_allows_a_late_job_but_not_a_different_hour() -> None:
    at = time(7, 30)
    due = datetime(2026, 3, 8, 11, 30, tzinfo=UTC)
    assert domain.near_local_time(due + timedelta(minutes=20), at, NEW_YORK, timedelta(hours=1))
    assert not domain.near_local_time(due + timedelta(hours=3), at, NEW_YORK, timedelta(hours=1))
