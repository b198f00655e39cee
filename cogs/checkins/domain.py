"""Pure check-in rules: moods, visibility, times of day, streaks, trends, alerts. No I/O, no discord."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.errors import BadInput
from cogs.checkins import texts

# Mood -> its emoji; the words for each mood are in texts.mood_words.
MOODS: dict[int, str] = texts.MOOD_EMOJI


class Visibility(StrEnum):
    ME = "me"
    FACILITATORS = "facilitators"
    GROUP = "group"


SHARED = (Visibility.FACILITATORS.value, Visibility.GROUP.value)


def parse_mood(raw: str | int) -> int:
    try:
        mood = int(str(raw).strip())
    except ValueError:
        raise BadInput(texts.bad_mood()) from None
    if mood not in MOODS:
        raise BadInput(texts.bad_mood())
    return mood


def parse_visibility(raw: str) -> Visibility:
    try:
        return Visibility(raw.strip().lower())
    except ValueError:
        raise BadInput(texts.bad_visibility()) from None


def clean_note(raw: str | None, limit: int) -> str | None:
    """The note as stored: trimmed, None when empty; too long is refused (never cut silently)."""
    note = (raw or "").strip()
    if not note:
        return None
    if len(note) > limit:
        raise BadInput(texts.note_too_long(len(note), limit))
    return note


_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?$", re.IGNORECASE)


def parse_time_of_day(raw: str) -> time:
    """Accept 7:30, 07:30, 7pm, 7:30 pm, 19:00, 19h00; refuse anything else with a clear message."""
    text = raw.strip().lower().replace(" ", "")
    match = _TIME.match(text)
    problem = BadInput(texts.bad_time(raw.strip()))
    if match is None:
        raise problem
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise problem
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise problem
    return time(hour, minute)


# --- times ----------------------------------------------------------------------------------------


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def at_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on ``day`` in ``zone``. A time skipped by a spring-forward change
    lands just after the gap (02:30 becomes 03:30); a repeated autumn time uses its first occurrence."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_local_occurrence(now: datetime, at: time, zone: ZoneInfo, weekday: int | None = None) -> datetime:
    """The next instant strictly after ``now`` when the local clock in ``zone`` shows ``at``
    (on ``weekday``, 0 = Monday, when given)."""
    day = local_date(now, zone) - timedelta(days=1)
    for _ in range(9):
        if weekday is None or day.weekday() == weekday:
            candidate = at_local(day, at, zone)
            if candidate > now:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a weekday recurs within a week")  # pragma: no cover


def near_local_time(now: datetime, at: time, zone: ZoneInfo, tolerance: timedelta) -> bool:
    """Whether ``now`` is within ``tolerance`` of ``at`` on the local clock (a job firing late or after
    a timezone change)."""
    today = local_date(now, zone)
    return any(abs(now - at_local(today + timedelta(days=offset), at, zone)) <= tolerance for offset in (-1, 0, 1))


# --- streaks and trends ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(moments: Iterable[datetime], zone: ZoneInfo, now: datetime) -> Streaks:
    """Consecutive local days with at least one check-in, counted in the member's own timezone.

    The current streak is still alive when today has no check-in yet but yesterday had one."""
    days = sorted({local_date(m, zone) for m in moments})
    if not days:
        return Streaks(0, 0)
    longest = run = 1
    for previous, day in itertools.pairwise(days):
        run = run + 1 if day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
    today = local_date(now, zone)
    last = days[-1]
    if last not in (today, today - timedelta(days=1)):
        return Streaks(0, longest)
    current = 1
    for index in range(len(days) - 1, 0, -1):
        if days[index] - days[index - 1] != timedelta(days=1):
            break
        current += 1
    return Streaks(current, longest)


def daily_means(points: Iterable[tuple[datetime, int]], zone: ZoneInfo) -> list[tuple[date, float]]:
    """Average mood per local day, in date order."""
    totals: dict[date, list[int]] = {}
    for moment, mood in points:
        totals.setdefault(local_date(moment, zone), []).append(mood)
    return [(day, sum(moods) / len(moods)) for day, moods in sorted(totals.items())]


TREND_THRESHOLD = 0.25


def trend_word(earlier: float | None, later: float | None) -> str:
    """Compare the average of an earlier and a later half: rising, falling or steady."""
    return texts.trend(earlier, later, TREND_THRESHOLD)


def split_trend(points: Sequence[tuple[datetime, int]], start: datetime, end: datetime) -> str:
    middle = start + (end - start) / 2
    first = [mood for moment, mood in points if moment < middle]
    second = [mood for moment, mood in points if moment >= middle]
    return trend_word(mean(first), mean(second))


def mean(values: Sequence[int | float]) -> float | None:
    return sum(values) / len(values) if values else None


def low_run(moods_latest_first: Sequence[int], threshold: int) -> int:
    """How many of the latest check-ins in a row were at or below ``threshold``."""
    run = 0
    for mood in moods_latest_first:
        if mood > threshold:
            break
        run += 1
    return run


def should_alert(moods_latest_first: Sequence[int], threshold: int, consecutive: int) -> bool:
    """Alert once, when the run of low check-ins reaches exactly ``consecutive`` (not again while it lasts)."""
    return low_run(moods_latest_first, threshold) == consecutive
