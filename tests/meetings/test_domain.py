"""Recurrence, DST and the time parser, across timezones (pure, no I/O).

Naive datetimes here are wall-clock times in a named zone, on purpose.
"""

# ruff: noqa: DTZ001

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.meetings import domain
from cogs.meetings.domain import MeetingInputError, Recurrence

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland", "UTC"]


@pytest.mark.parametrize("zone_name", ZONES)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 19:00", datetime(2026, 12, 3, 19, 0)),
        ("next Thursday 19:30", None),
        ("tomorrow 7pm", None),
        ("3 Dec 18:00", datetime(2026, 12, 3, 18, 0)),
        ("Dec 3 7:30pm", datetime(2026, 12, 3, 19, 30)),
    ],
)
def test_parser_reads_what_people_type(zone_name: str, text: str, expected: datetime | None) -> None:
    zone = ZoneInfo(zone_name)
    parsed = domain.parse_when(text, NOW, zone)
    today = NOW.astimezone(zone).date()
    if text == "tomorrow 7pm":
        expected = datetime.combine(today + timedelta(days=1), datetime.min.time()).replace(hour=19)
    if text == "next Thursday 19:30":
        ahead = (3 - today.weekday()) % 7 or 7
        expected = datetime.combine(today + timedelta(days=ahead), datetime.min.time()).replace(hour=19, minute=30)
    assert parsed.local == expected
    assert parsed.utc == parsed.local.replace(tzinfo=zone).astimezone(UTC)


def test_next_weekday_on_that_weekday_means_a_week_later() -> None:
    thursday_noon = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    parsed = domain.parse_when("next Thursday 19:30", thursday_noon, ZoneInfo("UTC"))
    assert parsed.local == datetime(2026, 3, 12, 19, 30)
    assert domain.parse_when("thursday 19:30", thursday_noon, ZoneInfo("UTC")).local == datetime(2026, 3, 5, 19, 30)


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("2026-03-08 02:30", "America/New_York", "doesn't exist"),
        ("2026-03-29 02:15", "Europe/Berlin", "doesn't exist"),
        ("2026-11-01 01:30", "America/New_York", "happens twice"),
        ("2026-10-25 02:30", "Europe/Berlin", "happens twice"),
        ("2026-04-05 02:30", "Australia/Sydney", "happens twice"),
        ("2026-02-01 10:00", "UTC", "in the past"),
        ("yesterday-ish", "UTC", "couldn't read"),
        ("2026-12-03", "UTC", "couldn't read"),
        ("25:00", "UTC", "couldn't read"),
    ],
)
def test_parser_refuses_gaps_folds_past_and_nonsense(text: str, zone: str, message: str) -> None:
    with pytest.raises(MeetingInputError, match=message):
        domain.parse_when(text, NOW, ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone_name", "before_utc", "after_utc"),
    [
        ("America/New_York", datetime(2026, 3, 6, 0, 0, tzinfo=UTC), datetime(2026, 3, 12, 23, 0, tzinfo=UTC)),
        ("Europe/Berlin", datetime(2026, 3, 26, 18, 0, tzinfo=UTC), datetime(2026, 4, 2, 17, 0, tzinfo=UTC)),
    ],
)
def test_weekly_stays_at_19_local_across_dst(zone_name: str, before_utc: datetime, after_utc: datetime) -> None:
    zone = ZoneInfo(zone_name)
    start = before_utc.astimezone(zone).replace(tzinfo=None)
    assert start.hour == 19
    found = domain.occurrences(start, Recurrence("FREQ=WEEKLY"), zone, before_utc - timedelta(hours=1), limit=2)
    assert found == [before_utc, after_utc]
    assert all(f.astimezone(zone).hour == 19 for f in found)


@given(
    zone_name=st.sampled_from(ZONES),
    days=st.integers(min_value=1, max_value=700),
    hour=st.integers(min_value=5, max_value=22),
    interval=st.integers(min_value=1, max_value=4),
)
def test_every_occurrence_keeps_the_wall_clock_time(zone_name: str, days: int, hour: int, interval: int) -> None:
    zone = ZoneInfo(zone_name)
    start = datetime(2026, 1, 1, hour, 0) + timedelta(days=days)
    rule = Recurrence(f"FREQ=WEEKLY;INTERVAL={interval}")
    found = domain.occurrences(start, rule, zone, datetime(2026, 1, 1, tzinfo=UTC), limit=30)
    assert len(found) == 30
    for a, b in itertools.pairwise(found):
        assert a < b
        assert (b.astimezone(zone).date() - a.astimezone(zone).date()).days == 7 * interval
    assert {f.astimezone(zone).strftime("%H:%M %a") for f in found} == {start.strftime("%H:%M %a")}


