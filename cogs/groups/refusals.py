"""Every refusal groups raise, in the reader's language (``bot/i18n.py``): the wording of the domain's,
queries' and service's errors. No ``discord`` import; commands are clickable mentions
(``command("group join")``) with the group to pick named next to them. Replies are in ``texts.py``, /setup
and its checklist in ``setup_texts.py``."""

from __future__ import annotations

from bot.i18n import _, command, ngettext

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
        edit=command("facilitate group edit"),
    )


def channel_missing(group: str) -> str:
    return _(
        "**%(group)s**'s channel was deleted in Discord. A facilitator can make a new one with %(edit)s: pick "
        "**%(group)s** and set `recreate` to True, or pick an existing one with the `channel` option.",
        group=group,
        edit=command("facilitate group edit"),
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
        unarchive=command("facilitate group unarchive"),
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
