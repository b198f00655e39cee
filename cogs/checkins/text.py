"""The wording of check-in replies: visibility, one's own history, a group's summary (the text
alternative to the chart, within Discord's 2,000 characters)."""

from __future__ import annotations

from datetime import timedelta

from discord.utils import format_dt

from cogs.checkins.domain import MOODS, Visibility
from cogs.checkins.records import History, Summary


def visibility_phrase(visibility: Visibility) -> str:
    return {
        Visibility.ME: "only you can see it",
        Visibility.FACILITATORS: "you and your group's facilitators (in totals) can see it",
        Visibility.GROUP: "it's posted in your group's channel",
    }[visibility]


def history_text(data: History) -> str:
    if not data.points:
        streak = data.streaks
        return (
            f"No check-ins in the last {data.days} days. Longest streak so far: {streak.longest} day(s). "
            "`/checkin now` records one."
        )
    average = data.average or 0
    words = MOODS[max(1, min(5, round(average)))][1]
    lines = [
        f"**Your last {data.days} days** (days counted in {data.zone.key})",
        f"• {len(data.points)} check-ins, average mood {average:.1f} of 5 ({words})",
        f"• Trend: {data.trend}",
        f"• Current streak: {data.streaks.current} day(s) in a row; longest: {data.streaks.longest} day(s)",
    ]
    return "\n".join(lines)


def summary_text(data: Summary) -> str:
    lines = [f"**{data.group_name}** · whole weeks, Monday to Sunday ({data.timezone})"]
    for week in data.weeks:
        last_day = (week.window.end - timedelta(days=1)).date()
        label = f"{format_dt(week.window.start, 'd')} – {last_day:%d %b}"
        if week.hidden or week.values is None:
            lines.append(
                f"• {label}: hidden (fewer than {data.min_members} members shared check-ins, "
                "so someone's mood could be inferred)"
            )
            continue
        spread = " · ".join(f"{MOODS[m][0]} {m}: {c}" for m, c in week.values.items())
        average = f", average {week.average:.1f} of 5" if week.average is not None else ""
        lines.append(f"• {label}: {week.contributors} members, {week.count} check-ins{average}. {spread}")
    if data.trend:
        lines.append(f"• Trend from the week before: {data.trend}")
    if data.quiet:
        shown = data.quiet[:40]
        names = ", ".join(f"<@{user_id}>" for user_id in shown)
        more = f" and {len(data.quiet) - len(shown)} more" if len(data.quiet) > len(shown) else ""
        lines.append(f"• Gone quiet (no shared check-in last week): {names}{more}. Maybe reach out?")
    else:
        lines.append("• Everyone who was a member all last week shared a check-in.")
    lines.append(
        "_Only whole, finished weeks are shown, and a week's figures never change once shown. "
        "Only check-ins shared with facilitators or the group count; notes and only-me check-ins never do._"
    )
    return "\n".join(lines)[:2000]
