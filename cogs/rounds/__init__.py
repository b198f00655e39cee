"""/round: talking-stick sharing rounds (a queue, timed turns, pass, facilitator controls, balance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="rounds",
    title=N_("Sharing rounds"),
    summary=N_("take turns speaking, with a talking stick"),
    details=N_(
        "In a round, members join a queue and take timed turns; you can pass without giving a reason, and the"
        " summary never says who passed. Facilitators start and end rounds and have their own controls. "
        "Everyone in the channel sees the round."
    ),
    in_group=("round status", "facilitate round start", "facilitate round end"),
    anywhere=(),
)


async def setup(bot: Hearth) -> None:
    from cogs.rounds.cog import RoundsCog
    from cogs.rounds.views import RoundButton

    bot.add_dynamic_items(RoundButton)
    await bot.add_cog(RoundsCog(bot))
