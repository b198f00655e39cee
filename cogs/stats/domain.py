"""/facilitate stats's pure rules: which figures, and the CSV. No I/O, no ``discord``; their words are in ``texts.py``.

Every figure about members comes from ``bot.aggregates``: closed whole weeks, at least five people, frozen
once published. Server-wide figures are sums of the groups' published figures (``aggregates.combined``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.aggregates import Combined, Figures, Window

#: The `weeks` option.
WEEK_CHOICES = (4, 12, 26, 52)


@dataclass(frozen=True)
class Metric:
    key: str  # stored, in the CSV, and how texts.py names it
    source: str  # the feature it comes from


CHECKINS = Metric("checkins", "checkins")
ATTENDANCE = Metric("attendance", "meetings")
ROUNDS = Metric("rounds", "rounds")
POSTS = Metric("posts", "sharing")
JOINED = Metric("joined", "groups")
DEPARTED = Metric("departed", "groups")  # groups keeps only a count per quarter hour, never who left
METRICS = (CHECKINS, ATTENDANCE, ROUNDS, POSTS, JOINED, DEPARTED)
#: Figures /facilitate stats publishes and keeps itself (check-ins keep their own, shared with
#: /facilitate checkin summary).
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
    missing: tuple[str, ...]  # keys of the metrics whose feature is not loaded here

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


def metric(key: str) -> Metric:
    return next(m for m in METRICS if m.key == key)


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
                    "yes" if shown else "hidden",
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
