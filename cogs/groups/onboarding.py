"""The setup checklist an admin gets when Hearth joins a server (and from ``/setup`` with no options).

Pure: the Discord glue (``onboarding_cog.py``) gathers plain ``Facts``; this module turns them into short
lines, each either done or saying exactly how to fix it. No I/O, no ``discord``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cogs.groups import setup_texts

DONE = "✅"
TODO = "⚠️"
LIMIT = 2000

#: The Discord permissions Hearth's role needs, with the feature that needs each (why: ``texts.permission_reason``).
PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "groups"),
    ("send_messages", "groups"),
    ("embed_links", "groups"),
    ("read_message_history", "groups"),
    ("manage_roles", "groups"),
    ("manage_channels", "groups"),
    ("create_public_threads", "sharing"),
    ("send_messages_in_threads", "sharing"),
    ("manage_messages", "moderation"),
    ("moderate_members", "moderation"),
    ("manage_events", "meetings"),
    ("mute_members", "rounds"),
    ("view_audit_log", "groups"),
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
    return [name for name, feature in PERMISSIONS if feature in features]


def checklist(facts: Facts, *, server: str) -> str:
    """The whole checklist as one message (under Discord's 2,000 characters), done items first marked."""
    lines = [setup_texts.checklist_header(server)]
    if facts.missing_permissions:
        names = ", ".join(setup_texts.missing_permission(p) for p in facts.missing_permissions)
        lines.append(f"{TODO} {setup_texts.check_permissions_missing(names, facts.bot_role_name)}")
    else:
        lines.append(f"{DONE} {setup_texts.check_permissions_done()}")
    if facts.bot_role_name is None:
        lines.append(f"{TODO} {setup_texts.check_no_bot_role()}")
    elif facts.roles_above_bot:
        shown = ", ".join(facts.roles_above_bot[:5]) + ("…" if len(facts.roles_above_bot) > 5 else "")
        lines.append(f"{TODO} {setup_texts.check_roles_above(shown, facts.bot_role_name)}")
    else:
        lines.append(f"{DONE} {setup_texts.check_role_order_done(facts.bot_role_name)}")
    if facts.facilitator_role_set:
        lines.append(f"{DONE} {setup_texts.check_facilitator_role_done()}")
    else:
        lines.append(f"{TODO} {setup_texts.check_facilitator_role_missing()}")
    if facts.queue is not None:
        lines.append(_queue_line(facts))
    if facts.timezone:
        lines.append(f"{DONE} {setup_texts.check_timezone_done(facts.timezone)}")
    else:
        lines.append(f"{TODO} {setup_texts.check_timezone_missing(facts.default_timezone)}")
    lines.append(_care_line(facts))
    lines.append(setup_texts.check_commands_hint())
    lines.append(setup_texts.check_again())
    return fit(lines)


def _queue_line(facts: Facts) -> str:
    queue = facts.queue
    assert queue is not None
    role = "" if facts.moderator_role_set else " " + setup_texts.check_no_moderator_role()
    if not queue.channel_set or not queue.exists:
        return f"{TODO} {setup_texts.check_queue_unusable(is_set=queue.channel_set)}{role}"
    if not queue.private:
        return f"{TODO} {setup_texts.check_queue_public()}{role}"
    if not queue.hearth_can_post:
        return f"{TODO} {setup_texts.check_queue_no_post()}{role}"
    if role:
        return f"{TODO} {setup_texts.check_queue_private_but()}{role}"
    return f"{DONE} {setup_texts.check_queue_done()}"


def _care_line(facts: Facts) -> str:
    if "care" not in facts.features:
        return f"{TODO} {setup_texts.check_care_missing()}"
    regions = ", ".join(facts.crisis_regions[:6]) or None
    return f"{DONE} {setup_texts.check_care_done(regions)}"


def fit(lines: Sequence[str]) -> str:
    """Whole lines within Discord's limit; the last says where the rest is."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > LIMIT - 200:  # room for a greeting line above it
            out.append(setup_texts.check_more())
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
