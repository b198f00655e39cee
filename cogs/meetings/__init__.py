"""Meetings: recurring group meetings with RSVP, reminders, Discord events, agenda and attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


async def setup(bot: Hearth) -> None:
    from cogs.meetings.cog import MeetingsCog
    from cogs.meetings.views import RsvpAllButton, RsvpButton

    bot.add_dynamic_items(RsvpButton, RsvpAllButton)
    await bot.add_cog(MeetingsCog(bot))
