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

German (when the member's language is German; English is always understood too) is rewritten into that
grammar first, with weekday and month names from CLDR (Babel): "jeden Dienstag 19 Uhr", "dienstags
19 Uhr", "jeden zweiten Donnerstag um 18:30", "alle 3 Wochen am Sonntag um 9:30", "erster Montag im
Monat 19:00", "letzter Freitag im Monat 12 Uhr", "täglich 21 Uhr", "werktags 8 Uhr", "heute 19 Uhr",
"morgen 18 Uhr", "am Freitag 19 Uhr", "nächsten Donnerstag 19:30", "in 2 Stunden", "10.12.2026 19:00",
"10. Dezember 18 Uhr".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names, get_month_names
from dateutil.rrule import rrulestr

from bot import i18n
from cogs.meetings import texts
from cogs.meetings.domain import (
    WEEKDAYS,
    MeetingInputError,
    ParsedTime,
    Recurrence,
    UnreadableTime,
    describe_recurrence,
    localize,
    parse_clock,
    parse_when,
)

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_DAY = r"(?P<day>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*?s?"
_TIME = r"(?:at\s+)?(?P<time>.+)"

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


# --- German, rewritten into the grammar above -------------------------------------------------------------

Rewrite = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _names(kind: str, language: str) -> dict[int, str]:
    found = get_day_names("wide", locale=language) if kind == "day" else get_month_names("wide", locale=language)
    return {index: str(name).lower() for index, name in found.items()}


@functools.cache
def _german() -> tuple[Rewrite, ...]:
    """The rewrites, in order; weekday and month names are CLDR's, so no hand-written lists of them."""
    de_days, en_days = _names("day", "de"), _names("day", "en")
    de_months, en_months = _names("month", "de"), _names("month", "en")
    short_months = {
        index: str(name).lower().rstrip(".") for index, name in get_month_names("abbreviated", locale="de").items()
    }
    day_of = {de_days[i]: en_days[i] for i in de_days}
    month_of = {de_months[i]: en_months[i] for i in de_months} | {short_months[i]: en_months[i] for i in short_months}
    days = "|".join(sorted(day_of, key=len, reverse=True))
    months = "|".join(sorted(month_of, key=len, reverse=True))
    en_day = "|".join(en_days.values())
    ordinal = {"erst": "first", "1.": "first", "zweit": "second", "2.": "second", "dritt": "third", "3.": "third"}
    ordinal |= {"viert": "fourth", "4.": "fourth", "letzt": "last"}
    units = {"min": "minutes", "minute": "minutes", "minuten": "minutes", "std": "hours", "stunde": "hours"}
    units |= {"stunden": "hours", "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks"}

    often = {"stunde": "hours", "minute": "minutes", "sekunde": "seconds"}

    def english_ordinal(match: re.Match[str]) -> str:
        word = match.group("nth")
        return ordinal.get(word, ordinal.get(re.sub(r"(?:e[nmrs]?)$", "", word), word))

    rules: list[Rewrite] = [
        # how often: what is refused (more than daily) must still be recognised as such
        (re.compile(r"\bstündlich\b"), "hourly"),
        (re.compile(r"\bjede\s+stunde\b"), "every hour"),
        (
            re.compile(r"\balle\s+(\d+\s+)?(stunde|minute|sekunde)n?\b"),
            lambda m: f"every {m.group(1) or ''}{often[m.group(2)]}",
        ),
        # times of day: "19 Uhr", "18.30 Uhr", "um 18.30", "um"
        (re.compile(r"\b(\d{1,2})[.:](\d{2})\s*uhr\b"), r"\1:\2"),
        (re.compile(r"\b(\d{1,2})\s*uhr\b"), r"\1:00"),
        (re.compile(r"\bum\s+(\d{1,2})\.(\d{2})\b"), r"at \1:\2"),
        (re.compile(r"\bum\s+"), "at "),
        (re.compile(r"\bmitternacht\b"), "midnight"),
        # dates: "10.12.2026", "10.12.", "10. Dezember"
        (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), r"\3-\2-\1"),
        (
            re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(?=\s|$)"),
            lambda m: f"{m.group(1)} {en_months.get(int(m.group(2)), m.group(2))}",
        ),
        (re.compile(rf"\b(\d{{1,2}})\.?\s*({months})\.?(?=\s|$)"), lambda m: f"{m.group(1)} {month_of[m.group(2)]}"),
        # weekdays: "dienstags" (every Tuesday), then "Dienstag"
        (re.compile(rf"\b({days})s\b"), lambda m: f"{day_of[m.group(1)]}s"),
        (re.compile(rf"\b({days})\b"), lambda m: day_of[m.group(1)]),
        # "erster Montag im Monat", "am letzten Freitag jeden Monats"
        (
            re.compile(
                rf"\b(?:am\s+|jeden\s+|jedem\s+)?(?P<nth>erste[nmrs]?|zweite[nmrs]?|dritte[nmrs]?|vierte[nmrs]?|"
                rf"letzte[nmrs]?|[1-4]\.)\s+(?P<day>{en_day})\s+(?:im|jeden|jedes|des)\s+monats?\b"
            ),
            lambda m: f"{english_ordinal(m)} {m.group('day')} of the month",
        ),
        # "jeden zweiten Donnerstag", "alle zwei Wochen am Donnerstag", "alle 3 Wochen am Sonntag"
        (re.compile(rf"\b(?:jeden|jede|jedem)\s+(?:zweiten|2\.)\s+(?=(?:{en_day})\b)"), "every other "),
        (re.compile(r"\balle\s+(?:zwei|2)\s+wochen\s+(?:am|an)\s+"), "every other "),
        (re.compile(r"\balle\s+(\d{1,2})\s+wochen\s+(?:am|an)\s+"), r"every \1 weeks on "),
        (re.compile(r"\b(?:jeden|an\s+jedem)\s+tag\b|\btäglich\b"), "daily"),
        (re.compile(r"\bwerktags\b|\ban\s+werktagen\b|\bjeden\s+werktag\b"), "weekdays"),
        (re.compile(r"\b(?:jeden|jede|jedem|an\s+jedem)\b"), "every"),
        (re.compile(rf"\bam\s+(?=(?:{en_day})\b)"), "on "),
        # single dates: "heute", "morgen", "nächsten Donnerstag", "in 2 Stunden"
        (re.compile(r"\bheute(?:\s+abend)?\b"), "today"),
        (re.compile(r"\bmorgen\b"), "tomorrow"),
        (re.compile(r"\b(?:nächste[nmrs]?|kommende[nmrs]?)\b"), "next"),
        (
            re.compile(rf"\bin\s+(\d+)\s*({'|'.join(sorted(units, key=len, reverse=True))})\b"),
            lambda m: f"in {m.group(1)} {units[m.group(2)]}",
        ),
    ]
    return tuple(rules)