def test_monthly_on_the_nth_weekday_and_last_weekday() -> None:
    zone = ZoneInfo("Europe/London")
    second_thursday = datetime(2026, 3, 12, 18, 0)
    rule = domain.build_recurrence("monthly", second_thursday)
    assert rule.rule == "FREQ=MONTHLY;BYDAY=+2TH"
    found = domain.occurrences(second_thursday, rule, zone, NOW, limit=3)
    assert [f.astimezone(zone).date().isoformat() for f in found] == ["2026-03-12", "2026-04-09", "2026-05-14"]
    last = domain.build_recurrence("monthly", datetime(2026, 3, 31, 18, 0))
    assert last.rule == "FREQ=MONTHLY;BYDAY=-1TU"
    assert "last Tuesday" in domain.describe_recurrence(last, datetime(2026, 3, 31, 18, 0))


def test_skipped_dates_are_left_out() -> None:
    zone = ZoneInfo("UTC")
    start = datetime(2026, 3, 5, 19, 0)
    skip = datetime(2026, 3, 12, 19, 0, tzinfo=UTC)
    found = domain.occurrences(start, Recurrence("FREQ=WEEKLY"), zone, NOW, limit=2, skipped=[skip])
    assert found == [datetime(2026, 3, 5, 19, tzinfo=UTC), datetime(2026, 3, 19, 19, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SOMETIMES", "isn't valid"),
        ("FREQ=WEEKLY;BYDAY=XX", "isn't valid"),
        ("FREQ=MINUTELY", "at most once a day"),
        ("FREQ=HOURLY;INTERVAL=25", "at most once a day"),
        ("FREQ=DAILY;BYHOUR=9,18", "more than once a day"),
        ("FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=8,9", "more than once a day"),
        ("FREQ=WEEKLY;UNTIL=20250101T000000Z", "no occurrence in the future"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=WEEKLY", "only the RRULE"),
    ],
)
def test_bad_rrules_are_refused(rule: str, message: str) -> None:
    start = datetime(2026, 3, 5, 19, 0)
    with pytest.raises(MeetingInputError, match=message):
        recurrence = domain.build_recurrence("rrule", start, rule=rule)
        domain.validate_recurrence(start, recurrence, NOW, ZoneInfo("UTC"))


def test_good_rrules_pass_and_rrule_prefix_is_accepted() -> None:
    start = datetime(2026, 3, 7, 10, 0)
    recurrence = domain.build_recurrence("rrule", start, rule="RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=6")
    domain.validate_recurrence(start, recurrence, NOW, ZoneInfo("UTC"))
    daily = domain.build_recurrence("rrule", start, rule="FREQ=DAILY")
    domain.validate_recurrence(start, daily, NOW, ZoneInfo("UTC"))
    assert len(domain.occurrences(start, recurrence, ZoneInfo("UTC"), NOW, limit=10)) == 6


def test_reminder_offsets_and_next_job() -> None:
    assert domain.parse_offsets("24h, 15m", [60]) == (1440, 15)
    assert domain.parse_offsets("1d 30 90", [60]) == (1440, 90, 30)
    assert domain.parse_offsets(None, [1440, 15]) == (1440, 15)
    for bad in ("soon", "0", "30d", "1,2,3,4,5,6"):
        with pytest.raises(MeetingInputError):
            domain.parse_offsets(bad, [60])
    start = datetime(2026, 3, 5, 19, tzinfo=UTC)
    assert domain.next_job_at(start, 60, (1440, 15), (), False) == start - timedelta(days=1)
    assert domain.next_job_at(start, 60, (1440, 15), (1440,), False) == start - timedelta(minutes=15)
    assert domain.next_job_at(start, 60, (1440, 15), (1440, 15), False) == start
    assert domain.next_job_at(start, 60, (1440, 15), (1440, 15), True) == start + timedelta(hours=1)
    assert domain.reminders_already_past(start, (1440, 15), start - timedelta(hours=2)) == {1440}


def test_attendance_share() -> None:
    start = datetime(2026, 3, 5, 19, tzinfo=UTC)
    end = start + timedelta(hours=1)
    assert domain.clamp_seconds(start - timedelta(minutes=10), start + timedelta(minutes=30), start, end) == 1800
    assert domain.clamp_seconds(end + timedelta(minutes=1), end + timedelta(minutes=2), start, end) == 0
    assert domain.attended(1800, 60, 0.5)
    assert not domain.attended(1799, 60, 0.5)
