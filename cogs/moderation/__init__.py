"""Moderation: Report message, the moderator queue, its actions and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("sharing",)


async def setup(bot: Hearth) -> None:
    from cogs.moderation.cog import ModerationCog
    from cogs.moderation.views import ModButton, TimeoutButton

    bot.add_dynamic_items(ModButton, TimeoutButton)
    await bot.add_cog(ModerationCog(bot))
