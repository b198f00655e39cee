"""/stats's pure rules: which figures, how they read as text, and the CSV. No I/O, no ``discord``.

Every figure about members comes from ``bot.aggregates``: closed whole weeks, at least five people, frozen
once published. Server-wide figures are sums of the groups' published figures (``aggregates.combined``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.aggregates import Combined, Figures, Window

#: The `weeks` option.
WEEK_CHOICES = (4, 12, 26, 52)


@dataclass(frozen=True)
class Metric:
    key: str  # stored and in the CSV header
    title: str  # how people read it
    unit: str  # what `count` counts
    people: str  # what `contributors` counts
    source: str  # the feature it comes from


CHECKINS = Metric("checkins", "Check-ins", "check-ins", "people", "checkins")
ATTENDANCE = Metric("attendance", "Meeting attendance", "attendances", "people", "meetings")
ROUNDS = Metric("rounds", "Sharing rounds", "turns", "speakers", "rounds")
POSTS = Metric("posts", "Anonymous posts", "posts", "writers", "sharing")
JOINED = Metric("joined", "New members", "joined", "people", "groups")
METRICS = (CHECKINS, ATTENDANCE, ROUNDS, POSTS, JOINED)
#: Figures /stats publishes and keeps itself (check-ins keep their own, shared with /checkin summary).
OWN_METRICS = tuple(m for m in METRICS if m is not CHECKINS)


@dataclass(frozen=True)
class Week:
    """One closed week of one metric for one group, as it may be shown."""

    figures: Figures
    meetings: int | None = None  # attendance only: occurrences held that week (not a figure about members)
    members: int | None = None  # attendance only: the group's size, for the rate

    @property
    def hidden(self) -> bool:
        return self.figures.hidden

    @property
    def rate(self) -> float | None:
        """Attendance: share of the members at each meeting on average (0..1)."""
        count = self.figures.count
        if self.hidden or count is None or not self.meetings or not self.members:
            return None
        return min(1.0, count / (self.meetings * self.members))


@dataclass(frozen=True)
class GroupStats:
    name: str
    zone: ZoneInfo
    windows: list[Window]  # newest first
    series: dict[str, list[Week]]  # metric key -> one Week per window, newest first
    minimum: int
    missing: tuple[str, ...]  # metric titles whose feature is not loaded here

    @property
    def anything_shown(self) -> bool:
        return any(not w.hidden for weeks in self.series.values() for w in weeks)


@dataclass(frozen=True)
class ServerStats:
    guild_name: str
    zone: ZoneInfo
    windows: list[Window]  # in the server's timezone; groups' own weeks are matched by their Monday
    series: dict[str, list[Combined]]
    groups: int
    minimum: int
    missing: tuple[str, ...]

    @property
    def anything_shown(self) -> bool:
        return any(c.any_shown for weeks in self.series.values() for c in weeks)


def monday(window: Window, zone: ZoneInfo) -> date:
    """The local Monday a week starts on: how a week is named, and how groups' weeks line up."""
    return window.start.astimezone(zone).date()


def week_label(day: date) -> str:
    return f"{day:%d %b}"


def metric(key: str) -> Metric:
    return next(m for m in METRICS if m.key == key)


# --- text ---------------------------------------------------------------------------------------------------

HIDDEN_WORD = "hidden"


def _value(week: Week, metric_key: str) -> str:
    if week.hidden or week.figures.count is None:
        return HIDDEN_WORD
    if metric_key == ATTENDANCE.key and week.rate is not None:
        return f"{week.figures.count} ({week.rate:.0%})"
    if metric_key == ROUNDS.key and week.figures.balance is not None:
        return f"{week.figures.count} (balance {week.figures.balance:.2f})"
    return str(week.figures.count)


def _latest(m: Metric, week: Week) -> str:
    f = week.figures
    if week.hidden or f.count is None:
        return "hidden"
    line = f"{f.count} {m.unit} from {f.contributors} {m.people}"
    if m is ATTENDANCE and week.rate is not None:
        line += f" over {week.meetings} meeting(s), {week.rate:.0%} of members on average"
    if m is ROUNDS and f.balance is not None:
        line += f", speaking balance {f.balance:.2f} (0 = even)"
    return line


PRIVACY_LINE = (
    "Only whole weeks that have ended are counted. A week with fewer than {minimum} people taking part "
    "shows as *hidden*: numbers that small could point to someone."
)


