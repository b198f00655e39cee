"""What care offers the features where members write (``bot.interfaces.get(CareDesk)``); None when not loaded.

Check-ins, sharing and moderation call it after a member wrote something; care decides whether to
answer privately with the crisis message and its choices. A feature without care loaded shows nothing
extra, exactly as before care existed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import discord


class CareDesk(Protocol):
    def matches(self, text: str) -> bool:
        """Whether the safety net sees words of crisis in the writer's own words."""
        ...

    async def after_writing(
        self,
        interaction: discord.Interaction,
        *,
        source: str,
        group_id: int | None,
        group_name: str,
        text: str = "",
        mood: int | None = None,
        post_id: int | None = None,
    ) -> None:
        """The member just wrote ``text`` (and/or checked in with ``mood``) and was answered: when it
        calls for it, follow up privately with the crisis message and choices. ``post_id`` for an
        anonymous post or reply (the case then stores the post, never who wrote it). Never raises for
        Discord trouble: the member's own post already went through."""
        ...
