"""How people say when a meeting happens, both ways: reading "every other Thursday at 18:30", and saying
"tomorrow at 19:00" back. Pure: no I/O, no ``discord``; "now" comes in as an argument.

Single dates go to ``domain.parse_when`` (python-dateutil underneath). On top of it sits this small
recurrence grammar, chosen after comparing the maintained parsers on the phrases members type (see
README, "Meetings"): dateparser has no recurrences, parsedatetime and recurrent return a wrong date
rather than an error for what they don't understand, and a confident wrong date is worse than a
clear "I couldn't read that". The grammar, case-insensitive:

    every day [at] TIME · daily [at] TIME
    weekdays [at] TIME · every weekday [at] TIME
    every WEEKDAY [at] TIME · WEEKDAYs [at] TIME
    every other WEEKDAY [at] TIME · every N weeks on WEEKDAY [at] TIME
    (first|second|third|fourth|last) WEEKDAY of (the|each|every) month [at] TIME

TIME is what ``parse_when`` reads: ``19:00``, ``7pm``, ``7:30 pm``, ``noon``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from cogs.meetings.domain import (
    WEEKDAYS,
    MeetingInputError,
    ParsedTime,
    Recurrence,
    describe_recurrence,
    localize,
    parse_clock,
    parse_when,
)

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_DAY = r"(?P<day>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*?s?"
_TIME = r"(?:at\s+)?(?P<time>.+)"
EXAMPLES = (
    "`every Tuesday 7pm`, `every other Thursday at 18:30`, `first Monday of the month 19:00`, "
    "`weekdays 8am`, `tomorrow 6pm`, `in 2 hours` or `2026-12-10 19:00`"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("daily", re.compile(rf"(?:every\s+day|daily|each\s+day)\s+{_TIME}")),
    ("weekdays", re.compile(rf"(?:every\s+)?(?:weekdays?|week\s*days?|mon(?:day)?\s*-\s*fri(?:day)?)\s+{_TIME}")),
    ("other", re.compile(rf"every\s+(?:other|second|2nd)\s+{_DAY}\s+{_TIME}")),
    ("nweeks", re.compile(rf"every\s+(?P<n>\d{{1,2}})\s+weeks?\s+on\s+{_DAY}\s+{_TIME}")),
    ("weekly", re.compile(rf"(?:every|each)\s+{_DAY}\s+{_TIME}")),
    (
        "monthly",
        re.compile(
            rf"(?:the\s+)?(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+{_DAY}\s+"
            rf"(?:of|in)\s+(?:the|each|every)\s+month\s+{_TIME}"
        ),
    ),
    ("plural", re.compile(rf"(?P<day>mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\s+{_TIME}")),
)
_TOO_OFTEN = re.compile(r"every\s+(?:\d+\s+)?(?:hours?|minutes?|mins?|seconds?)\b|hourly")


@dataclass(frozen=True)
class Schedule:
    """The first occurrence and how it repeats (``Recurrence(None)``: once)."""

    first: ParsedTime
    recurrence: Recurrence

    def describe(self) -> str:
        how = describe_recurrence(self.recurrence, self.first.local)
        if self.recurrence.once:
            return f"{how} ({self.first.zone.key})"
        return f"{how}, from {self.first.local.strftime('%a %d %b')} ({self.first.zone.key})"


def _weekday(word: str) -> int:
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word[:3]):
            return index
    raise MeetingInputError(f"I don't know the day {word!r}.")  # pragma: no cover - the pattern allows only days


def _rule_for(kind: str, match: re.Match[str]) -> tuple[str, str | None]:
    """(RRULE body as stored, BYDAY used only to find the first date)."""
    groups = match.groupdict()
    day = _RRULE_DAYS[_weekday(groups["day"])] if groups.get("day") else None
    if kind == "daily":
        return "FREQ=DAILY", None
    if kind == "weekdays":
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", None
    if kind in {"weekly", "plural"}:
        return "FREQ=WEEKLY", day
    if kind == "other":
        return "FREQ=WEEKLY;INTERVAL=2", day
    if kind == "nweeks":
        every = int(groups["n"])
        if not 1 <= every <= 52:
            raise MeetingInputError("Every N weeks works for N from 1 to 52.")
        return ("FREQ=WEEKLY" if every == 1 else f"FREQ=WEEKLY;INTERVAL={every}"), day
    nth = _NTH[groups["nth"]]
    return f"FREQ=MONTHLY;BYDAY={nth:+d}{day}", None


def parse_schedule(text: str, now: datetime, zone: ZoneInfo) -> Schedule:
    """Read a recurring phrase, or else a single date, relative to ``now`` in ``zone``.

    Refuses what happens more often than daily, a first date in a daylight-saving gap or fold, and
    "next Friday" said on a Friday (it could mean today or in a week).
    """
    raw = " ".join(text.strip().lower().split())
    if _TOO_OFTEN.search(raw):
        raise MeetingInputError("A meeting can repeat at most once a day. Try " + EXAMPLES + ".")
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(raw)
        if match is None:
            continue
        clock = parse_clock(match.group("time"))
        if clock is None:
            raise MeetingInputError(
                f"I couldn't read {match.group('time')!r} as a time of day. Try `19:00`, `7pm` or `7:30 pm`."
            )
        body, first_day = _rule_for(kind, match)
        today = now.astimezone(zone).replace(tzinfo=None)
        anchor = today.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
        # The first date is the next matching day; an interval ("every other") counts from it.
        finder = re.sub(r";INTERVAL=\d+", "", body) + (f";BYDAY={first_day}" if first_day else "")
        rules = rrulestr(finder, dtstart=anchor - timedelta(days=1), ignoretz=True)
        first = rules.after(today, inc=False)
        if first is None:  # pragma: no cover - these rules never run out
            raise MeetingInputError("That has no date in the future.")
        try:
            aware = localize(first, zone)
        except MeetingInputError as error:
            raise MeetingInputError(f"The first of these falls on a daylight-saving change: {error}") from None
        parsed = ParsedTime(local=first, zone=zone, utc=aware.astimezone(UTC))
        return Schedule(parsed, Recurrence(body))
    _refuse_ambiguous_next(raw, now, zone)
    try:
        return Schedule(parse_when(text, now, zone), Recurrence(None))
    except MeetingInputError as error:
        if "couldn't read" in str(error):
            shown = text.strip()[:80]
            raise MeetingInputError(f"I couldn't read {shown!r} as a time. Try {EXAMPLES}.") from None
        raise


def _refuse_ambiguous_next(raw: str, now: datetime, zone: ZoneInfo) -> None:
    match = re.match(rf"next\s+{_DAY}\b", raw)
    if match is None:
        return
    today = now.astimezone(zone)
    if _weekday(match.group("day")) != today.weekday():
        return
    name = WEEKDAYS[today.weekday()].capitalize()
    in_a_week = (today + timedelta(days=7)).strftime("%d %B")
    raise MeetingInputError(
        f"Today is {name}, so “next {name}” could mean today or {in_a_week}. "
        f"Say `today 19:00`, or the date: `{in_a_week} 19:00`."
    )


# --- saying it back ------------------------------------------------------------------------------


def friendly_when(start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "today at 19:00", "tomorrow at 19:00", "on Friday 11 December at 19:00", in ``zone``."""
    local, today = start.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if 1 < days < 7:
        return f"on {local.strftime('%A')} at {clock}"
    return f"on {local.strftime('%A')} {local.day} {local.strftime('%B')} at {clock}"


def reminder_text(title: str, start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """A reminder as a person would say it, in the reader's timezone. The cog appends Discord's live
    countdown (``<t:…:R>``), which says "in an hour" itself and stays true however late it is read."""
    return f"Reminder: **{title}** starts {friendly_when(start, now, zone)} ({zone.key})"


def friendly_offset(minutes: int) -> str:
    """ "1 day", "2 hours", "15 minutes": a reminder time as a person says it (never "1 d")."""
    for size, word in ((1440, "day"), (60, "hour")):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {word}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
