"""Every word ``/setup`` and the setup checklist say, in the reader's language (``bot/i18n.py``); the
checklist sent when Hearth joins a server speaks the server's. No ``discord`` import."""

from __future__ import annotations

from bot import texts as shared
from bot.i18n import _, command, ngettext, pgettext

# --- /setup (setup_command.py, settings.py) -------------------------------------------------------------


def setup_header(server: str) -> str:
    return _("**Hearth setup for %(server)s**", server=server)


def setup_saved() -> str:
    return _("Saved.")


def setup_facilitator_role(role: str | None) -> str:
    if role is None:
        return _("Facilitator role: not set (only server admins)")
    return _("Facilitator role: %(role)s", role=role)


def setup_timezone(zone: str, *, default: bool) -> str:
    if default:
        return _("Default timezone: %(zone)s (default)", zone=zone)
    return _("Default timezone: %(zone)s", zone=zone)


def everyone_not_facilitator_role() -> str:
    return _("@everyone can't be the facilitator role: pick a role only facilitators have.")


def private_channels_need_permission() -> str:
    return _(
        "I couldn't update private groups' channels: I need the %(permission)s permission.",
        permission=shared.permission("manage_roles"),
    )


def private_channels_refused() -> str:
    return _("I couldn't update some private groups' channels: check Hearth's role can manage them.")


def private_channels_updated(count: int) -> str:
    return ngettext(
        "Updated who can see %(count)s private group channel.",
        "Updated who can see %(count)s private group channels.",
        count,
    )


# --- the setup checklist (onboarding.py, onboarding_cog.py) ---------------------------------------------


def permission_reason(name: str) -> str:
    return {
        "view_channel": _("see the groups' channels"),
        "send_messages": _("post in the groups' channels"),
        "embed_links": _("show meeting cards and anonymous posts"),
        "read_message_history": _("keep its own messages up to date"),
        "manage_roles": _("give each group's members its role"),
        "manage_channels": _("make each group's channel"),
        "create_public_threads": _("open a thread for anonymous replies"),
        "send_messages_in_threads": _("post anonymous replies"),
        "manage_messages": _("remove reported messages"),
        "moderate_members": _("time out a member when a moderator asks"),
        "manage_events": _("create Discord events for meetings"),
        "mute_members": _("mute voice while someone else holds the talking stick"),
        "view_audit_log": _("know who added Hearth, to send them this checklist"),
    }.get(name) or _("work")


def missing_permission(name: str) -> str:
    return _("%(permission)s (to %(reason)s)", permission=shared.permission(name), reason=permission_reason(name))


def checklist_header(server: str) -> str:
    return _("**Hearth setup checklist for %(server)s**", server=server)


def check_permissions_missing(names: str, role: str | None) -> str:
    return _(
        "**Permissions.** Hearth's role is missing: %(names)s. Fix: Server Settings → Roles → %(role)s → "
        "Permissions, turn these on.",
        names=names,
        role=role or "Hearth",
    )


def check_permissions_done() -> str:
    return _("**Permissions.** Hearth has every permission its features need.")


def check_no_bot_role() -> str:
    return _(
        "**Role order.** Hearth has no role of its own, so it can't give group roles. Fix: re-invite Hearth with "
        "its permissions, or give it a role in Server Settings → Roles."
    )


def check_roles_above(shown: str, role: str) -> str:
    return _(
        "**Role order.** Group roles above Hearth's own role can't be given: %(shown)s. Fix: Server Settings → "
        "Roles, drag **%(role)s** above them.",
        shown=shown,
        role=role,
    )


def check_role_order_done(role: str) -> str:
    return _("**Role order.** Hearth's role **%(role)s** is above every group role.", role=role)


def check_facilitator_role_done() -> str:
    return _("**Facilitator role** is set.")


def check_facilitator_role_missing() -> str:
    return _(
        "**Facilitator role.** Not set: only admins can create groups or run rounds and meetings. Fix: %(setup)s "
        "with `facilitator_role`.",
        setup=command("setup"),
    )


def check_timezone_done(zone: str) -> str:
    return _("**Timezone:** %(zone)s.", zone=zone)


def check_timezone_missing(default: str) -> str:
    return _(
        "**Timezone.** Meetings and reminders use %(default)s until you set yours: %(setup)s with `timezone` "
        "(e.g. Europe/Berlin). Members can set their own too.",
        default=default,
        setup=command("setup"),
    )


def check_commands_hint() -> str:
    return _(
        "ℹ️ **Who sees which command.** Members see only their own commands. Facilitators' commands are under "
        "`/facilitate`, moderators' under `/mod`; Discord shows these only to admins (`/mod` also to Manage "
        "Messages) until you let your roles see them: Server Settings → Integrations → Hearth → `/facilitate` → "
        "Add Roles or Members → the facilitator role (and a group's own facilitators without it); the same for "
        "`/mod` and the moderator role. Hearth still checks roles itself."
    )


def check_again() -> str:
    return _("Check again any time with %(setup)s (no options).", setup=command("setup"))


def check_more() -> str:
    return _("…more with %(setup)s (no options).", setup=command("setup"))


def check_no_moderator_role() -> str:
    return _("The moderator role isn't set either: %(setup)s with `moderator_role`.", setup=command("setup"))


def check_queue_unusable(*, is_set: bool) -> str:
    if not is_set:
        return _(
            "**Moderator queue.** The queue channel isn't set: reports and held posts have nowhere to go. Fix: "
            "make a channel only moderators can see, then %(setup)s with `mod_queue`.",
            setup=command("setup"),
        )
    return _(
        "**Moderator queue.** The queue channel no longer exists: reports and held posts have nowhere to go. "
        "Fix: make a channel only moderators can see, then %(setup)s with `mod_queue`.",
        setup=command("setup"),
    )


def check_queue_public() -> str:
    return _(
        "**Moderator queue.** Everyone can see the queue channel, and reports quote members' words. Fix: in the "
        "channel's settings → Permissions, turn off View Channel for @everyone and allow the moderator role."
    )


def check_queue_no_post() -> str:
    return _(
        "**Moderator queue.** Hearth can't post in the queue channel. Fix: in its settings → Permissions, allow "
        "Hearth's role to view it and send messages."
    )


def check_queue_private_but() -> str:
    return _("**Moderator queue** is private, but:")


def check_queue_done() -> str:
    return _("**Moderator queue** is private and moderators are set.")


def check_care_missing() -> str:
    return _(
        "**Crisis resources.** The care feature isn't running, so members in crisis get no helplines from "
        "Hearth. Fix: ask whoever runs Hearth to load the `care` feature."
    )


def check_care_done(regions: str | None) -> str:
    if regions is None:
        return _(
            "**Crisis resources.** Members who need it get helplines (the shipped international list). Add your "
            "own region's numbers with %(resources)s.",
            resources=command("care-setup resources"),
        )
    return _(
        "**Crisis resources.** Members who need it get helplines (%(regions)s). Add your own region's numbers "
        "with %(resources)s.",
        regions=regions,
        resources=command("care-setup resources"),
    )


def thanks_for_adding(server: str) -> str:
    return _("Thank you for adding Hearth to **%(server)s**. Here is what is set up and what is left.", server=server)


# --- names of choices shown in the tree -----------------------------------------------------------------


def role_naming(value: str) -> str:
    """The ``role_name`` option's choices (a ``Literal`` in the cog, which the extractor can't see): marked
    here so the command tree's translator finds them."""
    return {"neutral": pgettext("choice", "neutral"), "group name": pgettext("choice", "group name")}[value]
