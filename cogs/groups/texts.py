"""Every word groups and ``/setup`` say, in the reader's language (``bot/i18n.py``).

The only place groups hold display text: the domain, queries, service, cog, views and the setup
checklist name a text here. No ``discord`` import, so refusals raised below the cog are written here too.
Mentions and channel links come in as ready-made strings; a command is always a clickable mention
(``command("group join")``), with the group to pick named next to it (a mention can't carry options).
"""

from __future__ import annotations

from bot import texts as shared
from bot.i18n import _, command, ngettext, pgettext

# --- refusals: names, descriptions, guidelines (domain.py) -----------------------------------------------


def name_too_short(minimum: int, name: str) -> str:
    return ngettext(
        "A group name needs at least %(count)s character; “%(name)s” is too short.",
        "A group name needs at least %(count)s characters; “%(name)s” is too short.",
        minimum,
        name=name,
    )


def name_too_long(maximum: int, length: int) -> str:
    return ngettext(
        "A group name can have at most %(count)s character; yours has %(length)s. Try a shorter one.",
        "A group name can have at most %(count)s characters; yours has %(length)s. Try a shorter one.",
        maximum,
        length=length,
    )


def name_control_characters() -> str:
    return _("A group name can't contain control characters.")


def name_formatting() -> str:
    return _("A group name can't contain @, ` or * (they would format or mention in Discord).")


def description_too_long(maximum: int, length: int) -> str:
    return ngettext(
        "A description can have at most %(count)s character; yours has %(length)s. Shorten it and try again.",
        "A description can have at most %(count)s characters; yours has %(length)s. Shorten it and try again.",
        maximum,
        length=length,
    )


def guidelines_empty() -> str:
    return _("Guidelines can't be empty: members accept them before taking part.")


def guidelines_too_long(maximum: int, length: int) -> str:
    return ngettext(
        "Guidelines can have at most %(count)s character; these have %(length)s.",
        "Guidelines can have at most %(count)s characters; these have %(length)s.",
        maximum,
        length=length,
    )


def private_join_answer(name: str) -> str:
    return _(
        "If a private group called “%(name)s” exists, its facilitators have been asked to let you in; "
        "you'll get a direct message if they do. %(list)s shows the groups you can join.",
        name=name,
        list=command("group list"),
    )


# --- refusals: finding and taking part in a group (queries.py, api, records.py) --------------------------


def group_gone() -> str:
    return _("That group no longer exists.")


def no_such_group(name: str) -> str:
    return _(
        "There is no group called “%(name)s” here. %(list)s shows the groups.", name=name, list=command("group list")
    )


def guidelines_first(group: str) -> str:
    return _(
        "Before taking part in **%(group)s**, please read and accept its guidelines: %(guidelines)s, then pick "
        "**%(group)s**.",
        group=group,
        guidelines=command("group guidelines"),
    )


def in_no_group() -> str:
    return _("You're not in any group yet. %(list)s shows what you can join.", list=command("group list"))


def in_several_groups() -> str:
    return _("You're in several groups: name one with the `group` option, or run this in its channel.")


def facilitators_only(group: str | None) -> str:
    if group is None:
        return _("Only facilitators can do that.")
    return _("Only facilitators of **%(group)s** can do that.", group=group)


def archived_no_activity(group: str) -> str:
    return _("**%(group)s** is archived: it keeps its history but takes no new activity.", group=group)


def not_a_member(group: str) -> str:
    return _(
        "You're not a member of **%(group)s**. Join with %(join)s and pick **%(group)s**.",
        group=group,
        join=command("group join"),
    )


def unknown_timezone(name: str) -> str:
    return _(
        "“%(name)s” is not a timezone I know: use a name like Europe/Berlin or America/New_York "
        "(start typing and pick from the list).",
        name=name,
    )


