"""Every word /privacy says, in the reader's language (``bot/i18n.py``).

Providers' names, purposes and tally labels are English msgids marked where they are declared
(``bot.i18n.N_`` and ``plural``) and translated here when shown. No ``discord`` import.
"""

from __future__ import annotations

from bot.i18n import _, command, ngettext, number

# --- /privacy info ---------------------------------------------------------------------------------------


def intro() -> str:
    return _(
        "**What Hearth stores about you**\n"
        "Anonymous posts carry no user id, only a keyed pseudonym nobody can reverse; private check-in "
        "notes are seen by you alone; facilitators only ever see group totals."
    )


def provider_heading(name: str, purpose: str) -> str:
    translated = _(name)
    return _("**%(name)s**: %(purpose)s", name=translated[:1].upper() + translated[1:], purpose=_(purpose))


def nothing_about_you() -> str:
    return _("nothing about you")


def info_footer() -> str:
    return _(
        "Use %(export)s for a copy, %(delete)s to erase it all.",
        export=command("privacy export"),
        delete=command("privacy delete"),
    )


def feature_name(name: str) -> str:
    translated = _(name)
    return translated[:1].upper() + translated[1:]


def feature_line(name: str, counts: str) -> str:
    return _("• **%(name)s**: %(counts)s", name=feature_name(name), counts=counts)


def records(n: int) -> str:
    return ngettext("%(count)s record", "%(count)s records", n, count=number(n))


def info_pick() -> str:
    return _("Pick a feature in the menu below to read what it keeps about you and why.")


def info_menu() -> str:
    return _("What does a feature keep, and why?")


def holding_line(name: str, described: list[str]) -> str:
    return _("• %(name)s: %(counts)s", name=_(name), counts=", ".join(described))


# --- /privacy export -------------------------------------------------------------------------------------


def export_ready() -> str:
    return _("Here is everything Hearth stores about you.")


# --- /privacy delete -------------------------------------------------------------------------------------


def erase_button() -> str:
    return _("Yes, erase my data")


def cancel_button() -> str:
    return _("Cancel")


def nothing_to_erase() -> str:
    return _(
        "Hearth holds nothing about you right now, so there is nothing to erase. Erasing anyway does no harm. Continue?"
    )


def erase_heading() -> str:
    return _("This erases everything Hearth stores about you, in every server:")


def erase_explained() -> str:
    return _(
        "Messages Hearth posted for you are taken off Discord and quotes on moderators' cards are removed. "
        "Reports you filed stay, but nothing links them to you any more."
    )


def choices_intro() -> str:
    return _("You can choose to keep some things for the group, with every link to you cut (optional, in the menu):")


def choices_placeholder() -> str:
    return _("Keep something? (optional; nothing is kept unless you pick it)")


def translated(msgid: str) -> str:
    """A provider's own text, marked with N_ where it is declared."""
    return _(msgid)


def cannot_be_undone_continue() -> str:
    return _("This cannot be undone. Continue?")


def not_yours() -> str:
    return _("This confirmation is not yours.")


def cancelled() -> str:
    return _("Cancelled. Nothing was erased.")


def erased_done() -> str:
    return _("Your data was erased.")


def timed_out() -> str:
    return _("No answer, so nothing was erased.")


# --- the answer to an erase ------------------------------------------------------------------------------


def held_nothing() -> str:
    return _("Done. Hearth held nothing about you, so nothing needed erasing.")


def erased_everywhere() -> str:
    return _("Done. Erased everywhere:")


def done() -> str:
    return _("Done.")


def kept_heading() -> str:
    return _("Kept where they were, as you chose, with no link to you left anywhere:")


def cleaned(n: int) -> str:
    return ngettext(
        "Taken off Discord or rewritten: %(count)s message.",
        "Taken off Discord or rewritten: %(count)s messages.",
        n,
        count=number(n),
    )


def retrying(n: int, whats: list[str]) -> str:
    what = ", ".join(sorted({_(w) for w in whats}))
    return ngettext(
        "Still on Discord for now: %(count)s message (%(what)s). Discord was busy; Hearth keeps trying on its "
        "own, also after a restart.",
        "Still on Discord for now: %(count)s messages (%(what)s). Discord was busy; Hearth keeps trying on its "
        "own, also after a restart.",
        n,
        count=number(n),
        what=what,
    )


def refused(n: int) -> str:
    return ngettext(
        "Discord refused to remove %(count)s message, so Hearth could not take it down. Its text is already "
        "gone from Hearth. Ask a server moderator to delete it:",
        "Discord refused to remove %(count)s messages, so Hearth could not take them down. Their text is "
        "already gone from Hearth. Ask a server moderator to delete them:",
        n,
        count=number(n),
    )


def refused_link(what: str, where: str | None) -> str:
    if where is None:
        return _("• %(what)s: in its channel", what=_(what))
    return _("• %(what)s: %(link)s", what=_(what), link=where)


def refused_more(n: int) -> str:
    return ngettext(
        "• and %(count)s more; a moderator can find it by those.",
        "• and %(count)s more; a moderator can find them by those.",
        n,
        count=number(n),
    )


def cannot_be_undone() -> str:
    return _("This cannot be undone.")