def group_text(stats: GroupStats) -> str:
    weeks = len(stats.windows)
    first, last = monday(stats.windows[-1], stats.zone), monday(stats.windows[0], stats.zone)
    head = (
        f"**{stats.name}**: engagement over the last {weeks} whole weeks "
        f"(weeks of {week_label(first)} to {week_label(last)}, {stats.zone.key})."
    )
    lines = [head, PRIVACY_LINE.format(minimum=stats.minimum), ""]
    if not stats.anything_shown:
        lines.append(
            f"Nothing to show yet: in each of these weeks fewer than {stats.minimum} people took part in any "
            "one thing. That is often how a group starts, and it says nothing bad about it. Figures appear "
            f"here once at least {stats.minimum} people check in, attend, speak or post in a week."
        )
        return "\n".join([*lines, *_missing(stats.missing)])
    labels = [week_label(monday(w, stats.zone)) for w in reversed(stats.windows)]
    for key, series in stats.series.items():
        m = metric(key)
        values = [_value(w, key) for w in reversed(series)]
        lines.append(f"**{m.title}**: last week {_latest(m, series[0])}.")
        shown = sum(not w.hidden for w in series)
        if weeks <= 12:
            lines.append("  " + " · ".join(f"{label}: {v}" for label, v in zip(labels, values, strict=True)))
        else:
            counts = [w.figures.count for w in series if not w.hidden and w.figures.count is not None]
            if counts:
                lines.append(f"  {shown} of {weeks} weeks shown; lowest {min(counts)}, highest {max(counts)}.")
    lines += ["", "The chart shows the same figures; the CSV has every week.", *_missing(stats.missing)]
    return "\n".join(lines)


def server_text(stats: ServerStats) -> str:
    weeks = len(stats.windows)
    head = (
        f"**{stats.guild_name}**, all {stats.groups} group(s): engagement over the last {weeks} whole weeks "
        f"({stats.zone.key}). Each week adds up the groups whose own figures for it are shown; a group's "
        f"hidden week adds nothing."
    )
    lines = [head, PRIVACY_LINE.format(minimum=stats.minimum), ""]
    if not stats.anything_shown:
        lines.append(
            f"Nothing to show yet: no group had {stats.minimum} or more people taking part in any one thing "
            "in these weeks."
        )
        return "\n".join([*lines, *_missing(stats.missing)])
    labels = [week_label(monday(w, stats.zone)) for w in reversed(stats.windows)]
    for key, series in stats.series.items():
        m = metric(key)
        newest = series[0]
        latest = f"{newest.count} {m.unit} ({newest.shown} group(s) shown)" if newest.any_shown else "hidden"
        lines.append(f"**{m.title}**: last week {latest}.")
        if weeks <= 12:
            values = [str(c.count) if c.any_shown else HIDDEN_WORD for c in reversed(series)]
            lines.append("  " + " · ".join(f"{label}: {v}" for label, v in zip(labels, values, strict=True)))
    lines += ["", "The chart shows the same figures; the CSV has every week.", *_missing(stats.missing)]
    return "\n".join(lines)


def _missing(titles: Sequence[str]) -> list[str]:
    if not titles:
        return []
    return [f"Not counted here: {', '.join(titles)} (not switched on in this server)."]


def alt_text(title: str, series: dict[str, list[tuple[date, float | None]]]) -> str:
    """The chart's description (Discord allows 1,024 characters): what each line does, in words."""
    parts = []
    for key, points in series.items():
        values = [v for _, v in points if v is not None]
        if not values:
            parts.append(f"{metric(key).title}: hidden every week")
        else:
            parts.append(f"{metric(key).title}: {len(values)} weeks shown, from {min(values):g} to {max(values):g}")
    return (f"{title}. " + "; ".join(parts) + ".")[:1024]


# --- chart and CSV data -----------------------------------------------------------------------------------


def group_points(stats: GroupStats) -> dict[str, list[tuple[date, float | None]]]:
    """Per metric, (Monday, count or None when hidden), oldest first."""
    return {
        key: [
            (monday(w.figures.window, stats.zone), None if w.hidden else float(w.figures.count or 0))
            for w in reversed(series)
        ]
        for key, series in stats.series.items()
    }


def server_points(stats: ServerStats) -> dict[str, list[tuple[date, float | None]]]:
    return {
        key: [
            (monday(window, stats.zone), float(c.count) if c.any_shown else None)
            for window, c in zip(reversed(stats.windows), reversed(series), strict=True)
        ]
        for key, series in stats.series.items()
    }


GROUP_CSV_HEADER = ["week_start", "metric", "shown", "count", "people", "meetings", "attendance_rate", "balance"]


def group_csv(stats: GroupStats) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GROUP_CSV_HEADER)
    for key, series in stats.series.items():
        for week in reversed(series):
            f = week.figures
            shown = not week.hidden
            writer.writerow(
                [
                    monday(f.window, stats.zone).isoformat(),
                    key,
                    "yes" if shown else HIDDEN_WORD,
                    f.count if shown else "",
                    f.contributors if shown else "",
                    week.meetings if shown and week.meetings is not None else "",
                    f"{week.rate:.3f}" if week.rate is not None else "",
                    f"{f.balance:.3f}" if shown and f.balance is not None else "",
                ]
            )
    return out.getvalue()


SERVER_CSV_HEADER = ["week_start", "metric", "groups_shown", "groups_hidden", "count"]


def server_csv(stats: ServerStats) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SERVER_CSV_HEADER)
    for key, series in stats.series.items():
        for window, c in zip(reversed(stats.windows), reversed(series), strict=True):
            count = c.count if c.any_shown else ""
            writer.writerow([monday(window, stats.zone).isoformat(), key, c.shown, c.hidden, count])
    return out.getvalue()


def file_stem(name: str, today: datetime) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name.casefold()).strip("-") or "group"
    return f"hearth-stats-{safe[:40]}-{today:%Y-%m-%d}"
