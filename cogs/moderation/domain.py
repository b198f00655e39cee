"""Pure moderation rules: which actions an item offers, how a card reads, reasons, pages, retention."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.errors import BadInput
from cogs.moderation import texts

KINDS = ("report", "held", "flag")
EXCERPT_LIMIT = 300
REASON_LIMIT = 500
WARNING_LIMIT = 1000
QUEUE_PAGE_SIZE = 5
LOG_PAGE_SIZE = 10
MAX_LOG_DAYS = 3650
SHOWN_REASONS = 5

#: Every action that lands in the audit log, with how /mod log names it (stored in English, shown translated).
ACTIONS: dict[str, str] = texts.ACTION_LABELS
#: Actions that settle an item (its card loses its buttons); the others leave it open for more.
CLOSING = frozenset({"dismiss", "delete", "approve", "reject", "withthem"})

#: Time-out lengths offered, in minutes (Discord allows up to 28 days), as the audit log stores them.
TIMEOUTS: dict[int, str] = texts.TIMEOUT_DETAILS

#: The actions a card's buttons offer (labels: ``texts.button_label``).
BUTTON_ACTIONS = (
    "dismiss",
    "delete",
    "warn",
    "timeout",
    "block",
    "approve",
    "reject",
    "reveal",
    "reachout",
    "withthem",
)

#: What a moderator's "Reach out" starts from; they edit it before sending. Care wording: English on purpose.
REACH_OUT_TEMPLATE = texts.REACH_OUT_TEMPLATE
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
        return texts.no_text()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def clean_text(text: str | None, *, what: str, limit: int) -> str:
    value = (text or "").strip()
    if not value:
        raise BadInput(texts.empty_text(what))
    if len(value) > limit:
        raise BadInput(texts.text_too_long(what, len(value), limit))
    return value


def clean_reason(text: str | None) -> str:
    return clean_text(text, what="reason", limit=REASON_LIMIT)


def timeout_minutes(value: int) -> timedelta:
    if value not in TIMEOUTS:
        raise BadInput(texts.timeout_not_offered(list(TIMEOUTS)))
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
        raise BadInput(texts.already_closed(item.id, item.resolution))
    if action in available_actions(item):
        return
    if action in {"warn", "timeout"} and item.kind == "flag":
        raise BadInput(texts.flag_not_warnable())
    if action == "timeout" and item.anonymous:
        raise BadInput(texts.anonymous_not_timeoutable())
    if action == "block" and not item.anonymous:
        raise BadInput(texts.block_anonymous_only())
    if action == "reveal":
        raise BadInput(texts.reveal_off())
    if action in {"approve", "reject"}:
        raise BadInput(texts.held_only())
    if action in {"reachout", "withthem"}:
        raise BadInput(texts.reach_out_flags_only())
    raise BadInput(texts.action_not_applicable(action, item.id))


def render_card(item: ItemSnapshot) -> str:
    """The queue card's text: link, excerpt, reasons, report count and what was done. Mentions render
    as text (sent with mentions off); no reporter ever appears."""
    lines = [texts.card_heading(item.kind, item.id, item.is_open, item.resolution)]
    if item.channel_id is not None and item.message_id is not None:
        lines.append(texts.card_message(message_link(item.guild_id, item.channel_id, item.message_id)))
    elif item.channel_id is not None:
        lines.append(texts.card_channel(f"<#{item.channel_id}>"))
    if item.anonymous:
        lines.append(texts.card_anonymous_author(item.post_code))
    elif item.author_id is not None:
        lines.append(texts.card_author(f"<@{item.author_id}>"))
    if item.kind == "report":
        lines.append(texts.card_reported_by(item.report_count))
    if item.kind == "flag":
        lines.append(texts.FLAG_EXPLANATION)  # crisis wording: English on purpose
    lines.append("> " + excerpt(item.excerpt, EXCERPT_LIMIT))
    if item.reasons:
        lines.append(texts.card_reasons(item.kind == "report"))
        shown = item.reasons[-SHOWN_REASONS:]
        lines.extend(f"• {excerpt(reason, 200)}" for reason in shown)
        if len(item.reasons) > len(shown):
            lines.append(texts.card_more_reasons(len(item.reasons) - len(shown)))
    if item.actions:
        lines.append(texts.card_done_so_far(item.actions))
    if not item.is_open and item.closed_by:
        lines.append(texts.card_closed_by(f"<@{item.closed_by}>"))
    return "\n".join(lines)[:2000]


def render_redacted(item: ItemSnapshot) -> str:
    """The card in a queue channel others can read: that an item waits, never its words or whose they are."""
    lines = [texts.card_heading(item.kind, item.id, item.is_open, item.resolution), texts.card_redacted()]
    if not item.is_open and item.closed_by:
        lines.append(texts.card_closed_by(f"<@{item.closed_by}>"))
    return "\n".join(lines)


def queue_warning(readers: list[str]) -> str:
    """What admins and moderators read when the queue channel isn't private (at /setup and when it changes)."""
    return texts.queue_warning(readers)


def queue_refusal(readers: list[str], channel_id: int) -> str:
    """/setup's answer to a queue channel others can read: nothing saved until the admin confirms."""
    return texts.queue_refusal(readers, channel_id)


def queue_turned_public(guild_name: str, channel_id: int, readers: list[str]) -> str:
    """What the server owner is told when the private queue channel becomes readable by others."""
    return texts.queue_turned_public(guild_name, channel_id, readers)


def queue_line(item: ItemSnapshot) -> str:
    where = (
        message_link(item.guild_id, item.channel_id, item.message_id)
        if item.channel_id is not None and item.message_id is not None
        else None
    )
    stamp = f"<t:{int(item.created_at.timestamp())}:R>"
    reports = item.report_count if item.kind == "report" else None
    return texts.queue_line(item.id, item.kind, reports, stamp, where) + f"\n> {excerpt(item.excerpt, 120)}"


def page_count(total: int, size: int) -> int:
    return max(1, math.ceil(total / size))


def clamp_page(page: int, total: int, size: int) -> int:
    return min(max(page, 0), page_count(total, size) - 1)


def log_days(days: int | None) -> int | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_LOG_DAYS:
        raise BadInput(texts.days_out_of_range(MAX_LOG_DAYS))
    return days


def retention_cutoff(now: datetime, days: int) -> datetime:
    if days < 1:
        raise ValueError("retention days must be at least 1")
    return now - timedelta(days=days)