def role_missing(group: str) -> str:
    return _(
        "**%(group)s**'s role was deleted in Discord, so I can't give or take it. A facilitator can recreate "
        "it with %(edit)s: pick **%(group)s** and set `recreate` to True.",
        group=group,
        edit=command("group edit"),
    )


def channel_missing(group: str) -> str:
    return _(
        "**%(group)s**'s channel was deleted in Discord. A facilitator can make a new one with %(edit)s: pick "
        "**%(group)s** and set `recreate` to True, or pick an existing one with the `channel` option.",
        group=group,
        edit=command("group edit"),
    )


# --- refusals: creating, editing, archiving, facilitators (service.py) -----------------------------------


def name_taken(name: str, *, case_note: bool) -> str:
    if case_note:
        return _(
            "There is already a group called **%(name)s** here (names ignore upper and lower case). Pick another name.",
            name=name,
        )
    return _("There is already a group called **%(name)s** here. Pick another name.", name=name)


def channel_taken(*, may_leave_empty: bool) -> str:
    if may_leave_empty:
        return _("That channel already belongs to another group: pick a different one or leave it empty.")
    return _("That channel already belongs to another group: pick a different one.")


def group_limit(limit: int, *, operator_hint: bool) -> str:
    if operator_hint:
        return ngettext(
            "This server has reached its limit of %(count)s group. "
            "Archive-and-reuse one, or ask the operator to raise groups.max_groups_per_guild.",
            "This server has reached its limit of %(count)s groups. "
            "Archive-and-reuse one, or ask the operator to raise groups.max_groups_per_guild.",
            limit,
        )
    return ngettext(
        "This server has reached its limit of %(count)s group.",
        "This server has reached its limit of %(count)s groups.",
        limit,
    )


def already_archived(group: str) -> str:
    return _(
        "**%(group)s** is already archived. %(unarchive)s brings it back.",
        group=group,
        unarchive=command("group unarchive"),
    )


def not_archived(group: str) -> str:
    return _("**%(group)s** is not archived.", group=group)


def already_facilitates(group: str | None) -> str:
    if group is None:
        return _("They already facilitate that group.")
    return _("They already facilitate **%(group)s**.", group=group)


def not_own_facilitator(group: str) -> str:
    return _("They are not one of **%(group)s**'s own facilitators.", group=group)


def guidelines_changed_since(group: str) -> str:
    return _(
        "**%(group)s**'s guidelines changed since this message was shown. Read the new ones with %(guidelines)s "
        "and pick **%(group)s**.",
        group=group,
        guidelines=command("group guidelines"),
    )


def bots_cannot_facilitate() -> str:
    return _("Bots can't facilitate groups.")


# --- refusals: joining and leaving (membership.py) -------------------------------------------------------


def archived_no_members(group: str) -> str:
    return _("**%(group)s** is archived: it keeps its history but takes no new members.", group=group)


def already_member(group: str | None) -> str:
    if group is None:
        return _("You're already a member of that group.")
    return _("You're already a member of **%(group)s**.", group=group)


def already_requested(group: str | None) -> str:
    if group is None:
        return _("You already asked to join that group; its facilitators will decide soon.")
    return _("You already asked to join **%(group)s**; its facilitators will decide soon.", group=group)


def private_named_ask(group: str) -> str:
    return _("**%(group)s** is private: ask to join and a facilitator will decide.", group=group)


def request_gone() -> str:
    return _("This request was already decided or withdrawn.")


def approve_archived(group: str) -> str:
    return _("**%(group)s** is archived; unarchive it before approving anyone.", group=group)


def nothing_to_leave(group: str) -> str:
    return _("You're not a member of **%(group)s**, so there is nothing to leave.", group=group)


# --- replies: /group create, list, info, guidelines -----------------------------------------------------


