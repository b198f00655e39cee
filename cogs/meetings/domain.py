"""Pure rules for meetings: recurrence in local wall-clock time, DST checks, the time parser, plans.

No I/O and no ``discord`` here. Every function that needs "now" takes it as an argument.

Recurrences are expanded on *naive local* datetimes (a 19:00 meeting is "19:00 every Thursday" in
its timezone) and each occurrence is then attached to the zone, so daylight-saving changes keep it
at 19:00 local while its UTC instant moves by an hour.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from dateutil.rrule import DAILY, HOURLY, MINUTELY, MONTHLY, SECONDLY, WEEKLY, rrule, rrulebase, rrulestr

from cogs.meetings import texts

MAX_OFFSETS = 5
MAX_OFFSET_MINUTES = 28 * 24 * 60
MAX_DURATION_MINUTES = 24 * 60
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class MeetingInputError(ValueError):
    """Input a person typed that cannot become a meeting; the message says what to do instead."""


class UnreadableTime(MeetingInputError):
    """Text that isn't a time at all (as opposed to a time that can't be used)."""


# --- local time and DST ------------------------------------------------------------------------


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a wall-clock time, refusing times that don't exist or happen twice."""
    if naive.tzinfo is not None:
        raise ValueError("localize takes a naive wall-clock time")
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Either a gap (the clock jumps over it) or a fold (the clock passes it twice).
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        when = naive.strftime("%Y-%m-%d %H:%M")
        if round_trip != naive:
            raise MeetingInputError(texts.time_gap(when, zone.key))
        raise MeetingInputError(texts.time_fold(when, zone.key))
    return first


