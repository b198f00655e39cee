"""Check-ins: mood, notes, streaks, reminders, group prompts and a facilitators' aggregate view."""

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
    name="checkins",
    title=N_("Check-ins"),
    summary=N_("how you feel (1–5), a note, your trend"),
    details=N_(
        "A check-in is a mood from 1 to 5 and an optional note. You choose who sees it: only you, your "
        "facilitators, or the group. A private note is seen by you alone. Facilitators see totals for the "
        "group (hidden under 5 people), never your note. Reminders come by DM, only if you ask for them."
    ),
    in_group=("checkin now", "checkin history", "facilitate checkin summary"),
    anywhere=("checkin history", "checkin remind set"),
)


async def setup(bot: Hearth) -> None:
    from cogs.checkins.cog import CheckinCog
    from cogs.checkins.views import CheckinButton, SupportButton

    bot.add_dynamic_items(SupportButton, CheckinButton)
    await bot.add_cog(CheckinCog(bot))