def created(group: str, channel: str, role: str, *, private: bool) -> str:
    if private:
        return _(
            "Created the private group **%(group)s** in %(channel)s with the role **%(role)s** (never hoisted or "
            "mentionable). You facilitate it. Members ask to join with %(join)s and you approve each request "
            "in the group's channel.",
            group=group,
            channel=channel,
            role=role,
            join=command("group join"),
        )
    return _(
        "Created the public group **%(group)s** in %(channel)s with the role **%(role)s** (never hoisted or "
        "mentionable). You facilitate it. Members join with %(join)s.",
        group=group,
        channel=channel,
        role=role,
        join=command("group join"),
    )


def no_groups_yet() -> str:
    return _("There are no groups here yet. Facilitators create them with %(create)s.", create=command("group create"))


def list_header() -> str:
    return _("**Groups** — join with %(join)s", join=command("group join"))


def list_marks(*, private: bool, members: int, joined: bool, requested: bool, archived: bool) -> str:
    marks = [
        _("private") if private else _("public"),
        ngettext("%(count)s member", "%(count)s members", members),
    ]
    if joined:
        marks.append(_("joined"))
    if requested:
        marks.append(_("requested"))
    if archived:
        marks.append(_("archived"))
    return ", ".join(marks)


def page_of(number: int, count: int) -> str:
    return _("Page %(number)s of %(count)s", number=number, count=count)


def previous() -> str:
    return _("Previous")


def next_page() -> str:
    return _("Next")


def info_title(group: str, *, private: bool, archived: bool) -> str:
    if private:
        kind = _("private, archived") if archived else _("private")
    else:
        kind = _("public, archived") if archived else _("public")
    return _("**%(group)s** — %(kind)s", group=group, kind=kind)


def no_description() -> str:
    return _("_No description._")


def info_members(count: int) -> str:
    return _("Members: %(count)s", count=count)


def info_channel(channel: str | None) -> str:
    if channel is None:
        return _(
            "Channel: missing (a facilitator can use %(edit)s with `recreate` set to True)",
            edit=command("group edit"),
        )
    return _("Channel: %(channel)s", channel=channel)


def info_guidelines(version: int) -> str:
    return _("Guidelines: version %(version)s", version=version)


def info_you_member(*, accepted: bool) -> str:
    if accepted:
        return _("You're a member.")
    return _("You're a member — please accept the guidelines: %(guidelines)s", guidelines=command("group guidelines"))


def info_you_requested() -> str:
    return _("You asked to join; the facilitators will decide.")


def info_facilitators(mentions: str) -> str:
    if not mentions:
        return _("Facilitators: server role only")
    return _("Facilitators: %(mentions)s", mentions=mentions)


def info_role(role: str, *, neutral: bool) -> str:
    if neutral:
        return _("Role: %(role)s (neutral name)", role=role)
    return _("Role: %(role)s (named after the group)", role=role)


def guidelines_header(group: str, version: int) -> str:
    return _("**Guidelines of %(group)s** (version %(version)s)", group=group, version=version)


def guidelines_accept_footer() -> str:
    return _("Press **I accept** to take part: check-ins, shares, rounds and meetings in this group.")


def accept_label() -> str:
    return _("I accept")


def you_accepted(when: str | None) -> str:
    if when is None:
        return _("You accepted these.")
    return _("You accepted these on %(date)s.", date=when)


def join_to_take_part(group: str) -> str:
    return _("Join with %(join)s and pick **%(group)s** to take part.", join=command("group join"), group=group)


def accepted(group: str, version: int, *, new: bool) -> str:
    if new:
        return _(
            "Thank you: you accepted **%(group)s**'s guidelines (version %(version)s). You can take part now.",
            group=group,
            version=version,
        )
    return _("You had already accepted **%(group)s**'s guidelines (version %(version)s).", group=group, version=version)


# --- replies: join, requests, leave --------------------------------------------------------------------


def joined(group: str) -> str:
    return _("You joined **%(group)s**. One step left:", group=group)


