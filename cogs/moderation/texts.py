"""Every word moderation says, in the reader's language (``bot/i18n.py``).

The only place moderation holds display text: the domain, service, cog and views name a text here. No
``discord`` import. What a member wrote, a moderator's own warning or reason, and names are never
translated: they come in as ready-made strings. Queue cards and the queue channel's warning speak the
server's language (the cog binds it); replies speak the reader's; a DM to a member, sent when Discord
doesn't tell Hearth their locale, speaks the server's.

Stored records (an item's "done so far" notes, its resolution, the audit log) keep the English words
they were written with; the ones Hearth wrote are marked with ``N_`` and translated when shown.

**Care texts stay English on purpose** (issue 15: an unreviewed crisis translation can harm): the
"Reach out" template and the DM that carries it, and the safety flag card's explanation, are plain
constants at the end of this module, never wrapped in ``_()``; ``tests/i18n/test_moderation.py`` fails
if the catalog offers them to translators.
"""

from __future__ import annotations

import re

from bot.i18n import N_, _, command, ngettext, pgettext

# --- names of things ---------------------------------------------------------------------------------------

#: How the audit log and an item's notes name each action (stored in English, shown translated).
ACTION_LABELS: dict[str, str] = {
    "dismiss": N_("dismissed"),
    "delete": N_("deleted the message"),
    "warn": N_("warned the author"),
    "timeout": N_("timed out the author"),
    "block": N_("blocked from anonymous sharing"),
    "unblock": N_("unblocked"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "reveal": N_("revealed the author"),
    "reachout": N_("reached out kindly"),
    "withthem": N_("noted someone is with them"),
}
#: Stored words Hearth wrote besides the action labels (a resolution, a detail).
STORED = (N_("someone is with them"), N_("it was already gone"), N_("handled"))

#: Time-out lengths as stored in the audit log's detail (English), shown translated.
TIMEOUT_DETAILS: dict[int, str] = {10: N_("10 minutes"), 60: N_("1 hour"), 1440: N_("1 day"), 10080: N_("1 week")}


def stored(text: str) -> str:
    """A word Hearth stored in English (an action, a resolution, a time-out length), in the reader's language;
    anything else (a moderator's own words) exactly as written."""
    return _(text) if text else text


def timeout_label(minutes: int) -> str:
    if minutes % 10080 == 0:
        return ngettext("%(count)s week", "%(count)s weeks", minutes // 10080)
    if minutes % 1440 == 0:
        return ngettext("%(count)s day", "%(count)s days", minutes // 1440)
    if minutes % 60 == 0:
        return ngettext("%(count)s hour", "%(count)s hours", minutes // 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes)


def button_label(action: str) -> str:
    return {
        "dismiss": _("Dismiss"),
        "delete": _("Delete message"),
        "warn": _("Warn author"),
        "timeout": _("Time out author"),
        "block": _("Block from anonymous sharing"),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "reveal": _("Reveal author"),
        "reachout": _("Reach out"),
        "withthem": _("Someone is with them"),
        "revealyes": _("Yes, reveal the author"),
    }.get(action, action)


def kind_title(kind: str) -> str:
    return {
        "report": _("Reported message"),
        "held": _("Anonymous post awaiting approval"),
        "flag": _("Someone may be struggling"),
    }.get(kind, kind)


def kind_name(kind: str) -> str:
    """The short word in a queue line and the item picker."""
    return {"report": _("report"), "held": _("held"), "flag": _("flag")}.get(kind, kind)


def no_text() -> str:
    return _("(no text: an attachment, embed or sticker)")


# --- the card -----------------------------------------------------------------------------------------------


def card_heading(kind: str, item_id: int, is_open: bool, resolution: str | None) -> str:
    if is_open:
        return _("**%(kind)s · item #%(id)s** · open", kind=kind_title(kind), id=item_id)
    return _(
        "**%(kind)s · item #%(id)s** · closed: %(resolution)s",
        kind=kind_title(kind),
        id=item_id,
        resolution=stored(resolution or "handled"),
    )


def card_message(link: str) -> str:
    return _("Message: %(link)s", link=link)


def card_channel(channel: str) -> str:
    return _("Channel: %(channel)s", channel=channel)


def card_anonymous_author(code: str | None) -> str:
    if code:
        return _("Author: anonymous post `%(code)s` (nobody can see who wrote it)", code=code)
    return _("Author: anonymous post (nobody can see who wrote it)")


def card_author(mention: str) -> str:
    return _("Author: %(mention)s", mention=mention)


def card_reported_by(count: int) -> str:
    return ngettext("Reported by %(count)s person", "Reported by %(count)s people", count)


def card_reasons(report: bool) -> str:
    return _("Reasons:") if report else _("Why:")


def card_more_reasons(count: int) -> str:
    return ngettext("• …and %(count)s more", "• …and %(count)s more", count)


def card_done_so_far(notes: list[str]) -> str:
    return _("Done so far: %(notes)s", notes="; ".join(note(n) for n in notes))


def card_closed_by(mention: str) -> str:
    return _("Closed by %(mention)s", mention=mention)


def card_redacted() -> str:
    return _(
        "This channel can be read by people who aren't moderators, so what was written and by whom are left out. "
        "Moderators: open it in %(command)s to read it before acting.",
        command=command("mod queue"),
    )


_NOTE = re.compile(r"^(?P<action>.+?) by (?P<who><@\d+>)(?: \((?P<detail>.*)\))?$", re.DOTALL)


def note(stored_note: str) -> str:
    """One stored note ("warned the author by <@5> (1 day)") in the reader's language."""
    match = _NOTE.match(stored_note)
    if match is None:
        return stored_note
    if match["detail"]:
        return _(
            "%(action)s by %(who)s (%(detail)s)",
            action=stored(match["action"]),
            who=match["who"],
            detail=stored(match["detail"]),
        )
    return _("%(action)s by %(who)s", action=stored(match["action"]), who=match["who"])


def queue_line(item_id: int, kind: str, reports: int | None, when: str, where: str | None) -> str:
    place = where if where is not None else _("held post")
    if reports is None:
        return _(
            "**#%(id)s** %(kind)s · %(when)s · %(where)s", id=item_id, kind=kind_name(kind), when=when, where=place
        )
    return ngettext(
        "**#%(id)s** %(kind)s · %(count)s report · %(when)s · %(where)s",
        "**#%(id)s** %(kind)s · %(count)s reports · %(when)s · %(where)s",
        reports,
        id=item_id,
        kind=kind_name(kind),
        when=when,
        where=place,
    )


# --- the queue channel is not private ----------------------------------------------------------------------


def names(readers: list[str]) -> str:
    """Who else can read the queue (role and member names, as Discord spells them)."""
    return ", ".join(readers)


def queue_warning(readers: list[str]) -> str:
    return _(
        "⚠️ The moderator queue channel can be read by %(readers)s, not only moderators and admins. Until only "
        "they can read it, Hearth posts no member's words or names there: cards only say an item is waiting, and "
        "moderators read it in %(queue)s (care requests in %(cases)s). To fix it, turn off View Channel for "
        "everyone else in the channel's permissions.",
        readers=names(readers),
        queue=command("mod queue"),
        cases=command("mod cases"),
    )


def queue_refusal(readers: list[str], channel_id: int) -> str:
    return _(
        "⚠️ Nothing was saved. %(channel)s can be read by %(readers)s, not only moderators and admins, and the "
        "moderator queue holds reports about members. Best: turn off View Channel for everyone else in that "
        "channel's permissions (or pick a private channel), then run %(setup)s again.\n"
        "To use it anyway, run %(setup)s with `mod_queue:%(channel)s confirm_public_queue:True`: Hearth then "
        "posts no member's words or names there, only that an item is waiting (moderators read it in %(queue)s).",
        channel=f"<#{channel_id}>",
        readers=names(readers),
        setup=command("setup"),
        queue=command("mod queue"),
    )


def queue_turned_public(guild_name: str, channel_id: int, readers: list[str]) -> str:
    return _(
        "⚠️ Hearth, on **%(server)s**: the moderator queue channel %(channel)s can now be read by %(readers)s, not "
        "only moderators and admins. Hearth has taken members' words and names off its cards there and keeps "
        "every item in %(queue)s until it's fixed. To fix it, turn off View Channel for everyone else in that "
        "channel's permissions.",
        server=guild_name,
        channel=f"<#{channel_id}>",
        readers=names(readers),
        queue=command("mod queue"),
    )


# --- /mod queue and /mod log -------------------------------------------------------------------------------


def queue_header(total: int, page: int, pages: int) -> str:
    return ngettext(
        "**Moderation queue** · %(count)s open item, oldest first · page %(page)s/%(pages)s",
        "**Moderation queue** · %(count)s open items, oldest first · page %(page)s/%(pages)s",
        total,
        page=page,
        pages=pages,
    )


def no_queue_channel() -> str:
    return _(
        "No mod-queue channel is set, so no cards are posted: a server admin can choose one with %(command)s. "
        "Meanwhile, open an item below to act on it.",
        command=command("setup"),
    )


def queue_empty() -> str:
    return _("Nothing waiting. Thank you for keeping this place safe.")


def open_item_placeholder() -> str:
    return _("Open an item to act on it")


def log_header(total: int, page: int, pages: int) -> str:
    return ngettext(
        "**Audit log** · %(count)s entry · page %(page)s/%(pages)s",
        "**Audit log** · %(count)s entries · page %(page)s/%(pages)s",
        total,
        page=page,
        pages=pages,
    )


def log_nothing() -> str:
    return _("Nothing matches.")


def former_moderator() -> str:
    return _("a former moderator")


def log_action(action: str) -> str:
    """An audit entry's action key as the reader reads it (other features' keys as they wrote them)."""
    label = ACTION_LABELS.get(action)
    return _(label) if label is not None else action


_POST = re.compile(r"^anonymous post (?P<code>\S+)$")
_MESSAGE = re.compile(r"^message (?P<message>\d+) in (?P<channel><#\d+>) \(item #(?P<item>\d+)\)$")
_ITEM = re.compile(r"^item #(?P<item>\d+)$")


def log_target(target: str) -> str:
    """A stored audit target ("anonymous post K3F9QX2M") in the reader's language."""
    if match := _POST.match(target):
        return _("anonymous post %(code)s", code=match["code"])
    if match := _MESSAGE.match(target):
        return _(
            "message %(message)s in %(channel)s (item #%(item)s)",
            message=match["message"],
            channel=match["channel"],
            item=match["item"],
        )
    if match := _ITEM.match(target):
        return _("item #%(item)s", item=match["item"])
    return target


def log_author(mention: str) -> str:
    return _("author %(mention)s", mention=mention)


def other_pages() -> str:
    return _("These pages belong to someone else.")


def previous_button() -> str:
    return _("Previous")


def next_button() -> str:
    return _("Next")


# --- the report form ----------------------------------------------------------------------------------------


def report_title() -> str:
    return _("Report message")


def report_reason_label() -> str:
    return _("What's wrong with this message?")


def report_reason_placeholder() -> str:
    return _("Moderators see this reason, never who wrote it.")


def report_kind_label() -> str:
    return _("What is it about?")


def report_kind_guidelines() -> str:
    return _("It goes against the guidelines")


def report_thanks(in_channel: bool) -> str:
    if in_channel:
        return _(
            "Thank you. Your report reached the moderators; they'll see it in their queue. Nobody, moderators "
            "included, can see that it came from you."
        )
    return _(
        "Thank you. Your report reached the moderators; they'll see it in %(command)s. Nobody, moderators "
        "included, can see that it came from you.",
        command=command("mod queue"),
    )


# --- the moderator's modals ---------------------------------------------------------------------------------


def modal(kind: str) -> tuple[str, str, str]:
    """(title, label, placeholder) of the one-field form a card button opens."""
    return {
        "reachout": (
            _("Reach out kindly"),
            _("Your message (sent through Hearth)"),
            _("A kind word in your own voice."),
        ),
        "warn": (
            _("Warn the author"),
            _("Warning (the author receives it by DM)"),
            _("Which guideline, and what to do differently."),
        ),
        "reject": (
            _("Reject the held post"),
            _("Reason (the author receives it by DM)"),
            _("Why it can't be posted, and what would be OK."),
        ),
    }[kind]


# --- answers to moderators ---------------------------------------------------------------------------------


def dismissed(item_id: int) -> str:
    return _("Item #%(id)s dismissed.", id=item_id)


def someone_with_them(item_id: int) -> str:
    return _("Noted: someone is with them. Item #%(id)s is closed.", id=item_id)


def timeout_question(item_id: int) -> str:
    return _("Time out the author of item #%(id)s for how long?", id=item_id)


def blocked(code: str | None) -> str:
    return _(
        "Blocked the author of anonymous post `%(code)s` from anonymous sharing on this server. Undo with "
        "%(command)s `%(code)s`. You still don't know who it is, and neither does anyone else.",
        code=code,
        command=command("mod unblock"),
    )


def approved(code: str | None) -> str:
    return _("Approved: anonymous post `%(code)s` is being posted.", code=code)


def reveal_warning() -> str:
    return _(
        "Revealing who wrote this anonymous post breaks the promise the server made to its members. The reveal is "
        "written to the audit log every moderator sees. Reveal only if someone's safety depends on it. Continue?"
    )


def nothing_to_reveal() -> str:
    return _(
        "No identity was stored for this post (it was written while break-glass was off). The attempt is in the "
        "audit log."
    )


def revealed(mention: str) -> str:
    return _(
        "This post was written by %(mention)s (only you see this). The reveal is in the audit log.", mention=mention
    )


def deleted(item_id: int, already_gone: bool) -> str:
    if already_gone:
        return _("Item #%(id)s closed. It was already gone.", id=item_id)
    return _("Item #%(id)s closed. The message is deleted.", id=item_id)


def warning_delivered() -> str:
    return _("Warning delivered by direct message. It's recorded in the audit log.")


def warning_undelivered() -> str:
    return _(
        "I couldn't deliver the warning: the author doesn't accept direct messages from Hearth, or has left. "
        "Nothing was recorded; you can still delete the message or block/time out the author."
    )


def reached_out() -> str:
    return _("Sent through Hearth. It's noted on the card and in the audit log.")


def reach_out_undelivered() -> str:
    return _(
        "I couldn't pass that on: the author doesn't accept direct messages from Hearth, or has left. Nothing was "
        "sent or recorded. They already have the helplines."
    )


def rejected(code: str | None, told: bool) -> str:
    if told:
        return _("Rejected anonymous post `%(code)s`. The author was told why by direct message.", code=code)
    return _(
        "Rejected anonymous post `%(code)s`. The author couldn't be told (they don't accept direct messages from "
        "Hearth).",
        code=code,
    )


def timed_out(mention: str, minutes: int) -> str:
    return _("Timed out %(mention)s for %(length)s.", mention=mention, length=timeout_label(minutes))


def unblocked(code: str) -> str:
    return _("The author of `%(code)s` can share anonymously again. This is recorded in the audit log.", code=code)


# --- what members receive (by DM: the server's language) ---------------------------------------------------


def some_server() -> str:
    return _("the server")


def warning_anonymous(server: str, code: str | None, warning: str) -> str:
    return _(
        "A moderator of **%(server)s** sent you a warning about your anonymous post `%(code)s`:\n>>> %(warning)s\n\n"
        "The moderators don't know it was you: Hearth delivered this without telling them.",
        server=server,
        code=code,
        warning=warning,
    )


def warning_message(server: str, where: str, warning: str) -> str:
    return _(
        "A moderator of **%(server)s** warned you about your message %(where)s:\n>>> %(warning)s",
        server=server,
        where=where,
        warning=warning,
    )


def not_approved(code: str | None, reason: str) -> str:
    return _(
        "Your anonymous post `%(code)s` was not approved by the moderators.\nTheir reason:\n>>> %(reason)s",
        code=code,
        reason=reason,
    )


# --- refusals --------------------------------------------------------------------------------------------------


def unavailable() -> str:
    return _("Moderation is not running right now; try again in a moment.")


def worry_unavailable() -> str:
    return _("That choice isn't available right now; nothing was sent. Please try again in a moment.")


def stale_button() -> str:
    return _("That button is out of date; open the item again from %(command)s.", command=command("mod queue"))


def not_on_server() -> str:
    return _("The author is no longer on this server, so they can't be timed out.")


def timeout_refused() -> str:
    return _("Discord refused to time out this member: they may be the owner, an admin, or rank above Hearth's role.")


def empty_text(what: str) -> str:
    if what == "warning":
        return _("Please write a warning: a few words are enough.")
    if what == "reason":
        return _("Please write a reason: a few words are enough.")
    return _("Please write a message: a few words are enough.")


def text_too_long(what: str, length: int, limit: int) -> str:
    if what == "warning":
        return _(
            "That warning is %(length)s characters long; please keep it under %(limit)s.", length=length, limit=limit
        )
    if what == "reason":
        return _(
            "That reason is %(length)s characters long; please keep it under %(limit)s.", length=length, limit=limit
        )
    return _("That message is %(length)s characters long; please keep it under %(limit)s.", length=length, limit=limit)


def timeout_not_offered(minutes: list[int]) -> str:
    return _(
        "That time-out length isn't offered; pick one of: %(choices)s.",
        choices=", ".join(timeout_label(m) for m in minutes),
    )


def already_closed(item_id: int, resolution: str | None) -> str:
    return _("Item #%(id)s is already closed (%(resolution)s).", id=item_id, resolution=stored(resolution or "handled"))


def flag_not_warnable() -> str:
    return _(
        "This is a safety flag: the author may be struggling, not breaking a rule. Use **%(button)s** to send a kind "
        "word through Hearth instead.",
        button=button_label("reachout"),
    )


def anonymous_not_timeoutable() -> str:
    return _(
        "This is an anonymous post: nobody can be timed out for it without unmasking them. Use **%(button)s** instead.",
        button=button_label("block"),
    )


def block_anonymous_only() -> str:
    return _("Blocking from anonymous sharing applies to anonymous posts only.")


def reveal_off() -> str:
    return _("Revealing authors is turned off on this server (break-glass is off).")


def held_only() -> str:
    return _("Only posts held for approval can be approved or rejected.")


def reach_out_flags_only() -> str:
    return _("Reaching out from the queue is for safety flags.")


def action_not_applicable(action: str, item_id: int) -> str:
    return _("**%(button)s** doesn't apply to item #%(id)s.", button=button_label(action), id=item_id)


def days_out_of_range(limit: int) -> str:
    return _("`%(option)s` must be between 1 and %(limit)s.", option=pgettext("command name", "days"), limit=limit)


def report_outside_groups() -> str:
    return _(
        "**%(menu)s** works on messages in a group's channel (or its threads). For anything else, please contact "
        "a moderator directly.",
        menu=report_title(),
    )


def message_gone() -> str:
    return _("I can't find that message any more; it may have been deleted.")


def report_a_bot() -> str:
    return _("That message comes from a bot, not a member. If something about it worries you, please tell a moderator.")


def report_own() -> str:
    return _("That's your own message: you can edit or delete it yourself.")


def reported_already(once: bool = True) -> str:
    if once:
        return _(
            "You already reported this message. Moderators have your report; thank you. Each person can report a "
            "message once."
        )
    return _("You already reported this message. Moderators have your report; thank you.")


def item_gone(item_id: int) -> str:
    return _("Moderation item #%(id)s no longer exists (it may have expired).", id=item_id)


def owner_only_reveal() -> str:
    return _("Only the server owner can reveal who wrote an anonymous post.")


def post_gone_block() -> str:
    return _("That anonymous post no longer exists, so its author can't be blocked.")


def held_post_gone() -> str:
    return _("That held post no longer exists (its author may have deleted it).")


def post_gone() -> str:
    return _("That anonymous post no longer exists.")


def unblock_needs_code() -> str:
    return _(
        "Give the code of one of the blocked author's posts, e.g. %(command)s `K3F9QX2M`.",
        command=command("mod unblock"),
    )


def no_such_code(code: str) -> str:
    return _("No anonymous post here has the code `%(code)s`. Check the code on the post.", code=code)


def not_blocked(code: str) -> str:
    return _("The author of `%(code)s` isn't blocked, so there was nothing to undo.", code=code)


def not_an_action(action: str, actions: list[str]) -> str:
    return _("%(action)s isn't an action; pick one of: %(actions)s.", action=repr(action), actions=", ".join(actions))


def moderators_only() -> str:
    return _("Only moderators can do that.")


# --- /setup ------------------------------------------------------------------------------------------------------


def setup_role(role: str | None) -> str:
    if role is None:
        return _("Moderator role: not set (only server admins)")
    return _("Moderator role: %(role)s", role=role)


def setup_queue(channel: str | None) -> str:
    if channel is None:
        return _("Moderator queue channel: not set")
    return _("Moderator queue channel: %(channel)s", channel=channel)


def everyone_not_a_role() -> str:
    return _("@everyone can't be the moderator role: pick a role only moderators have.")


# --- care texts: English on purpose (never in the catalog; see the module's docstring) -----------------------

#: What a moderator's "Reach out" starts from; they edit it before sending. Care wording, never a warning.
REACH_OUT_TEMPLATE = (
    "Hi. I'm one of the moderators here. I saw what you wrote and wanted to check in: how are you doing? "
    "There's no pressure to answer, and you're not in any trouble. If you'd like to talk, just reply here."
)

#: The safety flag card's explanation (crisis wording).
FLAG_EXPLANATION = (
    "Hearth saw words that can mean someone is in crisis. This isn't a rule broken. The author already got "
    "helplines privately; they weren't asked about contact. **Reach out** sends them a kind word through "
    "Hearth (you edit it first); **Someone is with them** when a person is already there for them."
)

#: The report form's "I'm worried about this person" choice (care's path, not a rule report).
WORRIED_OPTION = "I'm worried about this person"
WORRIED_DESCRIPTION = "A moderator checks on them gently; nothing is sent to them automatically"


def reach_out_anonymous(server: str, words: str) -> str:
    return (
        f"A moderator of **{server}** wanted to reach out after your anonymous post:\n>>> {words}\n\n"
        "They don't know it was you: Hearth passed this on without telling them. You don't need to answer."
    )


def reach_out_message(server: str, words: str) -> str:
    return f"A moderator of **{server}** wanted to reach out:\n>>> {words}"


#: Every care text above, for the test that keeps them out of the catalog.
CARE_TEXTS = (REACH_OUT_TEMPLATE, FLAG_EXPLANATION, WORRIED_OPTION, WORRIED_DESCRIPTION)
