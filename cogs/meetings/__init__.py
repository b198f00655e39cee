"""Meetings: recurring group meetings with RSVP, reminders, Discord events, agenda and attendance."""

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
    name="meetings",
    title=N_("Meetings"),
    summary=N_("scheduled group meetings, RSVP and reminders"),
    details=N_(
        'Facilitators schedule meetings in plain words ("every Tuesday 7pm"). Each meeting has RSVP buttons '
        "and reminders; `/meeting export` gives a calendar file. Who said they'll come is seen by the group's"
        " facilitators. Private groups get no public Discord event unless they choose one."
    ),
    in_group=("meeting list", "facilitate meeting schedule", "meeting agenda show"),
    anywhere=("meeting list",),
)


async def setup(bot: Hearth) -> None:
    from cogs.meetings.cog import MeetingsCog
    from cogs.meetings.views import ReminderSelect, RsvpAllButton, RsvpButton

    bot.add_dynamic_items(RsvpButton, RsvpAllButton, ReminderSelect)
    await bot.add_cog(MeetingsCog(bot))