def request_post(user: str, group: str) -> str:
    return _("%(user)s asks to join **%(group)s**. Facilitators: approve or decline.", user=user, group=group)


def approve_label() -> str:
    return _("Approve")


def decline_label() -> str:
    return _("Decline")


def requester_gone(user: str) -> str:
    return _("%(user)s is no longer on this server, so the request was dropped.", user=user)


def request_decided(user: str, group: str, by: str, *, approved: bool) -> str:
    if approved:
        return _("%(user)s's request to join **%(group)s** was approved by %(by)s.", user=user, group=group, by=by)
    return _("%(user)s's request to join **%(group)s** was declined by %(by)s.", user=user, group=group, by=by)


def request_approved_dm(group: str) -> str:
    return _(
        "Your request to join **%(group)s** was approved. One step left: read and accept its guidelines with "
        "%(guidelines)s (pick **%(group)s**) before taking part.",
        group=group,
        guidelines=command("group guidelines"),
    )


def request_declined_dm(group: str) -> str:
    return _("Your request to join **%(group)s** was declined. You can ask its facilitators why.", group=group)


def left(group: str, *, was_member: bool) -> str:
    if was_member:
        return _("You left **%(group)s**.", group=group)
    return _("You withdrew your request to join **%(group)s**.", group=group)


def left_role_kept(group: str) -> str:
    return _("You left **%(group)s**, but I couldn't remove its role: ask a server admin.", group=group)


# --- replies: archive, edit, facilitators ---------------------------------------------------------------


def archived(group: str, changed: int) -> str:
    return ngettext(
        "Archived **%(group)s**: its history is kept, it takes no new activity, and %(count)s member no longer "
        "wears its role. %(unarchive)s brings it back.",
        "Archived **%(group)s**: its history is kept, it takes no new activity, and %(count)s members no longer "
        "wear its role. %(unarchive)s brings it back.",
        changed,
        group=group,
        unarchive=command("group unarchive"),
    )


def archive_refused(refused: int, mentions: str) -> str:
    return ngettext(
        "Discord refused to take the role from %(count)s member, who still has it: %(mentions)s. A server admin "
        "can remove it by hand in Server Settings > Members.",
        "Discord refused to take the role from %(count)s members, who still have it: %(mentions)s. A server admin "
        "can remove it by hand in Server Settings > Members.",
        refused,
        mentions=mentions,
    )


def unarchived(group: str, changed: int) -> str:
    return ngettext(
        "**%(group)s** is active again; %(count)s member has its role back.",
        "**%(group)s** is active again; %(count)s members have its role back.",
        changed,
        group=group,
    )


def unarchive_refused(refused: int, mentions: str) -> str:
    return ngettext(
        "Discord refused to give the role back to %(count)s member, who doesn't have it yet: %(mentions)s. A "
        "server admin can add it by hand in Server Settings > Members.",
        "Discord refused to give the role back to %(count)s members, who don't have it yet: %(mentions)s. A "
        "server admin can add it by hand in Server Settings > Members.",
        refused,
        mentions=mentions,
    )


def and_more(named: str, more: int) -> str:
    return ngettext("%(named)s and %(count)s more", "%(named)s and %(count)s more", more, named=named)


def role_recreated(role: str) -> str:
    return _("Made a new role **%(role)s** and gave it back to the members.", role=role)


def role_recreate_refused(refused: int, mentions: str) -> str:
    return ngettext(
        "Discord refused to give it to %(count)s member: %(mentions)s.",
        "Discord refused to give it to %(count)s members: %(mentions)s.",
        refused,
        mentions=mentions,
    )


def channel_recreated(channel: str) -> str:
    return _("Made a new channel %(channel)s.", channel=channel)


def nothing_to_recreate() -> str:
    return _("The role and channel are both in place; nothing to recreate.")


def uses_channel(group: str, channel: str) -> str:
    return _("**%(group)s** now uses %(channel)s.", group=group, channel=channel)


