"""/round: talking-stick sharing rounds (a queue, timed turns, pass, facilitator controls, balance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


async def setup(bot: Hearth) -> None:
    from cogs.rounds.cog import RoundsCog
    from cogs.rounds.views import RoundButton

    bot.add_dynamic_items(RoundButton)
    await bot.add_cog(RoundsCog(bot))
