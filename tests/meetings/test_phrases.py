"""The way people say when a meeting happens: each phrase from issue 14 to its expected occurrences,
across a daylight-saving change, and the phrases that must be refused with a way forward."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cogs.meetings.domain import MeetingInputError, occurrences
from cogs.meetings.phrases import friendly_when, parse_schedule, reminder_text

NY = ZoneInfo("America/New_York")
# Thursday 26 February 2026, 10:00 in New York; clocks go forward on Sunday 8 March.
NOW = datetime(2026, 2, 26, 15, 0, tzinfo=UTC)


def local_starts(text: str, count: int = 4) -> list[str]:
    schedule = parse_schedule(text, NOW, NY)
    found = occurrences(schedule.first.local, schedule.recurrence, NY, NOW, limit=count)
    return [moment.astimezone(NY).strftime("%a %d %b %H:%M") for moment in found]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("every Tuesday 7pm", ["Tue 03 Mar 19:00", "Tue 10 Mar 19:00", "Tue 17 Mar 19:00", "Tue 24 Mar 19:00"]),
        ("Every other Thursday at 18:30", ["Thu 26 Feb 18:30", "Thu 12 Mar 18:30", "Thu 26 Mar 18:30", "Thu 09 Apr 18:30"]),  # noqa: E501
        ("first Monday of the month 19:00", ["Mon 02 Mar 19:00", "Mon 06 Apr 19:00", "Mon 04 May 19:00", "Mon 01 Jun 19:00"]),  # noqa: E501
        ("weekdays 8am", ["Fri 27 Feb 08:00", "Mon 02 Mar 08:00", "Tue 03 Mar 08:00", "Wed 04 Mar 08:00"]),
        ("every 3 weeks on Sunday at 9:30", ["Sun 01 Mar 09:30", "Sun 22 Mar 09:30", "Sun 12 Apr 09:30", "Sun 03 May 09:30"]),  # noqa: E501
        ("last Friday of every month at noon", ["Fri 27 Feb 12:00", "Fri 27 Mar 12:00", "Fri 24 Apr 12:00", "Fri 29 May 12:00"]),  # noqa: E501
        ("Saturdays 10am", ["Sat 28 Feb 10:00", "Sat 07 Mar 10:00", "Sat 14 Mar 10:00", "Sat 21 Mar 10:00"]),
        ("daily at 21:00", ["Thu 26 Feb 21:00", "Fri 27 Feb 21:00", "Sat 28 Feb 21:00", "Sun 01 Mar 21:00"]),
        ("tomorrow 6pm", ["Fri 27 Feb 18:00"]),
        ("in 2 hours", ["Thu 26 Feb 12:00"]),
    ],
)  # fmt: skip
def test_phrases_people_type_become_the_expected_local_times(phrase: str, expected: list[str]) -> None:
    assert local_starts(phrase) == expected


def test_the_wall_clock_time_holds_across_the_daylight_saving_change() -> None:
    schedule = parse_schedule("every Tuesday 7pm", NOW, NY)
    found = occurrences(schedule.first.local, schedule.recurrence, NY, NOW, limit=2)
    assert [moment.hour for moment in found] == [0, 23]  # 19:00 EST is 00:00 UTC, 19:00 EDT is 23:00 UTC
    assert schedule.describe() == "every Tuesday at 19:00, from Tue 03 Mar (America/New_York)"


@pytest.mark.parametrize(
    ("phrase", "says"),
    [
        ("every hour", "at most once a day"),
        ("every 30 minutes", "at most once a day"),
        ("next Thursday 19:00", "could mean today or 05 March"),
        ("every Tuesday at teatime", "as a time of day"),
        ("sometime soon", "every Tuesday 7pm"),
        ("2026-02-25 19:00", "in the past"),
        ("2026-03-08 02:30", "doesn't exist"),
    ],
)
def test_phrases_that_cannot_work_say_what_would(phrase: str, says: str) -> None:
    with pytest.raises(MeetingInputError) as refused:
        parse_schedule(phrase, NOW, NY)
    assert says in str(refused.value)
    assert len(str(refused.value)) < 400


def test_a_recurring_first_date_in_a_gap_is_refused() -> None:
    saturday_night = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    with pytest.raises(MeetingInputError, match="daylight-saving"):
        parse_schedule("every Sunday 2:30am", saturday_night, NY)


def test_times_are_said_the_way_people_say_them() -> None:
    start = datetime(2026, 2, 27, 0, 0, tzinfo=UTC)  # Thursday 19:00 in New York
    assert friendly_when(start, NOW, NY) == "today at 19:00"
    assert friendly_when(start, NOW, ZoneInfo("Europe/Paris")) == "tomorrow at 01:00"  # the reader's own zone
    assert friendly_when(datetime(2026, 3, 1, 15, 0, tzinfo=UTC), NOW, NY) == "on Sunday at 10:00"
    assert friendly_when(datetime(2026, 3, 12, 15, 0, tzinfo=UTC), NOW, NY) == "on Thursday 12 March at 11:00"
    text = reminder_text("Tuesday circle", start, NOW, NY)
    assert text == "Reminder: **Tuesday circle** starts today at 19:00 (America/New_York)"