def role_renamed(role: str) -> str:
    return _("The role is now called **%(role)s**.", role=role)


def rename_refused() -> str:
    return _("I couldn't rename its role or channel in Discord (missing permission); rename them by hand.")


def nothing_to_change() -> str:
    return _("Nothing needed changing.")


def saved_group(group: str) -> str:
    return _("Saved **%(group)s**.", group=group)


def guidelines_new_version(version: int) -> str:
    return _("The guidelines are now version %(version)s: members will be asked to accept them again.", version=version)


def facilitator_changed(member: str, group: str, *, added: bool) -> str:
    if added:
        return _("%(member)s now facilitates **%(group)s**.", member=member, group=group)
    return _("%(member)s no longer facilitates **%(group)s**.", member=member, group=group)


def role_above_bot(role: str) -> str:
    return _(
        "I can't give or take the role “%(role)s”: it sits above my own role. A server admin can drag Hearth's "
        "role above it in Server Settings > Roles, then try again.",
        role=role,
    )


# --- the edit form (views.py) --------------------------------------------------------------------------


def edit_title(group: str) -> str:
    return _("Edit %(group)s", group=group)


def edit_name_label() -> str:
    return _("Name")


def edit_description_label() -> str:
    return _("Description")


def edit_guidelines_label() -> str:
    return _("Guidelines (changing them asks members again)")


# --- the welcome on joining (welcome.py) ---------------------------------------------------------------


def welcome_how(feature: str) -> str | None:
    """How an everyday part works, in a line (None: the feature's own /help summary introduces it)."""
    if feature == "rounds":
        return _(
            "**Sharing rounds:** in a round, press **Join queue** to take the talking stick when it's your turn; "
            "share, or press **Pass**: no reason needed."
        )
    if feature == "checkins":
        return _(
            "**Check-ins:** %(now)s — how you feel (1–5) and a note if you like; you choose who sees it: only "
            "you, the facilitators, or the group.",
            now=command("checkin now"),
        )
    if feature == "sharing":
        return _(
            "**Anonymous sharing:** %(share)s posts to the group as “Anonymous member”; nobody, moderators "
            "included, can see it was you. %(share)s with `mine` set to True lists your posts so you can delete "
            "them.",
            share=command("share"),
        )
    return None


def welcome_topic(title: str, summary: str) -> str:
    return _("**%(title)s:** %(summary)s", title=title, summary=summary)


def welcome_head(group: str, *, parts: bool) -> str:
    if parts:
        return _("**Welcome to %(group)s.** What happens here:", group=group)
    return _("**Welcome to %(group)s.** Say hello in the group's channel when you feel ready.", group=group)


def welcome_help() -> str:
    return _("%(help)s in the group's channel shows everything you can do there.", help=command("help"))


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
        "ℹ️ **Who sees which command.** Hearth checks roles itself: members are told kindly when something is for "
        "facilitators or moderators. To hide commands from a role too, open Server Settings → Integrations → "
        "Hearth, pick a command (e.g. `/round`, `/meeting`, `/mod`) and allow only the facilitator or moderator "
        "role."
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
            resources=command("care resources"),
        )
    return _(
        "**Crisis resources.** Members who need it get helplines (%(regions)s). Add your own region's numbers "
        "with %(resources)s.",
        regions=regions,
        resources=command("care resources"),
    )


def thanks_for_adding(server: str) -> str:
    return _("Thank you for adding Hearth to **%(server)s**. Here is what is set up and what is left.", server=server)


# --- names of choices shown in the tree -----------------------------------------------------------------


def role_naming(value: str) -> str:
    """The ``role_name`` option's choices (a ``Literal`` in the cog, which the extractor can't see): marked
    here so the command tree's translator finds them."""
    return {"neutral": pgettext("choice", "neutral"), "group name": pgettext("choice", "group name")}[value]
