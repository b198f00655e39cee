"""Shared knowledge: a per-group (and server-wide) resource library with full-text search and votes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


async def setup(bot: Hearth) -> None:
    from cogs.resources.cog import ResourcesCog
    from cogs.resources.views import ApproveButton, HelpfulButton, RejectButton

    bot.add_dynamic_items(HelpfulButton, ApproveButton, RejectButton)
    await bot.add_cog(ResourcesCog(bot))
