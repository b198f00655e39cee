"""Reaching an anonymous author through the bot, without anyone learning who they are."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.interactions import NO_MENTIONS
from cogs.sharing import records

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger(__name__)


async def dm_author(bot: Hearth, post_id: int, text: str, view: discord.ui.View | None = None) -> bool:
    """DM the author of an anonymous post (mentions off); False when unknown (left the group) or DMs closed.

    The author's id lives only in this function's locals: it is never returned, stored or logged.
    """
    async with bot.db.read() as session:
        post = await records.post_by_id(session, post_id)
        user_id = await records.find_author_id(session, bot.require_keys(), post) if post is not None else None
    if user_id is None:
        log.info("anonymous post %s: author not reachable (no longer in the group)", post_id)
        return False
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text, view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        log.info("anonymous post %s: could not DM the author (HTTP %s)", post_id, error.status)
        return False
    return True
