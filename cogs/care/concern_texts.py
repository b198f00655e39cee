"""Every word `/concern`'s conversation says, in the reader's language (``bot/i18n.py``).

Only the conversation around a concern: what a member raises and reads back, and the refusals. Care's
own texts (crisis wording, helplines, case cards, the form's fields) live in ``cogs/care/texts.py`` and
stay English on purpose. What the member and the people handling it write is quoted exactly as written.
No ``discord`` import.
"""

from __future__ import annotations

from bot.i18n import N_, _, command, ngettext, pgettext

#: Who care's alert reached (``CareCog._alert``), as care names them: shown in the reader's language.
RECIPIENTS = (N_("this group's facilitators"), N_("the moderators"), N_("the people who look after this server"))


def inbox_command() -> str:
    """``/concern inbox:True``: the option's name as the reader's client shows it."""
    return _(
        "%(command)s with `%(option)s: True`", command=command("concern"), option=pgettext("command name", "inbox")
    )


def gone() -> str:
    return _("I can't find that concern: it may have been erased after it closed.")


def closed_reply() -> str:
    return _(
        "This concern is closed, so your words weren't sent or kept. If there's more to say, press **Reopen** "
        "(or run %(inbox)s) and the people who handled it will see it again.",
        inbox=inbox_command(),
    )


def too_many(per_day: int) -> str:
    return ngettext(
        "You've raised %(count)s concern in the last day, the most Hearth takes at once. Your words weren't sent. "
        "You can still add to an open one with %(inbox)s; if you're in danger, %(helplines)s.",
        "You've raised %(count)s concerns in the last day, the most Hearth takes at once. Your words weren't "
        "sent. You can still add to an open one with %(inbox)s; if you're in danger, %(helplines)s.",
        per_day,
        inbox=inbox_command(),
        helplines=command("care helplines"),
    )


def not_yours() -> str:
    return _("That isn't your concern.")


def care_restarting() -> str:
    return _("Care is restarting; try again in a moment.")


def blocked() -> str:
    return _(
        "Anonymous concerns aren't available to you in this server, because your anonymous sharing here is "
        "paused. Nothing has been sent. You can still raise it under your own name: only the people handling it "
        "will see who you are."
    )


def named_button() -> str:
    return _("Write it under my name")


def sent(who: str, anonymous: bool) -> str:
    if anonymous:
        return _(
            "Sent to %(who)s. They won't learn who you are; their answers come to your messages from Hearth, and "
            "%(inbox)s shows the whole conversation here if your messages are closed.",
            who=_(who),
            inbox=inbox_command(),
        )
    return _(
        "Sent to %(who)s. Their answers come to your messages from Hearth, and %(inbox)s shows the whole "
        "conversation here if your messages are closed.",
        who=_(who),
        inbox=inbox_command(),
    )


def no_concerns() -> str:
    return _("You have no concerns here. %(command)s raises one, privately.", command=command("concern"))


def inbox_heading(case_id: int, closed: bool) -> str:
    if closed:
        return _("**Your concern #%(id)s** (closed)", id=case_id)
    return _("**Your concern #%(id)s** (open)", id=case_id)


def inbox_line(from_member: bool, when: str, text: str) -> str:
    if from_member:
        return _("**You** %(when)s:\n>>> %(text)s\n", when=when, text=text)
    return _("**Them** %(when)s:\n>>> %(text)s\n", when=when, text=text)


def earlier(count: int) -> str:
    return ngettext("(and %(count)s earlier concern)", "(and %(count)s earlier concerns)", count)


def added_unclaimed() -> str:
    return _("Added to your concern. Whoever takes it will read it.")


def added_undelivered() -> str:
    return _("Added to your concern; they'll see it with the concern's conversation.")


def answer_sent() -> str:
    return _("Sent. Their answer will come to your messages and to %(inbox)s.", inbox=inbox_command())


def closed_by_member() -> str:
    return _("Closed. Thank you. You can reopen it from %(inbox)s.", inbox=inbox_command())


def reopened_to(who: str) -> str:
    return _("Reopened: %(who)s can see it again.", who=_(who))


def reopened() -> str:
    return _("Reopened. Whoever handled it has been told; %(inbox)s to add to it.", inbox=inbox_command())


# --- to the person handling it (their own language is unknown in a DM: the server's) ----------------------


def member_wrote(case_id: int, text: str) -> str:
    return _("Concern #%(id)s: they wrote:\n>>> %(text)s", id=case_id, text=text)


def member_reopened(case_id: int) -> str:
    return _("Concern #%(id)s was reopened by the member.", id=case_id)


def transcript_line(from_member: bool, text: str) -> str:
    if from_member:
        return _("**Them**: %(text)s", text=text)
    return _("**Handler**: %(text)s", text=text)
