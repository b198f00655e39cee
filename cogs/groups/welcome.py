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
from bot.i18n import _
from cogs.groups import texts
from cogs.groups.api import GroupHooks

log = logging.getLogger("hearth.groups.welcome")

LIMIT = 2000

SHOWN = ("rounds", "checkins", "sharing")  # in this order, after the next meeting


def welcome_text(group_name: str, topics: Sequence[HelpTopic], hook_lines: Sequence[str]) -> str:
    by_name = {t.name: t for t in topics}
    parts = [f"• {line}" for line in hook_lines]
    for name in SHOWN:
        topic = by_name.get(name)
        if topic is not None:
            # How each everyday part works, in a line; otherwise its own /help summary introduces it.
            how = texts.welcome_how(name) or texts.welcome_topic(_(topic.title), _(topic.summary))
            parts.append(f"• {how}")
    lines = [texts.welcome_head(group_name, parts=bool(parts)), *parts]
    lines.extend(t.disclosure for t in topics if t.disclosure)  # care's: stays English (reviewed text only)
    lines.append(texts.welcome_help())
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
