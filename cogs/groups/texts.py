"""Every word groups reply with, in the reader's language (``bot/i18n.py``): /group's answers, the guidelines
prompt, join requests, the edit form and the welcome on joining.

With ``refusals.py`` (the errors) and ``setup_texts.py`` (/setup and its checklist), the only place groups
hold display text. No ``discord`` import. Mentions and channel links come in as ready-made strings; a
command is always a clickable mention (``command("group join")``), with the group to pick named next to it
(a mention can't carry options).
"""

from __future__ import annotations

from bot.i18n import _, command, ngettext

# --- replies: /facilitate group create, list, info, guidelines -----------------------------------------------------


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
    return _(
        "There are no groups here yet. Facilitators create them with %(create)s.",
        create=command("facilitate group create"),
    )


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
            edit=command("facilitate group edit"),
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
        unarchive=command("facilitate group unarchive"),
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
        # Their commands are under /facilitate, which Discord may hide from them (bot/role_commands.py).
        return _(
            "%(member)s now facilitates **%(group)s**. If Discord doesn't offer them %(facilitate)s, a server "
            "admin can let them see it: Server Settings → Integrations → Hearth → %(facilitate)s.",
            member=member,
            group=group,
            facilitate="`/facilitate`",
        )
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
