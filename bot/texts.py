"""Every word the shared runtime (``bot/``) says to a member, in the reader's language (``bot/i18n.py``):
the error replies, refusals, /setup's own refusals and the "feature isn't running" notice.

Not to be confused with ``bot/text.py`` (how input text is cleaned). No ``discord`` import, so errors
raised anywhere can name their message here. Crisis and care wording never lives here.
"""

from __future__ import annotations

from bot.i18n import _, command, ngettext, pgettext

# --- permissions, as Discord's own settings name them ---------------------------------------------------


def permission(name: str) -> str:
    """A Discord permission (``manage_roles``) as the member finds it in Server Settings."""
    known = {
        "manage_roles": pgettext("permission", "Manage Roles"),
        "manage_channels": pgettext("permission", "Manage Channels"),
        "manage_messages": pgettext("permission", "Manage Messages"),
        "manage_threads": pgettext("permission", "Manage Threads"),
        "manage_guild": pgettext("permission", "Manage Server"),
        "manage_events": pgettext("permission", "Manage Events"),
        "moderate_members": pgettext("permission", "Timeout Members"),
        "send_messages": pgettext("permission", "Send Messages"),
        "send_messages_in_threads": pgettext("permission", "Send Messages in Threads"),
        "create_private_threads": pgettext("permission", "Create Private Threads"),
        "view_channel": pgettext("permission", "View Channels"),
        "create_public_threads": pgettext("permission", "Create Public Threads"),
        "mute_members": pgettext("permission", "Mute Members"),
        "view_audit_log": pgettext("permission", "View Audit Log"),
        "read_message_history": pgettext("permission", "Read Message History"),
        "embed_links": pgettext("permission", "Embed Links"),
        "attach_files": pgettext("permission", "Attach Files"),
    }
    return known.get(name) or name.replace("_", " ").replace("guild", "server").title()


def permissions(names: list[str]) -> str:
    return ", ".join(permission(n) for n in names)


# --- errors (bot/errors.py, bot/interactions.py) ---------------------------------------------------------


def busy() -> str:
    return _("I'm a little busy right now. Please try again in a moment.")


def bot_missing_permissions(names: list[str], where: str | None) -> str:
    listed = permissions(names)
    if where is None:
        return ngettext(
            "I need the %(names)s permission in this server to do that. "
            "Ask a server admin to grant it to Hearth's role, then try again.",
            "I need the %(names)s permissions in this server to do that. "
            "Ask a server admin to grant them to Hearth's role, then try again.",
            len(names),
            names=listed,
        )
    return ngettext(
        "I need the %(names)s permission in %(where)s to do that. "
        "Ask a server admin to grant it to Hearth's role, then try again.",
        "I need the %(names)s permissions in %(where)s to do that. "
        "Ask a server admin to grant them to Hearth's role, then try again.",
        len(names),
        names=listed,
        where=where,
    )


def member_missing_permissions(names: list[str]) -> str:
    return ngettext(
        "You need the %(names)s permission on this server to use this command.",
        "You need the %(names)s permissions on this server to use this command.",
        len(names),
        names=permissions(names),
    )


def form_too_late() -> str:
    return _("That took me a moment too long, so the form couldn't open. Please try again.")


def server_only() -> str:
    return _("This works inside a server, not in direct messages.")


def command_server_only() -> str:
    return _("This command works inside a server, not in direct messages.")


def missing_role() -> str:
    return _("You don't have the role this command needs.")


def cooldown(seconds: float) -> str:
    whole = max(1, round(seconds))
    return ngettext(
        "Slow down a little: try again in %(count)s second.",
        "Slow down a little: try again in %(count)s seconds.",
        whole,
    )


def not_understood(value: str) -> str:
    return _("I couldn't understand “%(value)s”: please pick one of the suggestions.", value=value)


def cannot_use_here() -> str:
    return _("You can't use this command here.")


def discord_not_found() -> str:
    return _(
        "Discord couldn't find a channel, message or role this needs: it may have been deleted. "
        "Ask a server admin to check the group's channel and role."
    )


def discord_forbidden(details: str | None) -> str:
    if not details:
        return _(
            "Discord refused: I'm missing a permission in this channel or server. "
            "Ask a server admin to check Hearth's role."
        )
    return _(
        "Discord refused: I'm missing a permission in this channel or server (%(details)s). "
        "Ask a server admin to check Hearth's role.",
        details=details,
    )


def kept_on_refusal(saved: bool) -> str:
    if saved:
        return _("What you asked for was saved, but it couldn't be finished on Discord.")
    return _("Nothing was changed.")


def transient(saved: bool) -> str:
    if saved:
        return _(
            "What you asked for was saved, but Discord or my database is busy right now, so I couldn't "
            "finish showing it here. Please check in a moment before trying again."
        )
    return _("I'm a little busy right now and couldn't finish that. Nothing was changed: please try again in a moment.")


def bug(reference: str, saved: bool) -> str:
    if saved:
        return _(
            "Something went wrong on my side (reference %(reference)s) after your change was saved: "
            "it is stored, but part of the answer may be missing.",
            reference=reference,
        )
    return _(
        "Something went wrong on my side (reference %(reference)s). Nothing you entered was saved.",
        reference=reference,
    )


# --- buttons of a feature that isn't running (bot/buttons.py) -------------------------------------------


def feature_unavailable() -> str:
    return _("That part of Hearth isn't running right now. Nothing was changed; please try again later.")


# --- audiences (bot/audience.py) -------------------------------------------------------------------------


def audience_label(audience: str) -> str:
    return {
        "members": _("members"),
        "facilitators": _("facilitators"),
        "moderators": _("moderators"),
        "facilitators and moderators": _("facilitators and moderators"),
        "admins": _("server admins (Manage Server)"),
    }[audience]


def audience_refusal(audience: str) -> str:
    help_ = command("help")
    return {
        "members": "",
        "facilitators": _("Only facilitators can do that. %(help)s shows what you can use here.", help=help_),
        "moderators": _("Only moderators can do that. %(help)s shows what you can use here.", help=help_),
        "facilitators and moderators": _(
            "Only facilitators and moderators can do that. %(help)s shows what you can use here.", help=help_
        ),
        "admins": _("Only server admins (Manage Server permission) can use this command."),
    }[audience]


# --- /setup (bot/setup.py) -------------------------------------------------------------------------------


def setup_admins_only() -> str:
    return _("Only server admins (Manage Server permission) can change Hearth's setup.")


def setup_option_not_running(option: str) -> str:
    return _(
        "The `%(option)s` setting belongs to a part of Hearth that isn't running on this server, "
        "so it can't be set here. Nothing was changed.",
        option=option,
    )
