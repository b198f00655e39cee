"""Care: a member in distress always reaches a person — private crisis messages with choices, cases with
one owner, escalation, and a two-way relay to anonymous authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("moderation", "sharing")


async def setup(bot: Hearth) -> None:
    from cogs.care.cog import CareCog
    from cogs.care.views import CaseButton, MemberButton, OfferButton

    bot.add_dynamic_items(OfferButton, CaseButton, MemberButton)
    await bot.add_cog(CareCog(bot))
