"""Stats: a group's engagement over whole weeks for its facilitators, the server's for admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py. Each source is read only when loaded.
NEEDS = ("groups",)
USES = ("checkins", "meetings", "rounds", "sharing")

# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="stats",
    title=N_("Group engagement"),
    summary=N_("facilitators: how a group is doing, week by week"),
    details=N_(
        "`/facilitate stats` shows facilitators how their group is doing over whole weeks: check-ins, meeting "
        "attendance, "
        "sharing rounds and how evenly people got to speak, anonymous posts, and members who joined or left, "
        "as a chart, text and a CSV. Only you see it. A week with fewer than 5 people taking part shows as "
        "hidden, and nothing is ever about one person. Admins can add up the whole server with `server:`."
    ),
    in_group=("facilitate stats",),
)


async def setup(bot: Hearth) -> None:
    from cogs.stats.cog import StatsCog

    await bot.add_cog(StatsCog(bot))
