"""Anonymous sharing: /share, anonymous replies, pseudonyms, blocks, holds, break-glass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("moderation",)


# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="sharing",
    title=N_("Anonymous sharing"),
    summary=N_("post to your group without your name"),
    details=N_(
        "`/share` posts your words in your group's channel as an anonymous member. No one sees who wrote it,"
        " moderators and facilitators included. (Only if this server turned on break-glass can the server "
        "owner reveal an author, and every reveal is logged for all moderators.) Others can reply anonymously"
        " or report it; `/share` with `mine` set to True lists your own posts to delete them. A group may ask"
        " moderators to approve posts first."
    ),
    in_group=("share",),
    anywhere=(),
)


async def setup(bot: Hearth) -> None:
    from cogs.sharing.cog import SharingCog
    from cogs.sharing.views import DeleteOwnButton, ReplyButton, ReportButton

    bot.add_dynamic_items(ReplyButton, ReportButton, DeleteOwnButton)
    await bot.add_cog(SharingCog(bot))
