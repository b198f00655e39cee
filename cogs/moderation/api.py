"""What moderation offers other features (``bot.interfaces.get(ModerationLink)``); None when not loaded.

Only a Protocol here: users import this module for the type, never moderation's internals. Every
session-taking method joins the caller's transaction; after it commits, the caller dispatches
``hearth_mod_item`` with the item id and moderation posts (or updates) the queue card.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    import discord

    from bot.actor import Actor
    from bot.privacy import Erasure


class ModerationLink(Protocol):
    async def open_item(
        self,
        session: AsyncSession,
        *,
        guild_id: int,
        kind: str,
        channel_id: int | None,
        message_id: int | None,
        post_id: int | None,
        author_id: int | None,
        excerpt: str,
        now: datetime,
        reason: str | None = None,
        reporter_key: str | None = None,
    ) -> int:
        """Open a queue item ("report", "held", "flag") and return its id; ``author_id`` None for anonymous posts."""
        ...

    async def audit(
        self,
        session: AsyncSession,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        target: str,
        now: datetime,
        item_id: int | None = None,
        detail: str = "",
    ) -> None:
        """One audit-log line every moderator sees. Never an anonymous author's identity."""
        ...

    async def open_report_form(self, interaction: discord.Interaction, channel_id: int, message_id: int) -> None:
        """Answer ``interaction`` with the Report reason form for the message (an anonymous post's, say)."""
        ...

    async def is_moderator(self, session: AsyncSession, actor: Actor) -> bool:
        """Admins, and members with the server's moderator role."""
        ...

    async def reach(self, session: AsyncSession, guild_id: int) -> tuple[int | None, int | None]:
        """(queue channel id, moderator role id) as /setup stored them; None where unset."""
        ...

    async def count_post_items(self, session: AsyncSession, post_ids: list[int]) -> int:
        """How many queue items quote these anonymous posts (for /privacy's one counting)."""
        ...

    async def post_item_excerpts(self, session: AsyncSession, post_ids: list[int]) -> list[tuple[int, str]]:
        """(post id, excerpt) of each queue item quoting these anonymous posts (for /privacy export)."""
        ...

    async def erase_post_items(self, session: AsyncSession, post_ids: list[int], erasure: Erasure) -> None:
        """/privacy delete removed these anonymous posts: drop the quotes, close what waited, rewrite the cards."""
        ...

    def queue_readers(self, guild_id: int, channel_id: int, moderator_role_id: int | None) -> list[str]:
        """Who besides moderators, admins and Hearth can read the queue channel (empty: it's private).
        While anyone else can, post no member's words or names there."""
        ...


class QueueExtras(Protocol):
    """Another feature's work for the moderators, listed under `/mod queue` (care offers its open concerns and
    the care requests that came to the moderators). None when no such feature is loaded."""

    async def queue_lines(self, actor: Actor) -> list[str]:
        """Short lines for this moderator (no member's words); the first says where to act on them."""
        ...


class WorryDesk(Protocol):
    """The Report form's reason "I'm worried about this person" (care offers it; without care the form has
    no such reason): a case for the moderators, and nothing automatic goes to the person concerned."""

    async def worried(
        self,
        interaction: discord.Interaction,
        *,
        channel_id: int,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
    ) -> None:
        """Open the case and answer ``interaction`` (the submitted form); ``author_id`` None for an anonymous post."""
        ...

    async def outside_groups(
        self,
        interaction: discord.Interaction,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
    ) -> bool:
        """Report on a message outside every group's channel, where only a worry applies: answer ``interaction``
        (the worried choice alone, or why not: a bot, oneself) and return True; False for a group channel."""
        ...
