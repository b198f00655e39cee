"""Pure moderation rules: which actions an item offers, how a card reads, reasons, pages, retention."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.errors import BadInput

KINDS = ("report", "held", "flag")
EXCERPT_LIMIT = 300
REASON_LIMIT = 500
WARNING_LIMIT = 1000
QUEUE_PAGE_SIZE = 5
LOG_PAGE_SIZE = 10
MAX_LOG_DAYS = 3650
SHOWN_REASONS = 5

#: Every action that lands in the audit log, with how /mod log names it.
ACTIONS: dict[str, str] = {
    "dismiss": "dismissed",
    "delete": "deleted the message",
    "warn": "warned the author",
    "timeout": "timed out the author",
    "block": "blocked from anonymous sharing",
    "unblock": "unblocked",
    "approve": "approved",
    "reject": "rejected",
    "reveal": "revealed the author",
    "reachout": "reached out kindly",
    "withthem": "noted someone is with them",
}
#: Actions that settle an item (its card loses its buttons); the others leave it open for more.
CLOSING = frozenset({"dismiss", "delete", "approve", "reject", "withthem"})

#: Time-out lengths offered, in minutes (Discord allows up to 28 days).
TIMEOUTS: dict[int, str] = {10: "10 minutes", 60: "1 hour", 1440: "1 day", 10080: "1 week"}

BUTTON_LABELS: dict[str, str] = {
    "dismiss": "Dismiss",
    "delete": "Delete message",
    "warn": "Warn author",
    "timeout": "Time out author",
    "block": "Block from anonymous sharing",
    "approve": "Approve",
    "reject": "Reject",
    "reveal": "Reveal author",
    "reachout": "Reach out",
    "withthem": "Someone is with them",
}

#: What a moderator's "Reach out" starts from; they edit it before sending. Care wording, never a warning.
REACH_OUT_TEMPLATE = (
    "Hi. I'm one of the moderators here. I saw what you wrote and wanted to check in: how are you doing? "
    "There's no pressure to answer, and you're not in any trouble. If you'd like to talk, just reply here."
)
REACH_OUT_LIMIT = 1000


@dataclass(frozen=True)
class ItemSnapshot:
    """Everything a card or a queue line shows about one item (no reporter, no anonymous author)."""

    id: int
    guild_id: int
    kind: str
    status: str
    channel_id: int | None
    message_id: int | None
    post_id: int | None
    post_code: str | None
    author_id: int | None
    excerpt: str
    report_count: int
    created_at: datetime
    reasons: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    resolution: str | None = None
    closed_by: int | None = None
    break_glass: bool = False

    @property
    def anonymous(self) -> bool:
        return self.post_id is not None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """The first ``limit`` characters on one line, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if not flat:
        return "(no text: an attachment, embed or sticker)"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def clean_text(text: str | None, *, what: str, limit: int) -> str:
    value = (text or "").strip()
    if not value:
        raise BadInput(f"Please write a {what}: a few words are enough.")
    if len(value) > limit:
        raise BadInput(f"That {what} is {len(value)} characters long; please keep it under {limit}.")
    return value


def clean_reason(text: str | None) -> str:
    return clean_text(text, what="reason", limit=REASON_LIMIT)


def timeout_minutes(value: int) -> timedelta:
    if value not in TIMEOUTS:
        choices = ", ".join(TIMEOUTS.values())
        raise BadInput(f"That time-out length isn't offered; pick one of: {choices}.")
    return timedelta(minutes=value)


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def available_actions(item: ItemSnapshot) -> list[str]:
    """The buttons an item's card offers, in order; none once it is closed."""
    if not item.is_open:
        return []
    if item.kind == "flag":
        # A safety flag is someone who may be struggling, not a rule broken: care first, enforcement after,
        # and never a warning (its wording would reach a member in distress).
        actions = ["reachout", "withthem", "dismiss"]
        if item.message_id is not None:
            actions.append("delete")
        if item.anonymous:
            actions.append("block")
    elif item.kind == "held":
        actions = ["approve", "reject"]
        if item.anonymous:
            actions.append("block")
    else:
        actions = ["dismiss"]
        if item.message_id is not None:
            actions.append("delete")
        if item.author_id is not None or item.anonymous:
            actions.append("warn")
        if item.author_id is not None and not item.anonymous:
            actions.append("timeout")
        if item.anonymous:
            actions.append("block")
    if item.anonymous and item.break_glass:
        actions.append("reveal")
    return actions


def require_action(item: ItemSnapshot, action: str) -> None:
    """Refuse an action the item does not offer, saying why (stale cards, anonymous posts)."""
    if not item.is_open:
        raise BadInput(f"Item #{item.id} is already closed ({item.resolution or 'handled'}).")
    if action in available_actions(item):
        return
    if action in {"warn", "timeout"} and item.kind == "flag":
        raise BadInput(
            "This is a safety flag: the author may be struggling, not breaking a rule. Use **Reach out** to send "
            "a kind word through Hearth instead."
        )
    if action == "timeout" and item.anonymous:
        raise BadInput(
            "This is an anonymous post: nobody can be timed out for it without unmasking them. "
            "Use **Block from anonymous sharing** instead."
        )
    if action == "block" and not item.anonymous:
        raise BadInput("Blocking from anonymous sharing applies to anonymous posts only.")
    if action == "reveal":
        raise BadInput("Revealing authors is turned off on this server (break-glass is off).")
    if action in {"approve", "reject"}:
        raise BadInput("Only posts held for approval can be approved or rejected.")
    if action in {"reachout", "withthem"}:
        raise BadInput("Reaching out from the queue is for safety flags.")
    raise BadInput(f"**{BUTTON_LABELS.get(action, action)}** doesn't apply to item #{item.id}.")


