"""German meeting phrases (issue 15): each phrase a German member types becomes the same local times as its
English counterpart, across a daylight-saving change; what can't work is refused in German with phrases
that would; English is still understood; and the times are said back in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import i18n
from cogs.meetings.domain import MeetingInputError, occurrences
from cogs.meetings.phrases import PARSED_IN, friendly_offset, friendly_when, parse_date, parse_schedule, reminder_text

BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 19 March 2026, 11:00 in Berlin; clocks go forward on Sunday 29 March.
NOW = datetime(2026, 3, 19, 10, 0, tzinfo=UTC)


def local_starts(text: str, language: str = "de", count: int = 4) -> list[str]:
    schedule = parse_schedule(text, NOW, BERLIN, language)
    found = occurrences(schedule.first.local, schedule.recurrence, BERLIN, NOW, limit=count)
    return [moment.astimezone(BERLIN).strftime("%a %d %b %H:%M") for moment in found]


@pytest.mark.parametrize(
    ("phrase", "english", "expected"),
    [
        ("jeden Dienstag 19 Uhr", "every Tuesday 7pm", ["Tue 24 Mar 19:00", "Tue 31 Mar 19:00", "Tue 07 Apr 19:00", "Tue 14 Apr 19:00"]),  # noqa: E501
        ("dienstags 19 Uhr", "Tuesdays 7pm", ["Tue 24 Mar 19:00", "Tue 31 Mar 19:00", "Tue 07 Apr 19:00", "Tue 14 Apr 19:00"]),  # noqa: E501
        ("jeden zweiten Donnerstag um 18:30", "every other Thursday at 18:30", ["Thu 19 Mar 18:30", "Thu 02 Apr 18:30", "Thu 16 Apr 18:30", "Thu 30 Apr 18:30"]),  # noqa: E501
        ("alle 2 Wochen am Donnerstag um 18.30 Uhr", "every other Thursday at 18:30", ["Thu 19 Mar 18:30", "Thu 02 Apr 18:30", "Thu 16 Apr 18:30", "Thu 30 Apr 18:30"]),  # noqa: E501
        ("erster Montag im Monat 19:00", "first Monday of the month 19:00", ["Mon 06 Apr 19:00", "Mon 04 May 19:00", "Mon 01 Jun 19:00", "Mon 06 Jul 19:00"]),  # noqa: E501
        ("am letzten Freitag im Monat 12 Uhr", "last Friday of every month at noon", ["Fri 27 Mar 12:00", "Fri 24 Apr 12:00", "Fri 29 May 12:00", "Fri 26 Jun 12:00"]),  # noqa: E501
        ("werktags 8 Uhr", "weekdays 8am", ["Fri 20 Mar 08:00", "Mon 23 Mar 08:00", "Tue 24 Mar 08:00", "Wed 25 Mar 08:00"]),  # noqa: E501
        ("alle 3 Wochen am Sonntag um 9:30", "every 3 weeks on Sunday at 9:30", ["Sun 22 Mar 09:30", "Sun 12 Apr 09:30", "Sun 03 May 09:30", "Sun 24 May 09:30"]),  # noqa: E501
        ("täglich 21 Uhr", "daily at 21:00", ["Thu 19 Mar 21:00", "Fri 20 Mar 21:00", "Sat 21 Mar 21:00", "Sun 22 Mar 21:00"]),  # noqa: E501
        ("morgen 18 Uhr", "tomorrow 6pm", ["Fri 20 Mar 18:00"]),
        ("in 2 Stunden", "in 2 hours", ["Thu 19 Mar 13:00"]),
        ("am Samstag um 10 Uhr", "Saturday 10am", ["Sat 21 Mar 10:00"]),
        ("10.04.2026 19:00", "2026-04-10 19:00", ["Fri 10 Apr 19:00"]),
        ("10. April 19 Uhr", "10 April 19:00", ["Fri 10 Apr 19:00"]),
    ],
)  # fmt: skip
def test_german_phrases_mean_what_their_english_counterparts_mean(
    phrase: str, english: str, expected: list[str]
) -> None:
    assert local_starts(phrase) == expected
    assert local_starts(english, "en") == expected


def test_the_wall_clock_time_holds_across_the_daylight_saving_change_in_german() -> None:
    schedule = parse_schedule("jeden Donnerstag 19 Uhr", NOW, BERLIN, "de")
    found = occurrences(schedule.first.local, schedule.recurrence, BERLIN, NOW, limit=3)
    assert [moment.hour for moment in found] == [18, 18, 17]  # 19:00 CET is 18:00 UTC, 19:00 CEST is 17:00 UTC
    with i18n.using("de"):
        assert schedule.describe() == "jeden Donnerstag um 19:00, ab Do. 19 März (Europe/Berlin)"


def test_english_is_understood_from_a_german_member_too() -> None:
    assert local_starts("every Tuesday 7pm") == local_starts("jeden Dienstag 19 Uhr")


def test_german_words_are_only_read_for_german_members() -> None:
    with pytest.raises(MeetingInputError):
        parse_schedule("jeden Dienstag 19 Uhr", NOW, BERLIN, "en")
    assert set(PARSED_IN) == {"en", "de"}


@pytest.mark.parametrize(
    ("phrase", "says"),
    [
        ("jede Stunde", "höchstens einmal am Tag"),
        ("alle 30 Minuten", "höchstens einmal am Tag"),
        ("nächsten Donnerstag 19 Uhr", "könnte „nächsten Donnerstag“ heute oder den 26 März meinen"),
        ("jeden Dienstag zur Teestunde", "nicht als Uhrzeit lesen"),
        ("irgendwann bald", "`jeden Dienstag 19 Uhr`"),
        ("18.03.2026 19:00", "liegt in der Vergangenheit"),
        ("29.03.2026 02:30", "gibt es in Europe/Berlin nicht"),
    ],
)
def test_german_phrases_that_cannot_work_say_in_german_what_would(phrase: str, says: str) -> None:
    with i18n.using("de"), pytest.raises(MeetingInputError) as refused:
        parse_schedule(phrase, NOW, BERLIN)
    assert says in str(refused.value)
    assert len(str(refused.value)) < 400


def test_a_date_to_skip_can_be_said_in_german() -> None:
    assert parse_date("morgen 19 Uhr", NOW, BERLIN, "de").utc == datetime(2026, 3, 20, 18, 0, tzinfo=UTC)


def test_times_are_said_back_in_the_readers_language() -> None:
    start = datetime(2026, 3, 19, 18, 0, tzinfo=UTC)  # Thursday 19:00 in Berlin
    later = datetime(2026, 4, 2, 17, 0, tzinfo=UTC)  # Thursday 2 April 19:00 (summer time)
    with i18n.using("de"):
        assert friendly_when(start, NOW, BERLIN) == "heute um 19:00"
        assert friendly_when(start + timedelta(days=1), NOW, BERLIN) == "morgen um 19:00"
        assert friendly_when(later, NOW, BERLIN) == "am Donnerstag 2 April um 19:00"
        assert (
            reminder_text("Kreis", start, NOW, BERLIN) == "Erinnerung: **Kreis** beginnt heute um 19:00 (Europe/Berlin)"
        )
        assert [friendly_offset(m) for m in (1440, 60, 120, 15, 1)] == [
            "1 Tag",
            "1 Stunde",
            "2 Stunden",
            "15 Minuten",
            "1 Minute",
        ]
    with i18n.using("en"):
        assert friendly_when(later, NOW, BERLIN) == "on Thursday 2 April at 19:00"
        assert [friendly_offset(m) for m in (1440, 60, 120, 15, 1)] == [
            "1 day",
            "1 hour",
            "2 hours",
            "15 minutes",
            "1 minute",
        ]
