"""The setup checklist an admin gets when Hearth joins a server (and from ``/setup`` with no options).

Pure: the Discord glue (``onboarding_cog.py``) gathers plain ``Facts``; this module turns them into short
lines, each either done or saying exactly how to fix it. No I/O, no ``discord``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

DONE = "✅"
TODO = "⚠️"
LIMIT = 2000

#: The Discord permissions Hearth's role needs, with the feature that needs each and why (in plain words).
PERMISSIONS: tuple[tuple[str, str, str], ...] = (
    ("view_channel", "groups", "see the groups' channels"),
    ("send_messages", "groups", "post in the groups' channels"),
    ("embed_links", "groups", "show meeting cards and anonymous posts"),
    ("read_message_history", "groups", "keep its own messages up to date"),
    ("manage_roles", "groups", "give each group's members its role"),
    ("manage_channels", "groups", "make each group's channel"),
    ("create_public_threads", "sharing", "open a thread for anonymous replies"),
    ("send_messages_in_threads", "sharing", "post anonymous replies"),
    ("manage_messages", "moderation", "remove reported messages"),
    ("moderate_members", "moderation", "time out a member when a moderator asks"),
    ("manage_events", "meetings", "create Discord events for meetings"),
    ("mute_members", "rounds", "mute voice while someone else holds the talking stick"),
    ("view_audit_log", "groups", "know who added Hearth, to send them this checklist"),
)


@dataclass(frozen=True)
class QueueFacts:
    channel_set: bool
    exists: bool
    private: bool  # @everyone can't see it
    hearth_can_post: bool


@dataclass(frozen=True)
class Facts:
    features: frozenset[str]  # loaded features ("groups", "sharing", ...)
    missing_permissions: tuple[str, ...]  # Discord permission names Hearth's role lacks
    bot_role_name: str | None  # Hearth's highest role; None when it has none above @everyone
    roles_above_bot: tuple[str, ...]  # names of group roles Hearth can't give (above its own)
    facilitator_role_set: bool
    timezone: str | None  # the server's own timezone; None: the operator's default applies
    default_timezone: str
    moderator_role_set: bool = False
    queue: QueueFacts | None = None  # None: moderation isn't loaded
    crisis_regions: Sequence[str] = field(default_factory=tuple)  # operator/shipped helplines' region names


def needed(features: frozenset[str]) -> list[str]:
    """The permissions the loaded features need, in the order the checklist names them."""
    return [name for name, feature, _ in PERMISSIONS if feature in features]


def _permission_name(name: str) -> str:
    return name.replace("_", " ").title()


def checklist(facts: Facts, *, server: str) -> str:
    """The whole checklist as one message (under Discord's 2,000 characters), done items first marked."""
    lines = [f"**Hearth setup checklist for {server}**"]
    why = {name: reason for name, _, reason in PERMISSIONS}
    if facts.missing_permissions:
        names = ", ".join(f"{_permission_name(p)} (to {why.get(p, 'work')})" for p in facts.missing_permissions)
        lines.append(
            f"{TODO} **Permissions.** Hearth's role is missing: {names}. Fix: Server Settings → Roles → "
            f"{facts.bot_role_name or 'Hearth'} → Permissions, turn these on."
        )
    else:
        lines.append(f"{DONE} **Permissions.** Hearth has every permission its features need.")
    if facts.bot_role_name is None:
        lines.append(
            f"{TODO} **Role order.** Hearth has no role of its own, so it can't give group roles. Fix: re-invite "
            "Hearth with its permissions, or give it a role in Server Settings → Roles."
        )
    elif facts.roles_above_bot:
        shown = ", ".join(facts.roles_above_bot[:5]) + ("…" if len(facts.roles_above_bot) > 5 else "")
        lines.append(
            f"{TODO} **Role order.** Group roles above Hearth's own role can't be given: {shown}. Fix: Server "
            f"Settings → Roles, drag **{facts.bot_role_name}** above them."
        )
    else:
        lines.append(f"{DONE} **Role order.** Hearth's role **{facts.bot_role_name}** is above every group role.")
    if facts.facilitator_role_set:
        lines.append(f"{DONE} **Facilitator role** is set.")
    else:
        lines.append(
            f"{TODO} **Facilitator role.** Not set: only admins can create groups or run rounds and meetings. "
            "Fix: `/setup facilitator_role:`."
        )
    if facts.queue is not None:
        lines.append(_queue_line(facts))
    if facts.timezone:
        lines.append(f"{DONE} **Timezone:** {facts.timezone}.")
    else:
        lines.append(
            f"{TODO} **Timezone.** Meetings and reminders use {facts.default_timezone} until you set yours: "
            "`/setup timezone:` (e.g. Europe/Berlin). Members can set their own too."
        )
    lines.append(_care_line(facts))
    lines.append(
        "ℹ️ **Who sees which command.** Members see only their own commands. Facilitators' commands are under "
        "`/facilitate`, moderators' under `/mod`; Discord shows these only to admins (`/mod` also to Manage "
        "Messages) until you let your roles see them: Server Settings → Integrations → Hearth → `/facilitate` → "
        "Add Roles or Members → the facilitator role (and a group's own facilitators without it); the same for "
        "`/mod` and the moderator role. Hearth still checks roles itself."
    )
    lines.append("Check again any time with `/setup` (no options).")
    return fit(lines)


def _queue_line(facts: Facts) -> str:
    queue = facts.queue
    assert queue is not None
    role = "" if facts.moderator_role_set else " The moderator role isn't set either: `/setup moderator_role:`."
    if not queue.channel_set or not queue.exists:
        what = "isn't set" if not queue.channel_set else "no longer exists"
        return (
            f"{TODO} **Moderator queue.** The queue channel {what}: reports and held posts have nowhere to go. "
            "Fix: make a channel only moderators can see, then `/setup mod_queue:`." + role
        )
    if not queue.private:
        return (
            f"{TODO} **Moderator queue.** Everyone can see the queue channel, and reports quote members' words. "
            "Fix: in the channel's settings → Permissions, turn off View Channel for @everyone and allow the "
            "moderator role." + role
        )
    if not queue.hearth_can_post:
        return (
            f"{TODO} **Moderator queue.** Hearth can't post in the queue channel. Fix: in its settings → "
            "Permissions, allow Hearth's role to view it and send messages." + role
        )
    if role:
        return f"{TODO} **Moderator queue** is private, but:{role}"
    return f"{DONE} **Moderator queue** is private and moderators are set."


def _care_line(facts: Facts) -> str:
    if "care" not in facts.features:
        return (
            f"{TODO} **Crisis resources.** The care feature isn't running, so members in crisis get no helplines "
            "from Hearth. Fix: ask whoever runs Hearth to load the `care` feature."
        )
    regions = ", ".join(facts.crisis_regions[:6]) or "the shipped international list"
    return (
        f"{DONE} **Crisis resources.** Members who need it get helplines ({regions}). Add your own region's "
        "numbers with `/care resources`."
    )


def fit(lines: Sequence[str]) -> str:
    """Whole lines within Discord's limit; the last says where the rest is."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > LIMIT - 200:  # room for a greeting line above it
            out.append("…more with `/setup` (no options).")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
