"""Care: a member in distress always reaches a person — private crisis messages with choices, cases with
one owner, escalation, and a two-way relay to anonymous authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic

if TYPE_CHECKING:
    from bot.app import Hearth

# Load order and links between features: see bot/features.py.
NEEDS = ("groups",)
USES = ("moderation", "sharing")

# What /help says about this feature (bot/help.py); the disclosure is shown on every /help.
HELP = HelpTopic(
    name="care",
    title="Care and safety",
    summary="reach a person here, or see helplines, any time",
    details=(
        "`/care ask` asks for someone here to reach out to you, privately. `/care helplines` shows people you can "
        "call right now. If you're worried about someone, use **Report message** on what they wrote and choose "
        "**I'm worried about this person**: a moderator checks on them gently, and nothing is sent to them "
        "automatically."
    ),
    anywhere=("care ask", "care helplines"),
    disclosure=(
        "Hearth looks for words that can mean someone is struggling in check-ins and anonymous posts. When it sees "
        "them, only the writer gets a private message with helplines and a choice to ask for someone here; nobody "
        "else is told unless they choose it (or the server has duty-of-care mode on). `/care off` turns these "
        "messages off for you."
    ),
)


async def setup(bot: Hearth) -> None:
    from cogs.care.cog import CareCog
    from cogs.care.concern_cog import ConcernCog
    from cogs.care.views import CaseButton, MemberButton, OfferButton

    bot.add_dynamic_items(OfferButton, CaseButton, MemberButton)
    await bot.add_cog(CareCog(bot))
    await bot.add_cog(ConcernCog(bot))