def from_german(raw: str) -> str:
    """German phrasing (already lower-case, single-spaced) in the English grammar; English passes unchanged."""
    for pattern, replacement in _german():
        raw = pattern.sub(replacement, raw)
    return " ".join(raw.split())


def _as_is(raw: str) -> str:
    return raw


# The languages whose meeting phrases Hearth reads (README "Meetings"); English is understood in all of them.
PARSED_IN: dict[str, Callable[[str], str]] = {"en": _as_is, "de": from_german}


def _normalise(text: str, language: str | None) -> str:
    raw = " ".join(text.strip().lower().split())
    return PARSED_IN.get(language or i18n.current(), PARSED_IN["en"])(raw)


@dataclass(frozen=True)
class Schedule:
    """The first occurrence and how it repeats (``Recurrence(None)``: once)."""

    first: ParsedTime
    recurrence: Recurrence

    def describe(self) -> str:
        how = describe_recurrence(self.recurrence, self.first.local)
        if self.recurrence.once:
            return texts.schedule_once(how, self.first.zone.key)
        return texts.schedule_from(how, self.first.local, self.first.zone.key)


def _weekday(word: str) -> int:
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word[:3]):
            return index
    raise MeetingInputError(texts.time_unreadable(word))  # pragma: no cover - the pattern allows only days


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
            raise MeetingInputError(texts.every_n_weeks_range())
        return ("FREQ=WEEKLY" if every == 1 else f"FREQ=WEEKLY;INTERVAL={every}"), day
    nth = _NTH[groups["nth"]]
    return f"FREQ=MONTHLY;BYDAY={nth:+d}{day}", None


