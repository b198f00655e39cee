"""Every word /facilitate stats says, in the reader's language (``bot/i18n.py``).

The figures come from ``cogs/stats/domain.py``; this module only words them: the reply (which is also the
chart's text alternative), the chart's title, legend and description, and the refusals. The CSV stays a
data file: English column names and metric keys, the same in every language. No ``discord`` import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.numbers import format_percent

from bot.i18n import _, command, current, day_month, decimal, ngettext, number
from cogs.stats.domain import ATTENDANCE, DEPARTED, ROUNDS, GroupStats, ServerStats, Week, monday


def title(key: str) -> str:
    return {
        "checkins": _("Check-ins"),
        "attendance": _("Meeting attendance"),
        "rounds": _("Sharing rounds"),
        "posts": _("Anonymous posts"),
        "joined": _("New members"),
        "departed": _("Members who left"),
    }[key]


def _counted(key: str, n: int) -> str:
    """What a metric's count counts (check-ins, turns, posts)."""
    forms = {
        "checkins": ngettext("%(count)s check-in", "%(count)s check-ins", n, count=number(n)),
        "attendance": ngettext("%(count)s attendance", "%(count)s attendances", n, count=number(n)),
        "rounds": ngettext("%(count)s turn", "%(count)s turns", n, count=number(n)),
        "posts": ngettext("%(count)s post", "%(count)s posts", n, count=number(n)),
        "joined": ngettext("%(count)s joined", "%(count)s joined", n, count=number(n)),
        "departed": ngettext("%(count)s left", "%(count)s left", n, count=number(n)),
    }
    return forms[key]


def _contributors(key: str, n: int) -> str:
    """Who took part (people, speakers, writers)."""
    if key == "rounds":
        return ngettext("%(count)s speaker", "%(count)s speakers", n, count=number(n))
    if key == "posts":
        return ngettext("%(count)s writer", "%(count)s writers", n, count=number(n))
    return ngettext("%(count)s person", "%(count)s people", n, count=number(n))


def week_label(day: date) -> str:
    return day_month(day)


def percent(rate: float) -> str:
    return format_percent(rate, locale=current())


def hidden() -> str:
    return _("hidden")


def _value(week: Week, key: str) -> str:
    count = week.figures.count
    if week.hidden or count is None:
        return hidden()
    if key == ATTENDANCE.key and week.rate is not None:
        return _("%(count)s (%(rate)s)", count=number(count), rate=percent(week.rate))
    if key == ROUNDS.key and week.figures.balance is not None:
        return _("%(count)s (balance %(balance)s)", count=number(count), balance=decimal(week.figures.balance, 2))
    return number(count)


def _latest(key: str, week: Week) -> str:
    f = week.figures
    if week.hidden or f.count is None:
        return hidden()
    if key == DEPARTED.key:  # each departure is one person: "5 left from 5 people" would say it twice
        return _counted(key, f.count)
    line = _(
        "%(counted)s from %(contributors)s",
        counted=_counted(key, f.count),
        contributors=_contributors(key, f.contributors or 0),
    )
    if key == ATTENDANCE.key and week.rate is not None and week.meetings is not None:
        line = _(
            "%(figures)s over %(meetings)s, %(rate)s of members on average",
            figures=line,
            meetings=ngettext("%(count)s meeting", "%(count)s meetings", week.meetings, count=number(week.meetings)),
            rate=percent(week.rate),
        )
    if key == ROUNDS.key and f.balance is not None:
        line = _("%(figures)s, speaking balance %(balance)s (0 = even)", figures=line, balance=decimal(f.balance, 2))
    return line


def _privacy_line(minimum: int) -> str:
    return ngettext(
        "Only whole weeks that have ended are counted. A week with fewer than %(count)s person taking part shows "
        "as *hidden*: numbers that small could point to someone.",
        "Only whole weeks that have ended are counted. A week with fewer than %(count)s people taking part shows "
        "as *hidden*: numbers that small could point to someone.",
        minimum,
    )


def _series_line(labels: list[str], values: list[str]) -> str:
    return "  " + " · ".join(_("%(week)s: %(value)s", week=w, value=v) for w, v in zip(labels, values, strict=True))


def _missing(keys: Sequence[str]) -> list[str]:
    if not keys:
        return []
    return [
        _(
            "Not counted here: %(features)s (not switched on in this server).",
            features=", ".join(title(k) for k in keys),
        )
    ]


def _same_figures() -> str:
    return _("The chart shows the same figures; the CSV has every week.")


