"""Anonymous sharing: /share, anonymous replies, pseudonyms, blocks, holds, break-glass."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("moderation",)


async def setup(bot: Hearth) -> None:
    from cogs.sharing.cog import SharingCog
    from cogs.sharing.views import ReplyButton, ReportButton

    bot.add_dynamic_items(ReplyButton, ReportButton)
    await bot.add_cog(SharingCog(bot))
