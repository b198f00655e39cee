"""Check-ins: mood, notes, streaks, reminders, group prompts and a facilitators' aggregate view."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)


async def setup(bot: Hearth) -> None:
    from cogs.checkins.cog import CheckinCog
    from cogs.checkins.views import CheckinButton, SupportButton

    bot.add_dynamic_items(SupportButton, CheckinButton)
    await bot.add_cog(CheckinCog(bot))