def group_text(stats: GroupStats) -> str:
    weeks = len(stats.windows)
    first, last = monday(stats.windows[-1], stats.zone), monday(stats.windows[0], stats.zone)
    head = ngettext(
        "**%(name)s**: engagement over the last %(count)s whole week (weeks of %(first)s to %(last)s, %(zone)s).",
        "**%(name)s**: engagement over the last %(count)s whole weeks (weeks of %(first)s to %(last)s, %(zone)s).",
        weeks,
        name=stats.name,
        first=week_label(first),
        last=week_label(last),
        zone=stats.zone.key,
    )
    lines = [head, _privacy_line(stats.minimum), ""]
    if not stats.anything_shown:
        lines.append(
            ngettext(
                "Nothing to show yet: in each of these weeks fewer than %(count)s person took part in any one "
                "thing. That is often how a group starts, and it says nothing bad about it. Figures appear here "
                "once at least %(count)s person checks in, attends, speaks or posts in a week.",
                "Nothing to show yet: in each of these weeks fewer than %(count)s people took part in any one "
                "thing. That is often how a group starts, and it says nothing bad about it. Figures appear here "
                "once at least %(count)s people check in, attend, speak or post in a week.",
                stats.minimum,
            )
        )
        return "\n".join([*lines, *_missing(stats.missing)])
    labels = [week_label(monday(w, stats.zone)) for w in reversed(stats.windows)]
    for key, series in stats.series.items():
        lines.append(_("**%(metric)s**: last week %(figures)s.", metric=title(key), figures=_latest(key, series[0])))
        if weeks <= 12:
            lines.append(_series_line(labels, [_value(w, key) for w in reversed(series)]))
        else:
            counts = [w.figures.count for w in series if not w.hidden and w.figures.count is not None]
            if counts:
                lines.append(
                    "  "
                    + _(
                        "%(shown)s of %(weeks)s weeks shown; lowest %(lowest)s, highest %(highest)s.",
                        shown=number(len(counts)),
                        weeks=number(weeks),
                        lowest=number(min(counts)),
                        highest=number(max(counts)),
                    )
                )
    lines += ["", _same_figures(), *_missing(stats.missing)]
    return "\n".join(lines)


def server_text(stats: ServerStats) -> str:
    weeks = len(stats.windows)
    groups = ngettext("all %(count)s group", "all %(count)s groups", stats.groups, count=number(stats.groups))
    head = ngettext(
        "**%(name)s**, %(groups)s: engagement over the last %(count)s whole week (%(zone)s). Each week adds up "
        "the groups whose own figures for it are shown; a group's hidden week adds nothing.",
        "**%(name)s**, %(groups)s: engagement over the last %(count)s whole weeks (%(zone)s). Each week adds up "
        "the groups whose own figures for it are shown; a group's hidden week adds nothing.",
        weeks,
        name=stats.guild_name,
        groups=groups,
        zone=stats.zone.key,
    )
    lines = [head, _privacy_line(stats.minimum), ""]
    if not stats.anything_shown:
        lines.append(
            ngettext(
                "Nothing to show yet: no group had %(count)s or more person taking part in any one thing in these "
                "weeks.",
                "Nothing to show yet: no group had %(count)s or more people taking part in any one thing in these "
                "weeks.",
                stats.minimum,
            )
        )
        return "\n".join([*lines, *_missing(stats.missing)])
    labels = [week_label(monday(w, stats.zone)) for w in reversed(stats.windows)]
    for key, series in stats.series.items():
        newest = series[0]
        latest = (
            _(
                "%(counted)s (%(shown)s)",
                counted=_counted(key, newest.count),
                shown=ngettext("%(count)s group shown", "%(count)s groups shown", newest.shown),
            )
            if newest.any_shown
            else hidden()
        )
        lines.append(_("**%(metric)s**: last week %(figures)s.", metric=title(key), figures=latest))
        if weeks <= 12:
            values = [number(c.count) if c.any_shown else hidden() for c in reversed(series)]
            lines.append(_series_line(labels, values))
    lines += ["", _same_figures(), *_missing(stats.missing)]
    return "\n".join(lines)


# --- the chart -------------------------------------------------------------------------------------------


def chart_title(name: str) -> str:
    return _("%(name)s: engagement per week", name=name)


def per_week() -> str:
    return _("per week")


def alt_text(chart: str, series: dict[str, list[tuple[date, float | None]]]) -> str:
    """The chart's description (Discord allows 1,024 characters): what each line does, in words."""
    parts = []
    for key, points in series.items():
        values = [v for _day, v in points if v is not None]
        if not values:
            parts.append(_("%(metric)s: hidden every week", metric=title(key)))
        else:
            parts.append(
                ngettext(
                    "%(metric)s: %(count)s week shown, from %(lowest)s to %(highest)s",
                    "%(metric)s: %(count)s weeks shown, from %(lowest)s to %(highest)s",
                    len(values),
                    metric=title(key),
                    lowest=number(int(min(values))),
                    highest=number(int(max(values))),
                )
            )
    return (_("%(title)s. %(lines)s.", title=chart, lines="; ".join(parts)))[:1024]


# --- refusals and notes ----------------------------------------------------------------------------------


def choose_weeks() -> str:
    return _("Choose 4, 12, 26 or 52 weeks.")


def server_is_for_admins() -> str:
    return _(
        "The whole server's figures are for server admins (Manage Server). As a facilitator, %(command)s shows "
        "your own group.",
        command=command("facilitate stats"),
    )


def files_failed() -> str:
    return _(
        "(Discord wouldn't take the chart and CSV just now, so they're missing here; every figure is in the text "
        "below. Try %(command)s again in a minute for the files.)",
        command=command("facilitate stats"),
    )


def this_server() -> str:
    return _("This server")