KIND_TITLES = {
    "report": "Reported message",
    "held": "Anonymous post awaiting approval",
    "flag": "Someone may be struggling",
}


def render_card(item: ItemSnapshot) -> str:
    """The queue card's text: link, excerpt, reasons, report count and what was done. Mentions render
    as text (sent with mentions off); no reporter ever appears."""
    state = "open" if item.is_open else f"closed: {item.resolution or 'handled'}"
    lines = [f"**{KIND_TITLES.get(item.kind, item.kind)} · item #{item.id}** · {state}"]
    if item.channel_id is not None and item.message_id is not None:
        lines.append(f"Message: {message_link(item.guild_id, item.channel_id, item.message_id)}")
    elif item.channel_id is not None:
        lines.append(f"Channel: <#{item.channel_id}>")
    if item.anonymous:
        code = f" `{item.post_code}`" if item.post_code else ""
        lines.append(f"Author: anonymous post{code} (nobody can see who wrote it)")
    elif item.author_id is not None:
        lines.append(f"Author: <@{item.author_id}>")
    if item.kind == "report":
        people = "person" if item.report_count == 1 else "people"
        lines.append(f"Reported by {item.report_count} {people}")
    if item.kind == "flag":
        lines.append(
            "Hearth saw words that can mean someone is in crisis. This isn't a rule broken. The author already got "
            "helplines privately; they weren't asked about contact. **Reach out** sends them a kind word through "
            "Hearth (you edit it first); **Someone is with them** when a person is already there for them."
        )
    lines.append("> " + excerpt(item.excerpt, EXCERPT_LIMIT))
    if item.reasons:
        label = "Reasons" if item.kind == "report" else "Why"
        lines.append(f"{label}:")
        shown = item.reasons[-SHOWN_REASONS:]
        lines.extend(f"• {excerpt(reason, 200)}" for reason in shown)
        if len(item.reasons) > len(shown):
            lines.append(f"• …and {len(item.reasons) - len(shown)} more")
    if item.actions:
        lines.append("Done so far: " + "; ".join(item.actions))
    if not item.is_open and item.closed_by:
        lines.append(f"Closed by <@{item.closed_by}>")
    return "\n".join(lines)[:2000]


def render_redacted(item: ItemSnapshot) -> str:
    """The card in a queue channel others can read: that an item waits, never its words or whose they are."""
    state = "open" if item.is_open else f"closed: {item.resolution or 'handled'}"
    lines = [
        f"**{KIND_TITLES.get(item.kind, item.kind)} · item #{item.id}** · {state}",
        "This channel can be read by people who aren't moderators, so what was written and by whom are left out. "
        "Moderators: open it in `/mod queue` to read it before acting.",
    ]
    if not item.is_open and item.closed_by:
        lines.append(f"Closed by <@{item.closed_by}>")
    return "\n".join(lines)


def queue_warning(readers: list[str]) -> str:
    """What admins and moderators read when the queue channel isn't private (at /setup and when it changes)."""
    return (
        f"⚠️ The moderator queue channel can be read by {', '.join(readers)}, not only moderators and admins. "
        "Until only they can read it, Hearth posts no member's words or names there: cards only say an item is "
        "waiting, and moderators read it in `/mod queue` (care requests in `/mod cases`). To fix it, turn off "
        "View Channel for everyone else in the channel's permissions."
    )


def queue_refusal(readers: list[str], channel_id: int) -> str:
    """/setup's answer to a queue channel others can read: nothing saved until the admin confirms."""
    return (
        f"⚠️ Nothing was saved. <#{channel_id}> can be read by {', '.join(readers)}, not only moderators and "
        "admins, and the moderator queue holds reports about members. Best: turn off View Channel for everyone "
        "else in that channel's permissions (or pick a private channel), then run `/setup` again.\n"
        f"To use it anyway, run `/setup mod_queue:<#{channel_id}> confirm_public_queue:True`: Hearth then posts "
        "no member's words or names there, only that an item is waiting (moderators read it in `/mod queue`)."
    )


def queue_turned_public(guild_name: str, channel_id: int, readers: list[str]) -> str:
    """What the server owner is told when the private queue channel becomes readable by others."""
    return (
        f"⚠️ Hearth, on **{guild_name}**: the moderator queue channel <#{channel_id}> can now be read by "
        f"{', '.join(readers)}, not only moderators and admins. Hearth has taken members' words and names off "
        "its cards there and keeps every item in `/mod queue` until it's fixed. To fix it, turn off View Channel "
        "for everyone else in that channel's permissions."
    )


def queue_line(item: ItemSnapshot) -> str:
    where = (
        message_link(item.guild_id, item.channel_id, item.message_id)
        if item.channel_id is not None and item.message_id is not None
        else "held post"
    )
    stamp = int(item.created_at.timestamp())
    count = f" · {item.report_count} report{'s' if item.report_count != 1 else ''}" if item.kind == "report" else ""
    return f"**#{item.id}** {item.kind}{count} · <t:{stamp}:R> · {where}\n> {excerpt(item.excerpt, 120)}"


def page_count(total: int, size: int) -> int:
    return max(1, math.ceil(total / size))


def clamp_page(page: int, total: int, size: int) -> int:
    return min(max(page, 0), page_count(total, size) - 1)


def log_days(days: int | None) -> int | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_LOG_DAYS:
        raise BadInput(f"`days` must be between 1 and {MAX_LOG_DAYS}.")
    return days


def retention_cutoff(now: datetime, days: int) -> datetime:
    if days < 1:
        raise ValueError("retention days must be at least 1")
    return now - timedelta(days=days)
