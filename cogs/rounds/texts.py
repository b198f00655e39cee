"""Every word sharing rounds say, in the reader's language (``bot/i18n.py``).

The only place rounds hold display text: the domain, service, cog and views name a text here. No
``discord`` import, so the domain's and service's refusals can be written here too. Mentions, links and
timestamps come in as ready-made strings.
"""

from __future__ import annotations

import math

from bot.i18n import _, command, decimal, ngettext, pgettext

# --- names of things -----------------------------------------------------------------------------------


def order_label(order: str) -> str:
    return {
        "signup": pgettext("choice", "sign-up"),
        "random": pgettext("choice", "random"),
        "least_heard": pgettext("choice", "least heard first"),
    }[order]


def button_label(action: str) -> str:
    return {
        "join": _("Join queue"),
        "leave": _("Leave queue"),
        "pass": _("Pass"),
        "passback": _("Pass, come back to me"),
        "done": _("Done"),
        "next": _("Next"),
        "skip": _("Skip"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "extend": _("+1 min"),
        "end": _("End"),
        "controls": _("Facilitator controls"),
    }[action]


def duration(seconds: float) -> str:
    whole = max(0, math.floor(seconds + 0.5))
    minutes, rest = divmod(whole, 60)
    if minutes and rest:
        return _("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=rest)
    if minutes:
        return _("%(minutes)s min", minutes=minutes)
    return _("%(seconds)s s", seconds=rest)


# --- refusals (raised by the domain and the service) ------------------------------------------------------


def stale() -> str:
    return _("The stick has already moved on; nothing changed.")


def round_ended_already() -> str:
    return _(
        "This round has ended. A facilitator can start a new one with %(command)s.",
        command=command("facilitate round start"),
    )


def holding_already() -> str:
    return _("You're holding the stick right now.")


def queued_already(position: int) -> str:
    return _("You're already in the queue (number %(position)s).", position=position)


def coming_back_already() -> str:
    return _("You're already coming back at the end of the round.")


def not_queued() -> str:
    return _("You're not in the queue.")


def nothing_to_pass() -> str:
    return _("You're not in the queue, so there is no turn to pass. Join the queue first.")


def only_holder_done() -> str:
    return _("Only the person holding the stick can press Done.")


def nobody_waiting() -> str:
    return _("Nobody is waiting for the stick.")


def paused_already() -> str:
    return _("The round is already paused.")


def not_paused() -> str:
    return _("The round is not paused.")


def nothing_to_extend() -> str:
    return _("Nobody holds the stick, so there is no turn to extend.")


def restarting() -> str:
    return _("Rounds are restarting; try again in a moment.")


def round_gone() -> str:
    return _("This round no longer exists.")


def group_gone() -> str:
    return _("This round's group no longer exists.")


def facilitators_only_button(group: str, action: str) -> str:
    return _(
        "Only facilitators of **%(group)s** can use %(button)s. To take part, use Join queue, Pass or Done.",
        group=group,
        button=button_label(action),
    )


def facilitators_only_controls() -> str:
    return _("These controls are for the group's facilitators. To take part, use Join queue, Pass or Done.")


def minutes_out_of_range(limit: int, given: int) -> str:
    return _("Minutes per turn must be between 1 and %(limit)s; you gave %(given)s.", limit=limit, given=given)


def topic_missing() -> str:
    return _("Give the round a topic, e.g. `How was your week?`.")


def topic_too_long(length: int) -> str:
    return _("Keep the topic under 200 characters (it has %(length)s).", length=length)


def not_a_group_channel_start() -> str:
    return _(
        "Rounds run in a group's channel, and this channel doesn't belong to a group. "
        "Run %(command)s in the group's own channel.",
        command=command("facilitate round start"),
    )


def not_a_group_channel() -> str:
    return _("This channel doesn't belong to a group, so it has no rounds.")


def group_archived(group: str) -> str:
    return _("**%(group)s** is archived: it takes no new rounds.", group=group)


def facilitators_only_start(group: str) -> str:
    return _("Only facilitators of **%(group)s** can start a round.", group=group)


def running_already(link: str) -> str:
    return _(
        "A round is already running in this channel: %(link)s. End it with %(command)s first.",
        link=link,
        command=command("facilitate round end"),
    )


def started_just_now() -> str:
    return _("A round was just started in this channel. Use %(command)s to see it.", command=command("round status"))


def no_round_here() -> str:
    return _("There is no round running in this channel.")


def bad_order() -> str:
    return _("Order must be sign-up, random or least heard first.")


def pick_voice_channel() -> str:
    return _("Pick a voice channel for `voice_channel`.")


def voice_needs_channel() -> str:
    return _(
        "Voice mode and 'everyone in voice' need a voice channel: pick one with `voice_channel`, "
        "or start the round in the voice channel's chat."
    )


# --- notes to the person who acted ------------------------------------------------------------------------


def note(action: str) -> str:
    """What a facilitator's button did, when the domain has nothing more particular to say."""
    notes = {
        "next": _("The stick moved on."),
        "skip": _("Skipped: the stick moved on."),
        "pause": _("Paused. The turn's time stands still until you press Resume."),
        "resume": _("Resumed."),
        "extend": _("One more minute for this turn."),
    }
    return notes.get(action) or _("Done.")


def ended_by_itself() -> str:
    return _("The round ended by itself: nobody was waiting for the stick.")


def left_while_holding() -> str:
    return _("Your turn ended and you left the queue.")


def left_queue() -> str:
    return _("You left the queue.")


def passed(come_back: bool, come_back_used: bool) -> str:
    if come_back_used:
        return _("You already used your come-back, so this is a plain pass. Passed: no turn for you this round.")
    if come_back:
        return _("Passed: I'll come back to you once at the end.")
    return _("Passed: no turn for you this round.")


def thanks() -> str:
    return _("Thank you for sharing.")


def position(holder: bool, number: int) -> str:
    if holder:
        return _("The stick is yours now: your turn has started.")
    return _("You're in the queue, number %(position)s.", position=number)


# --- in the channel (the server's language) ----------------------------------------------------------------


def came_back(mention: str) -> str:
    return _("%(member)s, the stick has come back to you, as you asked.", member=mention)


def holder_left() -> str:
    return _("The person holding the stick has left the server, so the stick moved on.")


def warning(mention: str, left: float, ends: str) -> str:
    return _(
        "%(member)s, about %(left)s left in your turn (it ends %(ends)s). Take your time to finish, or press **Done**.",
        member=mention,
        left=duration(left),
        ends=ends,
    )


def voice_permission_lost() -> str:
    return _("Voice mode stopped: I lost the Mute Members permission. The round carries on.")


def voice_off_no_permission(channel: str) -> str:
    return _(
        "Voice mode is off: I need the Mute Members permission in %(channel)s. The round runs without it.",
        channel=channel,
    )


def live_header(topic: str, group: str, per_turn: float, order: str) -> list[str]:
    return [
        _("**Sharing round: %(topic)s**", topic=topic),
        _(
            "%(group)s · %(minutes)s per turn · order: %(order)s",
            group=group,
            minutes=duration(per_turn),
            order=order_label(order),
        ),
    ]


def paused_free() -> str:
    return _("⏸️ Paused. Nobody holds the stick.")


def stick_free() -> str:
    return _("The stick is free: press **Join queue** to share.")


def paused_holding(mention: str, left: float) -> str:
    return _("⏸️ Paused. %(member)s holds the stick with %(left)s left.", member=mention, left=duration(left))


def holding(mention: str, ends: str) -> str:
    return _("🎙️ %(member)s holds the stick. Turn ends %(ends)s.", member=mention, ends=ends)


def up_next(people: str | None) -> str:
    if people is None:
        return _("**Up next:** nobody yet")
    return _("**Up next:** %(people)s", people=people)


def coming_back_list(people: str) -> str:
    return _("**Coming back at the end:** %(people)s", people=people)


def voice_mode_line(channel: str) -> str:
    return _("🔇 Voice mode in %(channel)s: those waiting are muted until their turn.", channel=channel)


def how_to() -> str:
    return _("Join queue to share, Pass to skip your turn (no reason needed), Done to end yours early.")


def and_more(count: int) -> str:
    return ngettext("… and %(count)s more", "… and %(count)s more", count)


def ended_message(topic: str, group: str) -> str:
    return _("**Sharing round ended: %(topic)s**\n%(group)s · thank you, everyone.", topic=topic, group=group)


def summary_counts(turns: int, shared: int) -> str:
    """The public summary names nobody: how many turns, how many people shared."""
    return _(
        "%(turns)s, %(shared)s",
        turns=ngettext("%(count)s turn", "%(count)s turns", turns, count=turns),
        shared=ngettext("%(count)s person shared", "%(count)s people shared", shared, count=shared),
    )


def summary_times(total: str, average: str) -> str:
    return _("%(total)s in all, %(average)s on average per sharer", total=total, average=average)


def summary_footer() -> str:
    return _("Only how many took a turn and for how long is kept, never who or what was said.")


# --- the panel, /round status and the end (the member's language) --------------------------------------


def panel_status(live: bool, holder: str | None, paused: bool, ends: str | None, waiting: int) -> str:
    if not live:
        return _("The round has ended.")
    if holder is None:
        if waiting:
            return _("Nobody holds the stick.")
        return _("Nobody holds the stick and nobody is waiting.")
    if paused:
        return _("Paused: %(member)s holds the stick.", member=holder)
    return _("%(member)s holds the stick; the turn ends %(ends)s.", member=holder, ends=ends)


def panel_title(topic: str) -> str:
    return _("**Facilitator controls: %(topic)s** (only you see this)", topic=topic)


def waiting_count(count: int) -> str:
    return ngettext("%(count)s waiting.", "%(count)s waiting.", count)


def started(link: str) -> str:
    return _("Round started: %(link)s", link=link)


def voice_on(channel: str) -> str:
    return _("Voice mode is on in %(channel)s.", channel=channel)


def not_added(group: str, names: str, count: int) -> str:
    return ngettext(
        "Not queued (not a member of **%(group)s**, or hasn't accepted its guidelines): %(names)s. "
        "They can join with the button once they have.",
        "Not queued (not members of **%(group)s**, or they haven't accepted its guidelines): %(names)s. "
        "They can join with the button once they have.",
        count,
        group=group,
        names=names,
    )


def no_round_running() -> str:
    return _("No round is running in this channel.")


def status_topic(topic: str, link: str) -> str:
    return _("**%(topic)s**: %(link)s", topic=topic, link=link)


def nobody_holds() -> str:
    return _("Nobody holds the stick right now.")


def you_hold() -> str:
    return _("You're holding the stick.")


def your_place(number: int) -> str:
    return _("You're number %(position)s in the queue.", position=number)


def you_come_back() -> str:
    return _("You're coming back at the end.")


def not_in_queue_waiting(count: int) -> str:
    return ngettext(
        "You're not in the queue; %(count)s person is waiting.",
        "You're not in the queue; %(count)s people are waiting.",
        count,
    )


def ended_note(link: str) -> str:
    return _("Round ended. The summary is on the round message: %(link)s", link=link)


def this_round(balance: str) -> str:
    return _("This round: %(balance)s", balance=balance)


def balance(gini: float | None, rounds: int | None = None) -> str:
    if gini is None:
        return _("No finished rounds yet, so no balance figure.")
    if gini < 0.2:
        word = _("even")
    elif gini < 0.35:
        word = _("fairly even")
    elif gini < 0.5:
        word = _("uneven")
    else:
        word = _("very uneven")
    figure = decimal(gini, 2)
    if rounds:
        return ngettext(
            "Speaking-time balance over the last round: Gini %(gini)s (%(word)s; 0 = everyone equal, 1 = one voice).",
            "Speaking-time balance over the last %(count)s rounds: Gini %(gini)s "
            "(%(word)s; 0 = everyone equal, 1 = one voice).",
            rounds,
            gini=figure,
            word=word,
        )
    return _(
        "Speaking-time balance: Gini %(gini)s (%(word)s; 0 = everyone equal, 1 = one voice).", gini=figure, word=word
    )


# --- /privacy ----------------------------------------------------------------------------------------------


def privacy_rounds(count: int, minutes: float) -> str:
    shown = decimal(minutes, 1)
    return ngettext(
        "%(count)s round with your speaking time (%(minutes)s minutes in all)",
        "%(count)s rounds with your speaking time (%(minutes)s minutes in all)",
        count,
        minutes=shown,
    )


def privacy_queues(count: int) -> str:
    return ngettext("a place in %(count)s live round queue", "a place in %(count)s live round queues", count)


def privacy_starter() -> str:
    return _("you are named as the person who started some rounds")
