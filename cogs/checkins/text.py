"""The wording of check-in replies: visibility, one's own history, a group's summary (the text
alternative to the chart, within Discord's 2,000 characters)."""

from __future__ import annotations

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
    lines = [
        f"**{data.group_name}** · last {data.days} days",
        f"• {data.checked_in} of {data.member_count} members shared a check-in ({data.checkin_count} check-ins)",
    ]
    if data.hidden:
        lines.append(
            f"• Mood figures hidden: fewer than {data.min_members} members shared check-ins in this period, "
            "so someone's mood could be inferred from them."
        )
    else:
        spread = " · ".join(f"{MOODS[m][0]} {m}: {c}" for m, c in data.distribution.items())
        lines.append(f"• Moods: {spread}")
        if data.average is not None:
            lines.append(f"• Average {data.average:.1f} of 5; trend: {data.trend}")
    if data.quiet:
        shown = data.quiet[:40]
        names = ", ".join(
            f"<@{user_id}> ({'never' if seen is None else 'last ' + format_dt(seen, 'R')})" for user_id, seen in shown
        )
        more = f" and {len(data.quiet) - len(shown)} more" if len(data.quiet) > len(shown) else ""
        lines.append(f"• Gone quiet (no shared check-in for {data.quiet_days} days): {names}{more}. Maybe reach out?")
    else:
        lines.append(f"• Nobody has gone quiet for {data.quiet_days} days.")
    lines.append(
        "_Only check-ins shared with facilitators or the group count here. "
        "Notes and only-me check-ins are never shown._"
    )
    return "\n".join(lines)[:2000]
