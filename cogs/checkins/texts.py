"""Every word check-ins say, in the reader's language (``bot/i18n.py``): replies, the form, the card,
reminders, prompts, one's own history and a group's summary (the text alternative to the chart, within
Discord's 2,000 characters).

The only place check-ins hold display text; the domain and the services name a text here. No ``discord``
import: mentions and timestamps come in as ready-made strings.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import _, command, day_month, decimal, ngettext, number, pgettext, timestamp

if TYPE_CHECKING:
    from cogs.checkins.records import History, Summary

MOOD_EMOJI = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}


# --- moods, visibility, days -----------------------------------------------------------------------------


def mood_words(mood: int) -> str:
    return {1: _("Very low"), 2: _("Low"), 3: _("Okay"), 4: _("Good"), 5: _("Great")}[mood]


def mood_label(mood: int) -> str:
    return f"{MOOD_EMOJI[mood]} {mood}/5 · {mood_words(mood)}"


def visibility_label(visibility: str) -> str:
    """The choice in the form."""
    return {
        "me": _("Only me"),
        "facilitators": _("Me and my group's facilitators"),
        "group": _("My group"),
    }[visibility]


def visibility_phrase(visibility: str) -> str:
    """Who sees it, said after a check-in."""
    return {
        "me": _("only you can see it"),
        "facilitators": _("you and your group's facilitators (in totals) can see it"),
        "group": _("it's posted in your group's channel"),
    }[visibility]


def weekday(index: int) -> str:
    """A day of the week (also the choices of ``/facilitate checkin prompt day``)."""
    return (
        pgettext("choice", "Monday"),
        pgettext("choice", "Tuesday"),
        pgettext("choice", "Wednesday"),
        pgettext("choice", "Thursday"),
        pgettext("choice", "Friday"),
        pgettext("choice", "Saturday"),
        pgettext("choice", "Sunday"),
    )[index]


def clock_time(at: time, zone: ZoneInfo) -> str:
    return f"{at:%H:%M} ({zone.key})"


def cadence(at: time, zone: ZoneInfo, day: int | None) -> str:
    if day is None:
        return _("daily at %(time)s", time=clock_time(at, zone))
    return _("every %(day)s at %(time)s", day=weekday(day), time=clock_time(at, zone))


def trend(earlier: float | None, later: float | None, threshold: float) -> str:
    if earlier is None or later is None:
        return _("not enough check-ins to tell")
    delta = later - earlier
    if delta >= threshold:
        return _("rising (from %(earlier)s to %(later)s)", earlier=decimal(earlier), later=decimal(later))
    if delta <= -threshold:
        return _("falling (from %(earlier)s to %(later)s)", earlier=decimal(earlier), later=decimal(later))
    return _("steady (around %(later)s)", later=decimal(later))


# --- refusals (raised by the domain and the services) ------------------------------------------------------


def bad_mood() -> str:
    return _("Pick a mood from 1 (very low) to 5 (great).")


def bad_visibility() -> str:
    return _("Choose who may see it: only me, my group's facilitators, or my group.")


def note_too_long(length: int, limit: int) -> str:
    return _(
        "Your note is %(length)s characters; the limit is %(limit)s. "
        "Shorten it by %(over)s characters and submit again.",
        length=number(length),
        limit=number(limit),
        over=number(length - limit),
    )


def bad_time(raw: str) -> str:
    return _("%(given)r is not a time of day: write it like 7:30, 07:30, 7pm or 19:00.", given=raw)


def bad_weekday(raw: str) -> str:
    return _("%(given)r is not a day of the week: use Monday … Sunday, or leave it empty for daily.", given=raw)


def group_gone() -> str:
    return _("That group no longer exists.")


def no_checkins_yet() -> str:
    return _("You have no check-ins here yet. %(command)s opens the form.", command=command("checkin now"))


def too_old_to_change(minutes: int) -> str:
    return ngettext(
        "Your latest check-in is older than %(count)s minute, so it can no longer be changed. "
        "%(command)s records a new one.",
        "Your latest check-in is older than %(count)s minutes, so it can no longer be changed. "
        "%(command)s records a new one.",
        minutes,
        command=command("checkin now"),
    )


def not_latest() -> str:
    return _("That is no longer your latest check-in, so it can't be changed.")


def checkin_gone() -> str:
    return _("That check-in is no longer here.")


def own_checkin_support() -> str:
    return _("That's your own check-in: others can send you support with this button.")


def bad_threshold() -> str:
    return _("Choose what counts as low: a mood of 1, 2 or 3 or below.")


def bad_run(low: int, high: int) -> str:
    return _("Choose how many low check-ins in a row: %(low)s to %(high)s.", low=low, high=high)


def no_facilitators(group: str) -> str:
    return _(
        "**%(group)s** has no facilitators yet, so there is no one to tell. "
        "Ask a server admin to add one, then turn this on.",
        group=group,
    )


def archived(group: str) -> str:
    return _("**%(group)s** is archived: it takes no new activity.", group=group)


def no_prompt_channel(group: str) -> str:
    return _("**%(group)s** has no channel to post a prompt in.", group=group)


def no_prompt(group: str) -> str:
    return _("**%(group)s** has no scheduled check-in prompt.", group=group)


def bad_history_days() -> str:
    return _("History covers the last 30 or 90 days: pick one of those.")


def bad_summary_days() -> str:
    return _("A summary covers the last 7 or 30 days: pick one of those.")


# --- the form and the card ------------------------------------------------------------------------------------


def form_title(editing: bool, group: str) -> str:
    if editing:
        return _("Edit check-in · %(group)s", group=group)
    return _("Check in · %(group)s", group=group)


def form_mood_placeholder() -> str:
    return _("Pick how you feel")


def form_note_placeholder() -> str:
    return _("Anything you want to add (optional)")


def form_mood_label() -> str:
    return _("How are you, really?")


def form_note_label() -> str:
    return _("A note")


def form_note_description(limit: int) -> str:
    return ngettext(
        "Optional, up to %(limit)s character", "Optional, up to %(limit)s characters", limit, limit=number(limit)
    )


def form_visibility_label() -> str:
    return _("Who may see it?")


def retry_button() -> str:
    return _("Edit and try again")


def not_your_form() -> str:
    return _("This form is not yours.")


def support_button() -> str:
    return _("Send support")


def checkin_button() -> str:
    return _("Check in")


def card_title(member: str, mood: int) -> str:
    return _("**Check-in** · %(member)s · %(mood)s", member=member, mood=mood_label(mood))


def card_support(count: int) -> str:
    return ngettext("💛 %(count)s person sent support", "💛 %(count)s people sent support", count)


# --- replies --------------------------------------------------------------------------------------------------


def not_saved(problem: str) -> str:
    return _(
        "%(problem)s\nNothing was saved. Press the button to get the form back with your text in it.", problem=problem
    )


def checked_in(group: str, mood: int, visibility: str) -> str:
    return _(
        "Checked in to **%(group)s**: %(mood)s · %(who)s.",
        group=group,
        mood=mood_label(mood),
        who=visibility_phrase(visibility),
    )


def updated(group: str, mood: int, visibility: str) -> str:
    return _(
        "Updated your check-in in **%(group)s**: %(mood)s · %(who)s.",
        group=group,
        mood=mood_label(mood),
        who=visibility_phrase(visibility),
    )


def telling_facilitators() -> str:
    return _("As you asked, I'm letting your group's facilitators know you've been low, so someone can reach out.")


def change_window(minutes: int) -> str:
    return ngettext(
        "You can change or delete it for %(count)s minute with %(edit)s or %(delete)s.",
        "You can change or delete it for %(count)s minutes with %(edit)s or %(delete)s.",
        minutes,
        edit=command("checkin edit"),
        delete=command("checkin delete"),
    )


def no_channel_for_card() -> str:
    return _("Your group has no channel I can post in, so your check-in stays private to you and your facilitators.")


def card_not_posted() -> str:
    return _("Your check-in is saved, but I couldn't post it in your group's channel (a permission is missing).")


def low_alert(member: str, consecutive: int, group: str, server: str, threshold: int) -> str:
    return ngettext(
        "%(member)s asked Hearth to let you know when they've been low: their last check-in in **%(group)s** "
        "(%(server)s) was at %(threshold)s/5 or below. Maybe reach out to them? (They chose this and can turn it off.)",
        "%(member)s asked Hearth to let you know when they've been low: their last %(count)s check-ins in "
        "**%(group)s** (%(server)s) were at %(threshold)s/5 or below. Maybe reach out to them? "
        "(They chose this and can turn it off.)",
        consecutive,
        member=member,
        group=group,
        server=server,
        threshold=threshold,
    )


def support_already() -> str:
    return _("You already sent support to this check-in. 💛")


def support_sent() -> str:
    return _("Support sent. 💛 They'll see someone is with them.")


def deleted(group: str) -> str:
    return _("Deleted your latest check-in in **%(group)s**.", group=group)


def chart_title(days: int) -> str:
    return ngettext("Your mood, last %(count)s day", "Your mood, last %(count)s days", days)


def reminder_confirm_dm(when: str, server: str) -> str:
    return _(
        "Hearth will remind you here every day at %(time)s to check in on **%(server)s**. %(command)s stops it.",
        time=when,
        server=server,
        command=command("checkin remind off"),
    )


def dms_closed() -> str:
    return _(
        "I can't send you direct messages (they're closed to me), so I can't remind you. Nothing was saved. "
        "Allow DMs from this server's members (Privacy Settings) and try again."
    )


def reminder_set(when: str, next_at: str) -> str:
    return _(
        "Done: a reminder every day at %(time)s, by DM, skipped on days you've already checked in. Next one %(next)s.",
        time=when,
        next=next_at,
    )


def no_reminder() -> str:
    return _("You have no daily reminder here, so there was nothing to stop.")


def reminder_off() -> str:
    return _("Your daily check-in reminder is off.")


def reminder_stopped_dms_closed() -> str:
    return _(
        "I couldn't send your daily check-in reminder because your direct messages are closed to me, so I "
        "stopped it. To get reminders, allow DMs from this server's members and run %(command)s again.",
        command=command("checkin remind set"),
    )


def reminder(server: str | None) -> str:
    if server:
        return _(
            "How are you today? Your daily check-in on **%(server)s** is waiting: run %(now)s there. "
            "(%(off)s stops these.)",
            server=server,
            now=command("checkin now"),
            off=command("checkin remind off"),
        )
    return _(
        "How are you today? Your daily check-in is waiting: run %(now)s there. (%(off)s stops these.)",
        now=command("checkin now"),
        off=command("checkin remind off"),
    )


def alerts_on(consecutive: int, group: str, threshold: int, facilitators: int) -> str:
    run = ngettext(
        "On. When %(count)s of your check-ins in a row in **%(group)s** are at %(threshold)s/5 or below,",
        "On. When %(count)s of your check-ins in a row in **%(group)s** are at %(threshold)s/5 or below,",
        consecutive,
        group=group,
        threshold=threshold,
    )
    told = ngettext(
        "I'll privately tell its facilitator your name so someone can reach out.",
        "I'll privately tell its %(count)s facilitators your name so someone can reach out.",
        facilitators,
    )
    rest = _(
        "They never see your notes. %(show)s lists this; %(off)s stops it.",
        show=command("checkin alerts show"),
        off=command("checkin alerts off"),
    )
    return f"{run} {told} {rest}"


def alerts_none() -> str:
    return _("You had no low-mood alerts turned on, so nothing changed.")


def alerts_off(groups: str) -> str:
    return _("Off for %(groups)s.", groups=groups)


def alerts_all_off() -> str:
    return _(
        "Off: your facilitators are never told about your moods. %(command)s changes that.",
        command=command("checkin alerts on"),
    )


def alert_line(group: str, consecutive: int, threshold: int, facilitators: int) -> str:
    told = ngettext("%(count)s facilitator would be told", "%(count)s facilitators would be told", facilitators)
    return ngettext(
        "• **%(group)s**: after %(count)s check-in in a row at %(threshold)s/5 or below (%(told)s)",
        "• **%(group)s**: after %(count)s check-ins in a row at %(threshold)s/5 or below (%(told)s)",
        consecutive,
        group=group,
        threshold=threshold,
        told=told,
    )


def alerts_list(lines: list[str]) -> str:
    return "\n".join(
        [_("Your low-mood alerts:"), *lines, _("%(command)s stops them.", command=command("checkin alerts off"))]
    )


def prompt_set(group: str, cadence_text: str, first: str) -> str:
    return _(
        "**%(group)s** gets a check-in prompt %(cadence)s. First one %(first)s.",
        group=group,
        cadence=cadence_text,
        first=first,
    )


def prompt_off(group: str) -> str:
    return _("The scheduled check-in prompt for **%(group)s** is off.", group=group)


def prompt(group: str) -> str:
    return _(
        "**How are you, really?** Time for **%(group)s**'s check-in. "
        "Press the button (or run %(command)s); you choose who sees it.",
        group=group,
        command=command("checkin now"),
    )


# --- one's own history and a group's summary --------------------------------------------------------------


def history_text(data: History) -> str:
    if not data.points:
        return _(
            "%(none)s Longest streak so far: %(longest)s. %(command)s records one.",
            none=ngettext(
                "No check-ins in the last %(count)s day.", "No check-ins in the last %(count)s days.", data.days
            ),
            longest=days_count(data.streaks.longest),
            command=command("checkin now"),
        )
    average = data.average or 0
    words = mood_words(max(1, min(5, round(average))))
    lines = [
        ngettext(
            "**Your last %(count)s day** (days counted in %(zone)s)",
            "**Your last %(count)s days** (days counted in %(zone)s)",
            data.days,
            zone=data.zone.key,
        ),
        ngettext(
            "• %(count)s check-in, average mood %(average)s of 5 (%(words)s)",
            "• %(count)s check-ins, average mood %(average)s of 5 (%(words)s)",
            len(data.points),
            average=decimal(average),
            words=words,
        ),
        _("• Trend: %(trend)s", trend=data.trend),
        _(
            "• Current streak: %(current)s in a row; longest: %(longest)s",
            current=days_count(data.streaks.current),
            longest=days_count(data.streaks.longest),
        ),
    ]
    return "\n".join(lines)


def days_count(days: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", days)


def summary_text(data: Summary) -> str:
    lines = [_("**%(group)s** · whole weeks, Monday to Sunday (%(zone)s)", group=data.group_name, zone=data.timezone)]
    for week in data.weeks:
        last_day = (week.window.end - timedelta(days=1)).date()
        label = f"{timestamp(week.window.start, 'd')} – {day_month(last_day)}"
        if week.hidden or week.values is None:
            lines.append(
                ngettext(
                    "• %(week)s: hidden (fewer than %(count)s member shared check-ins, so someone's mood could be "
                    "inferred)",
                    "• %(week)s: hidden (fewer than %(count)s members shared check-ins, so someone's mood could be "
                    "inferred)",
                    data.min_members,
                    week=label,
                )
            )
            continue
        spread = " · ".join(f"{MOOD_EMOJI[m]} {m}: {c}" for m, c in week.values.items())
        members = ngettext("%(count)s member", "%(count)s members", week.contributors or 0)
        checkins = ngettext("%(count)s check-in", "%(count)s check-ins", week.count or 0)
        if week.average is not None:
            figures = _(
                "%(members)s, %(checkins)s, average %(average)s of 5",
                members=members,
                checkins=checkins,
                average=decimal(week.average),
            )
        else:
            figures = f"{members}, {checkins}"
        lines.append(f"• {label}: {figures}. {spread}")
    if data.trend:
        lines.append(_("• Trend from the week before: %(trend)s", trend=data.trend))
    if data.quiet:
        shown = data.quiet[:40]
        names = ", ".join(f"<@{user_id}>" for user_id in shown)
        if len(data.quiet) > len(shown):
            names = ngettext(
                "%(names)s and %(count)s more",
                "%(names)s and %(count)s more",
                len(data.quiet) - len(shown),
                names=names,
            )
        lines.append(_("• Gone quiet (no shared check-in last week): %(names)s. Maybe reach out?", names=names))
    else:
        lines.append(_("• Everyone who was a member all last week shared a check-in."))
    lines.append(
        _(
            "_Only whole, finished weeks are shown, and a week's figures never change once shown. "
            "Only check-ins shared with facilitators or the group count; notes and only-me check-ins never do._"
        )
    )
    return "\n".join(lines)[:2000]
