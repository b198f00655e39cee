"""Every word meetings say, in the reader's language (``bot/i18n.py``).

The only place meetings hold display text: the domain, phrases, service, cog and views name a text here.
No ``discord`` import, so the domain's and service's refusals are written here too. Dates, weekday and
month names and durations come from CLDR through Babel, so they follow the reader's language as well.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.units import format_unit

from bot.i18n import _, command, current, ngettext, pgettext

# --- dates, times and durations --------------------------------------------------------------------------


def _format(moment: datetime, pattern: str) -> str:
    return format_datetime(moment, pattern, locale=current())


def date_time(local: datetime) -> str:
    """``Tue 03 Mar 2026, 19:00`` / ``Di. 03 März 2026, 19:00``."""
    return _format(local, "EEE dd MMM yyyy, HH:mm")


def short_date_time(local: datetime) -> str:
    """``Tue 03 Mar 19:00`` (a meeting's next dates in a list)."""
    return _format(local, "EEE dd MMM HH:mm")


def day_time(local: datetime) -> str:
    """``Tue 03 Mar, 19:00`` (an answer's date)."""
    return _format(local, "EEE dd MMM, HH:mm")


def short_date(local: datetime) -> str:
    """``Tue 03 Mar``."""
    return _format(local, "EEE dd MMM")


def day_month(local: datetime) -> str:
    """``03 Mar``."""
    return _format(local, "dd MMM")


def long_date(local: datetime) -> str:
    """``05 March``."""
    return _format(local, "dd MMMM")


def weekday(local: datetime) -> str:
    """``Tuesday``."""
    return _format(local, "EEEE")


def clock(local: datetime) -> str:
    return local.strftime("%H:%M")  # 24-hour digits read the same in every shipped language


def duration(minutes: int) -> str:
    """``1 day``, ``2 hours``, ``15 minutes``: CLDR's unit names and plural rules in the reader's language."""
    for size, unit in ((1440, "duration-day"), (60, "duration-hour")):
        if minutes >= size and minutes % size == 0:
            return str(format_unit(minutes // size, unit, length="long", locale=current()))
    return str(format_unit(minutes, "duration-minute", length="long", locale=current()))


def minutes_long(minutes: int) -> str:
    return ngettext("%(count)s min", "%(count)s min", minutes)


# --- answers ------------------------------------------------------------------------------------------------


def status(key: str) -> str:
    return {"going": _("Going"), "maybe": _("Maybe"), "no": _("Can't")}[key]


def status_for_all(key: str) -> str:
    return _("%(answer)s for all future dates", answer=status(key))


def neutral_event_title() -> str:
    return _("Group meeting")


# --- how a meeting repeats -------------------------------------------------------------------------------


def recurrence(rule: str | None, start_local: datetime, interval: int | None, nth: int | None) -> str:
    """How a meeting repeats, said in words (``domain.describe_recurrence`` reads the rule)."""
    day, time = weekday(start_local), clock(start_local)
    if rule is None:
        return _("once, %(date)s at %(time)s", date=_format(start_local, "EEEE dd MMMM yyyy"), time=time)
    if rule == "FREQ=WEEKLY":
        return _("every %(weekday)s at %(time)s", weekday=day, time=time)
    if rule == "FREQ=DAILY":
        return _("every day at %(time)s", time=time)
    if rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR":
        return _("every weekday (Monday to Friday) at %(time)s", time=time)
    if interval is not None:
        return _("every %(count)s weeks on %(weekday)s at %(time)s", count=interval, weekday=day, time=time)
    if nth in {1, 2, 3, 4, -1}:
        return {
            1: lambda: _("the first %(weekday)s of each month at %(time)s", weekday=day, time=time),
            2: lambda: _("the second %(weekday)s of each month at %(time)s", weekday=day, time=time),
            3: lambda: _("the third %(weekday)s of each month at %(time)s", weekday=day, time=time),
            4: lambda: _("the fourth %(weekday)s of each month at %(time)s", weekday=day, time=time),
            -1: lambda: _("the last %(weekday)s of each month at %(time)s", weekday=day, time=time),
        }[nth]()
    starting = _format(start_local, "dd MMMM yyyy")
    return _("custom (%(rule)s), starting %(date)s at %(time)s", rule=rule, date=starting, time=time)


def schedule_once(how: str, zone: str) -> str:
    return _("%(how)s (%(zone)s)", how=how, zone=zone)


def schedule_from(how: str, first: datetime, zone: str) -> str:
    return _("%(how)s, from %(date)s (%(zone)s)", how=how, date=short_date(first), zone=zone)


def parsed_time(local: datetime, zone: str) -> str:
    return _("%(when)s (%(zone)s)", when=date_time(local), zone=zone)


# --- saying when, to a person ----------------------------------------------------------------------------


def friendly_when(local: datetime, days: int) -> str:
    """``today at 19:00``, ``tomorrow at 19:00``, ``on Friday at 19:00``, ``on Friday 11 December at 19:00``."""
    time = clock(local)
    if days == 0:
        return _("today at %(time)s", time=time)
    if days == 1:
        return _("tomorrow at %(time)s", time=time)
    if 1 < days < 7:
        return _("on %(weekday)s at %(time)s", weekday=weekday(local), time=time)
    return _("on %(date)s at %(time)s", date=_format(local, "EEEE d MMMM"), time=time)


def reminder(title: str, when: str, zone: str) -> str:
    return _("Reminder: **%(title)s** starts %(when)s (%(zone)s)", title=title, when=when, zone=zone)


def reminder_dm(text: str, countdown: str) -> str:
    return _("%(reminder)s, %(countdown)s.", reminder=text, countdown=countdown)


def reminder_fallback(user_id: int, title: str, countdown: str, full: str) -> str:
    return _(
        "<@%(user)s> reminder: **%(title)s** starts %(countdown)s (%(time)s your time). I couldn't DM you; allow "
        "DMs from this server to get reminders privately.",
        user=user_id,
        title=title,
        countdown=countdown,
        time=full,
    )


def starting_now(title: str, voice_channel_id: int | None, location: str | None) -> str:
    if voice_channel_id:
        return _("**%(title)s** is starting now. Join us in <#%(channel)s>.", title=title, channel=voice_channel_id)
    if location:
        return _("**%(title)s** is starting now. Where: %(location)s.", title=title, location=location)
    return _("**%(title)s** is starting now.", title=title)


def offset_before(minutes: int) -> str:
    return _("%(duration)s before", duration=duration(minutes))


def reminders_chosen(shown: list[str]) -> str:
    return _("I'll remind you %(times)s, by DM. Change or turn them off below.", times=", ".join(shown))


def no_reminders_chosen() -> str:
    return _("You'll get no reminders for it. Choose some below any time.")


def no_reminders_option() -> str:
    return _("No reminders")


def reminders_placeholder() -> str:
    return _("Your reminders")


# --- the card and the Discord event -----------------------------------------------------------------------


def no_further_dates() -> str:
    return _("no further dates")


def when(local_text: str, zone: str, countdown: str) -> str:
    return _("%(when)s (%(zone)s), %(countdown)s", when=local_text, zone=zone, countdown=countdown)


def card_cancelled_title(title: str) -> str:
    return _("%(title)s (cancelled)", title=title)


def card_cancelled() -> str:
    return _("This meeting was cancelled.")


def card_meets(group: str, how: str) -> str:
    return _("**%(group)s** meets %(how)s.", group=group, how=how)


def card_field(key: str) -> str:
    return {
        "next": pgettext("meeting card", "Next"),  # a date; the rounds' "Next" is a button
        "length": _("Length"),
        "where": _("Where"),
        "answers": _("Answers for the next date"),
        "agenda": _("Agenda"),
    }[key]


def this_channel() -> str:
    return _("this channel")


def card_footer() -> str:
    return _("Your answer is for the next date; you can apply it to all future dates.")


def event_private() -> str:
    return _("A group meeting. Members find the details in their group's channel.")


def event_meets(group: str, how: str, zone: str) -> str:
    return _("%(group)s meets %(how)s (%(zone)s).", group=group, how=how, zone=zone)


def event_agenda(items: str) -> str:
    return _("Agenda: %(items)s", items=items)


def no_card_channel() -> str:
    return _("The group has no channel I can find, so there is no announcement card.")


def card_not_posted(channel_id: int) -> str:
    return _(
        "I couldn't post the announcement card in <#%(channel)s>: check I can send messages there.",
        channel=channel_id,
    )


def calendar_name(group: str) -> str:
    return _("%(group)s meetings", group=group)


# --- command replies -------------------------------------------------------------------------------------


def scheduled(title: str, group: str, how: str, zone: str, next_: str, reminders: list[str]) -> str:
    if reminders:
        return _(
            "Scheduled **%(title)s** for **%(group)s**: %(how)s (%(zone)s).\nNext: %(next)s. Reminders: "
            "%(reminders)s before.",
            title=title,
            group=group,
            how=how,
            zone=zone,
            next=next_,
            reminders=", ".join(reminders),
        )
    return _(
        "Scheduled **%(title)s** for **%(group)s**: %(how)s (%(zone)s).\nNext: %(next)s. No reminders.",
        title=title,
        group=group,
        how=how,
        zone=zone,
        next=next_,
    )


def private_no_event() -> str:
    return _("This is a private group, so it isn't in the server's Events (turn on `public_event` to add it).")


def event_problem(permission: str) -> str:
    return _(
        "⚠️ It isn't in the server's Events: I need the **%(permission)s** permission. The meeting, card and "
        "reminders still work; ask a server admin to grant it and run %(edit)s to add the event.",
        permission=_(permission),
        edit=command("facilitate meeting edit"),
    )


def cannot_see_voice(channel_id: int) -> str:
    return _(
        "I can't see <#%(channel)s>: give Hearth's role View Channel and Connect there, or pick another voice channel.",
        channel=channel_id,
    )


def only_facilitators_attendance() -> str:
    return _("Only facilitators can see attendance.")


def no_meetings(group: str) -> str:
    return _(
        "**%(group)s** has no meetings. Facilitators can add one with %(schedule)s.",
        group=group,
        schedule=command("facilitate meeting schedule"),
    )


def meetings_of(group: str) -> str:
    return _("**Meetings of %(group)s**", group=group)


def list_line(title: str, how: str, zone: str, dates: str) -> str:
    return _("• **%(title)s** (%(how)s, %(zone)s): %(dates)s", title=title, how=how, zone=zone, dates=dates)


def list_counts(counts: str) -> str:
    return _("  next date: %(counts)s", counts=counts)


def list_event_problem(permission: str) -> str:
    return _("  ⚠️ not in the server's Events: I need the %(permission)s permission", permission=_(permission))


def no_attendance() -> str:
    return _("  attendance: nothing recorded yet")


def attendance_line(day: str, present: int, entries: str) -> str:
    return ngettext(
        "  %(day)s: %(count)s attended — %(entries)s",
        "  %(day)s: %(count)s attended — %(entries)s",
        present,
        day=day,
        entries=entries,
    )


def duration_range() -> str:
    return _("The duration must be between 1 minute and 24 hours (e.g. `60`).")


def updated(title: str, next_: str) -> str:
    return _("Updated **%(title)s**. Next: %(next)s.", title=title, next=next_)


def cancelled(title: str) -> str:
    return _("Cancelled **%(title)s**. Its event and reminders are gone.", title=title)


def skipped(title: str, when_: str, next_: str) -> str:
    return _("Skipped **%(title)s** on %(when)s. Next: %(next)s.", title=title, when=when_, next=next_)


def agenda_added(title: str, number: int) -> str:
    return _("Added to the agenda of **%(title)s** (item %(number)s).", title=title, number=number)


def agenda_removed(title: str, number: int) -> str:
    return _("Removed item %(number)s from the agenda of **%(title)s**.", title=title, number=number)


def agenda_empty(title: str) -> str:
    return _("**%(title)s** has no agenda yet.", title=title)


def agenda_of(title: str, when_: str, items: str) -> str:
    return _("**Agenda of %(title)s** (%(when)s)\n%(items)s", title=title, when=when_, items=items)


def export_ready(group: str) -> str:
    return _("The meetings of **%(group)s**, for your calendar app.", group=group)


def answered(answer: str, what: str, reminders: str) -> str:
    return _("**%(answer)s** for %(what)s.%(reminders)s", answer=answer, what=what, reminders=reminders)


def answered_all_future(title: str) -> str:
    return _("every future date of **%(title)s**", title=title)


def answered_one(title: str, when_: str, zone: str) -> str:
    return _("**%(title)s** on %(when)s (%(zone)s)", title=title, when=when_, zone=zone)


def reminders_saved(title: str, reminders: str) -> str:
    return _("Saved for **%(title)s**. %(reminders)s", title=title, reminders=reminders)


def when_preview_ok(described: str) -> str:
    return f"✓ {described}"


def when_preview_bad(problem: str) -> str:
    return f"✗ {problem}"


def when_examples() -> tuple[str, ...]:
    """What the empty ``when`` option suggests: phrases the reader's language parses."""
    return (
        _("every Tuesday 7pm"),
        _("first Monday of the month 19:00"),
        _("tomorrow 6pm"),
    )


# --- refusals (raised by the domain, the phrases and the service) ---------------------------------------


def time_gap(when_: str, zone: str) -> str:
    return _(
        "%(when)s doesn't exist in %(zone)s: the clocks jump forward over it that night. "
        "Pick a time an hour later or earlier.",
        when=when_,
        zone=zone,
    )


def time_fold(when_: str, zone: str) -> str:
    return _(
        "%(when)s happens twice in %(zone)s: the clocks go back that night. "
        "Pick a time outside that hour so nobody turns up an hour early or late.",
        when=when_,
        zone=zone,
    )


def every_range() -> str:
    return _("`every` must be between 1 and 52 weeks.")


def every_n_weeks_range() -> str:
    return _("Every N weeks works for N from 1 to 52.")


def rrule_needed() -> str:
    return _("Custom recurrence needs an `rrule`, e.g. `FREQ=MONTHLY;BYDAY=1SA`.")


def repeat_unknown() -> str:
    return _("Repeat must be once, weekly, every N weeks, monthly or a custom RRULE.")


def rrule_only() -> str:
    return _("Give only the RRULE part (e.g. `FREQ=WEEKLY;BYDAY=TU`); the start comes from the `when` option.")


def rrule_invalid(error: str) -> str:
    return _("That RRULE isn't valid (%(error)s). Example: `FREQ=WEEKLY;INTERVAL=2;BYDAY=TH`.", error=error)


def rrule_single() -> str:
    return _("Give a single RRULE.")


def at_most_daily() -> str:
    return _("A meeting can repeat at most once a day: use DAILY, WEEKLY or MONTHLY.")


def rrule_too_often() -> str:
    return _("That RRULE fires more than once a day; a meeting can repeat at most daily.")


def rrule_no_future() -> str:
    return _("That RRULE has no occurrence in the future: check its UNTIL or COUNT.")


def reminder_unreadable(token: str) -> str:
    return _("I couldn't read the reminder %(token)r: use minutes or units, e.g. `24h, 15m` or `1d 30`.", token=token)


def reminder_range() -> str:
    return _("Each reminder must be between 1 minute and 28 days before the meeting.")


def too_many_reminders(limit: int) -> str:
    return ngettext("At most %(count)s reminder per meeting.", "At most %(count)s reminders per meeting.", limit)


def when_needed() -> str:
    return _("Tell me when, e.g. `2026-12-03 19:00`, `tomorrow 7pm` or `next Thursday 19:30`.")


def examples() -> str:
    """Phrases that work, in the reader's language (English ones always work too)."""
    return _(
        "`every Tuesday 7pm`, `every other Thursday at 18:30`, `first Monday of the month 19:00`, "
        "`weekdays 8am`, `tomorrow 6pm`, `in 2 hours` or `2026-12-10 19:00`"
    )


def time_unreadable(text: str) -> str:
    return _("I couldn't read %(text)r as a time. Try %(examples)s.", text=text, examples=examples())


def clock_unreadable(text: str) -> str:
    return _(
        "I couldn't read %(text)r as a time of day. Try %(examples)s.",
        text=text,
        examples=_("`19:00`, `7pm` or `7:30 pm`"),
    )


def in_the_past(when_: str) -> str:
    return _("%(when)s is in the past: pick a time that is still ahead.", when=when_)


def too_often() -> str:
    return _("A meeting can repeat at most once a day. Try %(examples)s.", examples=examples())


def no_future_date() -> str:
    return _("That has no date in the future.")


def first_in_dst_change(error: str) -> str:
    return _("The first of these falls on a daylight-saving change: %(error)s", error=error)


def ambiguous_next(name: str, in_a_week: str) -> str:
    return _(
        "Today is %(weekday)s, so “next %(weekday)s” could mean today or %(date)s. "
        "Say `today 19:00`, or the date: `%(date)s 19:00`.",
        weekday=name,
        date=in_a_week,
    )


def repeat_twice(described: str) -> str:
    return _(
        "`when` already says how it repeats (%(how)s): leave `repeat` out, or give only the first date in `when`.",
        how=described,
    )


def title_length() -> str:
    return _("Give the meeting a title of 1 to 100 characters.")


def location_length() -> str:
    return _("The location can be at most 100 characters.")


def group_archived(group: str) -> str:
    return _("**%(group)s** is archived: it takes no new meetings.", group=group)


def running_now() -> str:
    return _("This meeting is running now: change its time after it ends.")


def not_a_date(title: str, when_: str) -> str:
    return _(
        "**%(title)s** doesn't meet at %(when)s: %(list)s shows its next dates.",
        title=title,
        when=when_,
        list=command("meeting list"),
    )


def nothing_to_skip(title: str) -> str:
    return _("**%(title)s** has no upcoming date to skip.", title=title)


def already_started() -> str:
    return _("This occurrence has already started; it can't be skipped now.")


def agenda_item_length(limit: int) -> str:
    return _("An agenda item is 1 to %(limit)s characters.", limit=limit)


def agenda_full(limit: int) -> str:
    return ngettext(
        "The agenda is full (%(count)s item): remove one first.",
        "The agenda is full (%(count)s items): remove one first.",
        limit,
    )


def agenda_number(count: int) -> str:
    return ngettext(
        "The agenda has %(count)s item: give the number 1 (%(show)s).",
        "The agenda has %(count)s items: give a number from 1 to %(count)s (%(show)s).",
        count,
        show=command("meeting agenda show"),
    )


def agenda_is_empty() -> str:
    return _("The agenda is empty.")


def several_called(ref: str) -> str:
    return _("Several meetings are called %(ref)r: pick one from the list as you type.", ref=ref)


def meeting_not_found(ref: str) -> str:
    return _(
        "I can't find a meeting %(ref)r. %(list)s shows the meetings of your group.",
        ref=ref,
        list=command("meeting list"),
    )


def was_cancelled(title: str) -> str:
    return _("**%(title)s** was cancelled; schedule a new meeting instead.", title=title)


def no_such_group(name: str | None) -> str:
    return _(
        "There is no group called %(name)r here. %(list)s shows the groups.", name=name, list=command("group list")
    )


def join_to_see(group: str) -> str:
    return _("Join **%(group)s** to see its meetings (%(join)s).", group=group, join=command("group join"))


def answer_status() -> str:
    return _("Answer Going, Maybe or Can't.")


def meeting_gone() -> str:
    return _("That meeting no longer exists.")


def nothing_to_answer(title: str) -> str:
    return _("**%(title)s** has no upcoming date to answer for.", title=title)


def nothing_to_remind() -> str:
    return _("That meeting no longer takes place, so there is nothing to be reminded of.")


def no_date_to_remind(title: str) -> str:
    return _("**%(title)s** has no upcoming date to be reminded of.", title=title)


def reminder_time_gone() -> str:
    return _("That reminder time isn't one this meeting offers any more; open the choice again.")


def answer_first(title: str) -> str:
    return _("Answer **Going** or **Maybe** for **%(title)s** first, then choose reminders.", title=title)


# --- a new member's welcome ------------------------------------------------------------------------------


def welcome_none() -> str:
    return _("**Meetings:** none is scheduled yet; the group's channel shows one when a facilitator plans it.")


def welcome_next(title: str, stamp: int) -> str:
    return _(
        "**Next meeting:** %(title)s, <t:%(stamp)s:F> (<t:%(stamp)s:R>). Press **Going** on its card in the "
        "group's channel and choose your own reminders.",
        title=title,
        stamp=stamp,
    )