def parse_schedule(text: str, now: datetime, zone: ZoneInfo, language: str | None = None) -> Schedule:
    """Read a recurring phrase, or else a single date, relative to ``now`` in ``zone``, in ``language``
    (default: the reader's; English is always understood).

    Refuses what happens more often than daily, a first date in a daylight-saving gap or fold, and
    "next Friday" said on a Friday (it could mean today or in a week).
    """
    raw = _normalise(text, language)
    if _TOO_OFTEN.search(raw):
        raise MeetingInputError(texts.too_often())
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(raw)
        if match is None:
            continue
        clock = parse_clock(match.group("time"))
        if clock is None:
            raise MeetingInputError(texts.clock_unreadable(match.group("time")))
        body, first_day = _rule_for(kind, match)
        today = now.astimezone(zone).replace(tzinfo=None)
        anchor = today.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
        # The first date is the next matching day; an interval ("every other") counts from it.
        finder = re.sub(r";INTERVAL=\d+", "", body) + (f";BYDAY={first_day}" if first_day else "")
        rules = rrulestr(finder, dtstart=anchor - timedelta(days=1), ignoretz=True)
        first = rules.after(today, inc=False)
        if first is None:  # pragma: no cover - these rules never run out
            raise MeetingInputError(texts.no_future_date())
        try:
            aware = localize(first, zone)
        except MeetingInputError as error:
            raise MeetingInputError(texts.first_in_dst_change(str(error))) from None
        parsed = ParsedTime(local=first, zone=zone, utc=aware.astimezone(UTC))
        return Schedule(parsed, Recurrence(body))
    return Schedule(parse_date(text, now, zone, language), Recurrence(None))


def parse_date(text: str, now: datetime, zone: ZoneInfo, language: str | None = None) -> ParsedTime:
    """One date and time (``tomorrow 18:00``, ``morgen 18 Uhr``), in ``language`` (default: the reader's)."""
    raw = _normalise(text, language)
    _refuse_ambiguous_next(raw, now, zone)
    try:
        return parse_when(raw, now, zone)
    except UnreadableTime:
        raise MeetingInputError(texts.time_unreadable(text.strip()[:80])) from None


def _refuse_ambiguous_next(raw: str, now: datetime, zone: ZoneInfo) -> None:
    match = re.match(rf"next\s+{_DAY}\b", raw)
    if match is None:
        return
    today = now.astimezone(zone)
    if _weekday(match.group("day")) != today.weekday():
        return
    in_a_week = texts.long_date(today + timedelta(days=7))
    raise MeetingInputError(texts.ambiguous_next(texts.weekday(today), in_a_week))


# --- saying it back, in the reader's language -------------------------------------------------------------


def friendly_when(start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "today at 19:00", "tomorrow at 19:00", "on Friday 11 December at 19:00", in ``zone``."""
    local, today = start.astimezone(zone), now.astimezone(zone).date()
    return texts.friendly_when(local, (local.date() - today).days)


def reminder_text(title: str, start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """A reminder as a person would say it, in the reader's timezone. The cog appends Discord's live
    countdown (``<t:…:R>``), which says "in an hour" itself and stays true however late it is read."""
    return texts.reminder(title, friendly_when(start, now, zone), zone.key)


def friendly_offset(minutes: int) -> str:
    """ "1 day", "2 hours", "15 minutes": a reminder time as a person says it (never "1 d")."""
    return texts.duration(minutes)
