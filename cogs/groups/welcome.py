"""The short private welcome a member gets on joining a group: what the group does, then its guidelines.

Only loaded features appear: each line comes from a loaded feature's ``/help`` topic (``bot/help.py``) or
from a ``GroupHooks.welcome`` callback a loaded feature registered (meetings: the next meeting). Care's
disclosure (what happens when someone asks for help) comes from its topic too. No ``discord`` here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.db import Database
from bot.help import HelpTopic
from cogs.groups.api import GroupHooks

log = logging.getLogger("hearth.groups.welcome")

LIMIT = 2000

# How each everyday part works, in a line, for the features whose topic is loaded. A topic without a
# line here is introduced by its own /help summary.
HOW: dict[str, str] = {
    "rounds": (
        "**Sharing rounds:** in a round, press **Join queue** to take the talking stick when it's your turn; "
        "share, or press **Pass**: no reason needed."
    ),
    "checkins": (
        "**Check-ins:** `/checkin now` — how you feel (1–5) and a note if you like; you choose who sees it: only "
        "you, the facilitators, or the group."
    ),
    "sharing": (
        '**Anonymous sharing:** `/share` posts to the group as "Anonymous member"; nobody, moderators '
        "included, can see it was you. `/share mine:True` lists your posts so you can delete them."
    ),
}
SHOWN = ("rounds", "checkins", "sharing")  # in this order, after the next meeting


def welcome_text(group_name: str, topics: Sequence[HelpTopic], hook_lines: Sequence[str]) -> str:
    by_name = {t.name: t for t in topics}
    parts = [f"• {line}" for line in hook_lines]
    for name in SHOWN:
        topic = by_name.get(name)
        if topic is not None:
            parts.append(f"• {HOW.get(name) or f'**{topic.title}:** {topic.summary}'}")
    head = "What happens here:" if parts else "Say hello in the group's channel when you feel ready."
    lines = [f"**Welcome to {group_name}.** {head}", *parts]
    lines.extend(t.disclosure for t in topics if t.disclosure)
    lines.append("`/help` in the group's channel shows everything you can do there.")
    out: list[str] = []
    used = 0
    for line in lines:  # whole lines only; the guidelines follow in their own message when needed
        if used + len(line) + 1 > LIMIT:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


async def hook_lines(db: Database, hooks: GroupHooks, group_id: int, now: datetime) -> list[str]:
    """What loaded features add (the next meeting); a failing hook costs its line, never the welcome."""
    lines: list[str] = []
    async with db.read() as session:
        for hook in hooks.welcome:
            try:
                line = await hook(session, group_id, now)
            except Exception:
                log.exception("a welcome line failed for group=%s", group_id)
                continue
            if line:
                lines.append(line)
    return lines
