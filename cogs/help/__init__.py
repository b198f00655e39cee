"""/help: what this person can do here, by role and place, and a topic per loaded feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


async def setup(bot: Hearth) -> None:
    from cogs.help.cog import HelpCog

    await bot.add_cog(HelpCog(bot))
