"""The one rule for every figure a facilitator sees about a group (``/facilitate checkin summary``,
``/facilitate stats``, its CSV).

Pure: no I/O, no ``discord``. Callers read rows, hand them here, and show only what comes back.

The rule, and why:

- **Fixed, closed windows only.** Time is cut into whole weeks (Monday 00:00 to Monday 00:00 in the group's
  timezone). A window is published only once it has ended. Windows never overlap, so no two published
  figures can be subtracted from each other to leave one person (the 7-day minus 30-day attack). Longer
  views are a list of weeks, never a sum over them: a sum would let a hidden week be recovered by
  subtracting the published ones.
- **At least ``minimum`` contributors** (distinct people) in a window, or its figures are hidden, and so is
  how many contributed.
- **Published once, then frozen.** The caller stores what ``figures`` returned the first time a closed window
  was asked for (``Figures.to_json``) and shows that stored copy ever after, so edits, deletions and erasures
  after the window closed change nothing anyone can compare.
- **Gone quiet** is computed for the same window as the figures and lists only members who had joined
  before the window began and shared nothing in it. It names who did *not* contribute, never anything
  about what anyone contributed.

- **Balance** (``figures(..., balance=True)``): how evenly the window's total is spread over its people, as
  a Gini figure of per-person sums. It is published under the same rule (hidden with the rest), so it never
  describes fewer than the minimum.
- **Totals over several groups** (``combined``) add up only figures already published and shown, never raw
  rows: a server-wide total minus the shown groups' totals is zero, so it cannot uncover a hidden group.

Interface for a new facilitator view: ``closed_windows(now, zone, count)`` → for each window, the stored
``Figures`` if any, else ``figures(window, contributions, minimum=...)`` (store it) → show it; and
``quiet_members(window, members, contributions)``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINIMUM_CONTRIBUTORS = 5


@dataclass(frozen=True)
class Window:
    """One whole week in the group's timezone, as UTC instants: [start, end)."""

    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Contribution:
    """One thing someone contributed: who, when, and the value counted (a mood 1–5, or 1 for "took part")."""

    user_id: int
    at: datetime
    value: int


@dataclass(frozen=True)
class Figures:
    """What may be shown about one closed window. ``hidden``: fewer than the minimum contributed, and
    then nothing else is shown (not even how many)."""

    window: Window
    hidden: bool
    contributors: int | None
    count: int | None
    values: dict[int, int] | None  # value -> how many times
    # Gini of per-person sums (0 = even, towards 1 = one person carries it); only with ``balance=True``.
    balance: float | None = None

    @property
    def average(self) -> float | None:
        if not self.values or not self.count:
            return None
        return sum(v * c for v, c in self.values.items()) / self.count

    def to_json(self) -> str:
        return json.dumps(
            {
                "hidden": self.hidden,
                "contributors": self.contributors,
                "count": self.count,
                "values": None if self.values is None else {str(k): v for k, v in self.values.items()},
                **({} if self.balance is None else {"balance": self.balance}),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, window: Window, text: str) -> Figures:
        data = json.loads(text)
        values = data["values"]
        return cls(
            window,
            hidden=bool(data["hidden"]),
            contributors=data["contributors"],
            count=data["count"],
            values=None if values is None else {int(k): int(v) for k, v in values.items()},
            balance=data.get("balance"),
        )


def week_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 (local) of the week holding ``moment``, as UTC."""
    local = moment.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)


def week_of(monday: date, zone: ZoneInfo) -> Window:
    """The whole week starting on local ``monday`` in ``zone`` (the same boundaries ``closed_windows`` cuts)."""
    if monday.weekday() != 0:
        raise ValueError("a week starts on a Monday")
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    return Window(start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC))


def closed_windows(now: datetime, zone: ZoneInfo, count: int) -> list[Window]:
    """The last ``count`` whole weeks that have ended by ``now``, newest first."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    end = week_start(now, zone)
    out: list[Window] = []
    for _ in range(count):
        local_end = end.astimezone(zone).date()
        start = datetime.combine(local_end - timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
        out.append(Window(start, end))
        end = start
    return out


def figures(
    window: Window,
    contributions: Iterable[Contribution],
    *,
    minimum: int = MINIMUM_CONTRIBUTORS,
    balance: bool = False,
) -> Figures:
    """The publishable figures of one closed window; contributions outside it are ignored."""
    inside = [c for c in contributions if window.holds(c.at)]
    people = {c.user_id for c in inside}
    if len(people) < max(minimum, MINIMUM_CONTRIBUTORS):
        return Figures(window, hidden=True, contributors=None, count=None, values=None)
    values: dict[int, int] = {}
    per_person: dict[int, int] = {}
    for c in inside:
        values[c.value] = values.get(c.value, 0) + 1
        per_person[c.user_id] = per_person.get(c.user_id, 0) + c.value
    return Figures(
        window,
        hidden=False,
        contributors=len(people),
        count=len(inside),
        values=dict(sorted(values.items())),
        balance=round(gini(per_person.values()), 3) if balance else None,
    )


def window_finder(windows: Iterable[Window]) -> Callable[[datetime], Window | None]:
    """A lookup from a moment to the window holding it (windows don't overlap), by bisection."""
    ordered = sorted(windows, key=lambda w: w.start)
    starts = [w.start for w in ordered]

    def find(moment: datetime) -> Window | None:
        index = bisect_right(starts, moment) - 1
        return ordered[index] if index >= 0 and ordered[index].holds(moment) else None

    return find


def by_window(windows: Iterable[Window], contributions: Iterable[Contribution]) -> dict[Window, list[Contribution]]:
    """Each window's own contributions, so figures() over many weeks reads each contribution once
    instead of once per week."""
    chosen = list(windows)
    out: dict[Window, list[Contribution]] = {w: [] for w in chosen}
    find = window_finder(chosen)
    for c in contributions:
        window = find(c.at)
        if window is not None:
            out[window].append(c)
    return out


def gini(amounts: Iterable[float]) -> float:
    """0 when everyone has the same share, towards 1 when one person has it all."""
    ordered = sorted(max(0.0, float(a)) for a in amounts)
    total, n = sum(ordered), len(ordered)
    if not n or total <= 0:
        return 0.0
    rank_weighted = sum(rank * amount for rank, amount in enumerate(ordered, start=1))
    return max(0.0, 2 * rank_weighted / (n * total) - (n + 1) / n)


@dataclass(frozen=True)
class Combined:
    """Several groups' figures for one window, added up from what was shown (hidden ones count nothing)."""

    window: Window
    shown: int  # groups whose figures were shown
    hidden: int  # groups whose figures were hidden
    count: int  # the sum of the shown groups' counts

    @property
    def any_shown(self) -> bool:
        return self.shown > 0


def combined(window: Window, published: Iterable[Figures]) -> Combined:
    """Total of already-published figures, one per group, of the same calendar week (``window`` names it;
    groups in other timezones have their own week boundaries and their own published copies). Only shown
    figures are added, so the total tells nothing a viewer of every group couldn't add up themselves."""
    shown = hidden = count = 0
    for item in published:
        if item.hidden or item.count is None:
            hidden += 1
        else:
            shown += 1
            count += item.count
    return Combined(window, shown, hidden, count)


def quiet_members(window: Window, members: Mapping[int, datetime], contributions: Iterable[Contribution]) -> list[int]:
    """Members (user id -> joined at) who had joined before the window began and contributed nothing in it."""
    active = {c.user_id for c in contributions if window.holds(c.at)}
    return sorted(user_id for user_id, joined in members.items() if joined <= window.start and user_id not in active)