def wall_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """Like ``localize`` but never refuses: a gap time moves forward, a fold takes the first one
    (RFC 5545's rule), so one odd recurrence at 02:30 cannot stall a meeting."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


# --- recurrence ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """``rule`` is an RFC 5545 RRULE body (``FREQ=WEEKLY;INTERVAL=2``) or None for a single date."""

    rule: str | None

    @property
    def once(self) -> bool:
        return self.rule is None


def nth_weekday(day: date) -> int:
    """Which weekday of its month ``day`` is: 1..4, or -1 when it is the last (so 5ths don't skip months)."""
    nth = (day.day - 1) // 7 + 1
    if (day + timedelta(days=7)).month != day.month and nth >= 4:
        return -1 if nth == 5 else nth
    return nth


def build_recurrence(kind: str, start_local: datetime, *, every: int = 1, rule: str | None = None) -> Recurrence:
    """The RRULE for a choice in /facilitate meeting schedule: once, weekly, every N weeks, monthly, or custom."""
    kind = kind.strip().lower()
    if kind == "once":
        return Recurrence(None)
    if kind == "weekly":
        return Recurrence("FREQ=WEEKLY")
    if kind in {"weeks", "every_n_weeks"}:
        if not 1 <= every <= 52:
            raise MeetingInputError(texts.every_range())
        return Recurrence("FREQ=WEEKLY" if every == 1 else f"FREQ=WEEKLY;INTERVAL={every}")
    if kind == "monthly":
        nth = nth_weekday(start_local.date())
        return Recurrence(f"FREQ=MONTHLY;BYDAY={nth:+d}{_RRULE_DAYS[start_local.weekday()]}")
    if kind == "rrule":
        if not rule or not rule.strip():
            raise MeetingInputError(texts.rrule_needed())
        return Recurrence(normalise_rrule(rule))
    raise MeetingInputError(texts.repeat_unknown())


def normalise_rrule(text: str) -> str:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if "\n" in body or "DTSTART" in body.upper():
        raise MeetingInputError(texts.rrule_only())
    return body.upper().replace(" ", "")


def _rule_set(start_local: datetime, recurrence: Recurrence) -> rrulebase:
    if recurrence.rule is None:
        return rrule(DAILY, dtstart=start_local, count=1)
    try:
        parsed = rrulestr(recurrence.rule, dtstart=start_local, ignoretz=True)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise MeetingInputError(texts.rrule_invalid(str(error))) from None
    if not isinstance(parsed, rrulebase):  # pragma: no cover - rrulestr returns rrule for one rule
        raise MeetingInputError(texts.rrule_single())
    return parsed


def validate_recurrence(start_local: datetime, recurrence: Recurrence, now: datetime, zone: ZoneInfo) -> None:
    """Refuse rules that are malformed, fire more often than daily, or never fire again."""
    rules = _rule_set(start_local, recurrence)
    if recurrence.rule is not None:
        freq = getattr(rules, "_freq", None)
        if freq in (SECONDLY, MINUTELY, HOURLY):
            raise MeetingInputError(texts.at_most_daily())
        sample = list(_take(rules, 60))
        if any(b - a < timedelta(days=1) for a, b in itertools.pairwise(sample)):
            raise MeetingInputError(texts.rrule_too_often())
    if next_occurrence(start_local, recurrence, zone, now) is None:
        raise MeetingInputError(texts.rrule_no_future())


def _take(items: Iterable[datetime], n: int) -> Iterator[datetime]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


def occurrences(
    start_local: datetime,
    recurrence: Recurrence,
    zone: ZoneInfo,
    after: datetime,
    *,
    limit: int = 10,
    skipped: Iterable[datetime] = (),
) -> list[datetime]:
    """The next ``limit`` occurrence starts (aware UTC) strictly after ``after``, skipping ``skipped``."""
    skip = {s.astimezone(UTC) for s in skipped}
    after_local = after.astimezone(zone).replace(tzinfo=None) - timedelta(hours=3)  # DST slack
    found: list[datetime] = []
    rules = _rule_set(start_local, recurrence)
    cursor = rules.after(max(after_local, start_local), inc=True)
    guard = 0
    while cursor is not None and len(found) < limit and guard < 5000:
        guard += 1
        instant = wall_to_utc(cursor, zone)
        if instant > after and instant not in skip:
            found.append(instant)
        cursor = rules.after(cursor)
    return found


def next_occurrence(
    start_local: datetime,
    recurrence: Recurrence,
    zone: ZoneInfo,
    after: datetime,
    skipped: Iterable[datetime] = (),
) -> datetime | None:
    found = occurrences(start_local, recurrence, zone, after, limit=1, skipped=skipped)
    return found[0] if found else None


def describe_recurrence(recurrence: Recurrence, start_local: datetime) -> str:
    """How it repeats, in the reader's language (``texts.recurrence``)."""
    rule = recurrence.rule
    interval = re.fullmatch(r"FREQ=WEEKLY;INTERVAL=(\d+)", rule or "")
    monthly = re.fullmatch(r"FREQ=MONTHLY;BYDAY=([+-]?\d)([A-Z]{2})", rule or "")
    return texts.recurrence(
        rule,
        start_local,
        int(interval.group(1)) if interval else None,
        int(monthly.group(1)) if monthly else None,
    )


# --- reminders and the meeting's next job ---------------------------------------------------------


def parse_offsets(text: str | None, default: Sequence[int]) -> tuple[int, ...]:
    """``"24h, 15m"`` / ``"1d 30"`` -> minutes, largest first. Empty -> ``default``."""
    if text is None or not text.strip():
        values = list(default)
    else:
        values = []
        for token in re.split(r"[,\s]+", text.strip().lower()):
            if not token:
                continue
            match = re.fullmatch(r"(\d+)\s*(d|h|m|min|mins|minutes|hours?|days?)?", token)
            if not match:
                raise MeetingInputError(texts.reminder_unreadable(token))
            unit = (match.group(2) or "m")[0]
            values.append(int(match.group(1)) * {"d": 1440, "h": 60, "m": 1}[unit])
    for value in values:
        if not 0 < value <= MAX_OFFSET_MINUTES:
            raise MeetingInputError(texts.reminder_range())
    unique = tuple(sorted(set(values), reverse=True))
    if len(unique) > MAX_OFFSETS:
        raise MeetingInputError(texts.too_many_reminders(MAX_OFFSETS))
    return unique


def reminders_already_past(start: datetime, offsets: Iterable[int], now: datetime) -> set[int]:
    """Offsets whose time had passed when the occurrence was planned: never sent for it."""
    return {off for off in offsets if start - timedelta(minutes=off) <= now}


def next_job_at(
    start: datetime, duration_minutes: int, offsets: Iterable[int], done: Iterable[int], started: bool
) -> datetime:
    """When the meeting next needs attention: a pending reminder, its start, or its end."""
    pending = [start - timedelta(minutes=off) for off in set(offsets) - set(done)]
    if not started:
        pending.append(start)
    else:
        pending = [start + timedelta(minutes=duration_minutes)]
    return min(pending)


def due_reminders(start: datetime, offsets: Iterable[int], done: Iterable[int], now: datetime) -> list[int]:
    return sorted((off for off in set(offsets) - set(done) if start - timedelta(minutes=off) <= now), reverse=True)


# --- attendance ----------------------------------------------------------------------------------------


def clamp_seconds(joined: datetime, left: datetime, start: datetime, end: datetime) -> int:
    """Seconds of [joined, left) that fall inside the meeting [start, end)."""
    lo, hi = max(joined, start), min(left, end)
    return max(0, int((hi - lo).total_seconds()))


def attended(seconds: int, duration_minutes: int, share: float) -> bool:
    return seconds >= share * duration_minutes * 60


# --- the natural-language time parser --------------------------------------------------------------

_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
_TIME_RE = re.compile(rf"^(?:at\s+)?(?:{_TIME}|(?P<word>noon|midday|midnight))$")


@dataclass(frozen=True)
class ParsedTime:
    """A wall-clock time in ``zone`` (naive ``local``) and its instant (``utc``)."""

    local: datetime
    zone: ZoneInfo
    utc: datetime

    def describe(self) -> str:
        return texts.parsed_time(self.local, self.zone.key)


def parse_clock(text: str) -> time | None:
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    if match.group("word"):
        return time(0, 0) if match.group("word") == "midnight" else time(12, 0)
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match.group("minute") is None:
        return None  # a bare "7" is too ambiguous
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _split_day_and_clock(rest: str) -> tuple[str, time | None]:
    words = rest.split()
    for cut in range(len(words)):
        clock = parse_clock(" ".join(words[cut:]))
        if clock is not None:
            return " ".join(words[:cut]).removesuffix(" at").strip(), clock
    return rest, None


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> ParsedTime:
    """Read what people type: ``2026-12-03 19:00``, ``tomorrow 7pm``, ``next Thursday 19:30``,
    ``Friday at noon``, ``in 2 hours``, ``3 Dec 18:00``. Relative to ``now`` in ``zone``.

    Refuses times in the past and wall-clock times that don't exist or happen twice (DST).
    """
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise MeetingInputError(texts.when_needed())
    today = now.astimezone(zone).replace(tzinfo=None)
    local = _parse_relative(raw, today)
    if local is None:
        local = _parse_absolute(raw, today)
    if local is None:
        raise UnreadableTime(texts.time_unreadable(text.strip()[:80]))
    local = local.replace(second=0, microsecond=0)
    aware = localize(local, zone)
    if aware <= now:
        raise MeetingInputError(texts.in_the_past(texts.parsed_time(local, zone.key)))
    return ParsedTime(local=local, zone=zone, utc=aware.astimezone(UTC))


def _parse_relative(raw: str, today: datetime) -> datetime | None:
    match = re.fullmatch(r"in\s+(\d+)\s*(minutes?|mins?|m|hours?|h|days?|d|weeks?|w)", raw)
    if match:
        amount = int(match.group(1))
        unit = match.group(2)[0]
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}.get(
            unit, timedelta(weeks=amount)
        )
        return today + delta
    day_part, clock = _split_day_and_clock(raw)
    if clock is None:
        return None
    base = today.date()
    if day_part in {"", "today", "tonight", "this evening"}:
        day = base
    elif day_part == "tomorrow":
        day = base + timedelta(days=1)
    else:
        match = re.fullmatch(r"(next|this|on)?\s*([a-z]+)", day_part)
        if not match:
            return None
        name = match.group(2)
        candidates = [w for w in WEEKDAYS if w.startswith(name) and len(name) >= 3]
        if len(candidates) != 1:
            return None
        target = WEEKDAYS.index(candidates[0])
        ahead = (target - base.weekday()) % 7
        if match.group(1) == "next" and ahead == 0:
            ahead = 7
        day = base + timedelta(days=ahead)
        if ahead == 0 and datetime.combine(day, clock) <= today:
            day += timedelta(days=7)
        return datetime.combine(day, clock)
    return datetime.combine(day, clock)


def _parse_absolute(raw: str, today: datetime) -> datetime | None:
    if not re.search(r"\d", raw):
        return None
    default = today.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        parsed: datetime = dateparser.parse(raw, default=default, dayfirst=False, yearfirst=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or parsed.tzinfo is not None:
        return None
    # "3 Dec 18:00" with no year means the next 3 December.
    if not re.search(r"\b\d{4}\b", raw) and parsed < today:
        try:
            parsed = parsed.replace(year=parsed.year + 1)
        except ValueError:
            return None
    if parsed.hour == 0 and parsed.minute == 0 and not re.search(r"\d:\d|am|pm|midnight|\b0?0:00", raw):
        return None  # a date with no time: ask for the time instead of guessing midnight
    return parsed


__all__ = [
    "MONTHLY",
    "WEEKLY",
    "MeetingInputError",
    "ParsedTime",
    "Recurrence",
    "UnreadableTime",
    "attended",
    "build_recurrence",
    "clamp_seconds",
    "describe_recurrence",
    "due_reminders",
    "localize",
    "next_job_at",
    "next_occurrence",
    "occurrences",
    "parse_offsets",
    "parse_when",
    "reminders_already_past",
    "validate_recurrence",
    "wall_to_utc",
]
