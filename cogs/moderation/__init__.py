"""Moderation: Report message, the moderator queue, its actions and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("sharing",)


# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="moderation",
    title=N_("Reports and moderation"),
    summary=N_("report a message; moderators act on reports"),
    details=N_(
        "Right-click (or long-press) a message → Apps → **Report message** to tell the moderators privately. "
        "The person you report is not told who reported. Moderators work a private queue; each action is "
        "written to an audit log every moderator can read."
    ),
    in_group=("mod queue",),
    anywhere=("mod queue", "mod log"),
)


async def setup(bot: Hearth) -> None:
    from bot.audience import Audience
    from cogs.moderation.cog import ModerationCog
    from cogs.moderation.settings import is_moderator
    from cogs.moderation.views import ModButton, TimeoutButton

    bot.add_dynamic_items(ModButton, TimeoutButton)
    await bot.add_cog(ModerationCog(bot))
    bot.audiences.register(Audience.MODERATORS, is_moderator)  # who the moderators' commands admit
