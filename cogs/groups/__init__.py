"""Peer groups: /setup and /group, roles, channels, guidelines, facilitators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.help import HelpTopic
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.app import Hearth


# What /help says about this feature (bot/help.py).
HELP = HelpTopic(
    name="groups",
    title=N_("Peer groups"),
    summary=N_("find a group, join it, accept its guidelines"),
    details=N_(
        "Each group has its own channel and a neutral role. Private groups are invisible to non-members; ask "
        "their facilitators to join. Who is in a group is seen by its members and facilitators, not by the "
        "whole server. Facilitators create, edit and archive groups; server admins run `/setup`."
    ),
    in_group=("group info", "group guidelines", "group leave", "facilitate group edit", "facilitate facilitators add"),
    anywhere=("group list", "group join", "group info", "facilitate group create", "setup"),
)


async def setup(bot: Hearth) -> None:
    from bot.audience import Audience
    from cogs.groups.api import facilitates_any
    from cogs.groups.cog import GroupsCog
    from cogs.groups.onboarding_cog import OnboardingCog
    from cogs.groups.views import AcceptGuidelines, DecideJoinRequest

    await bot.add_cog(GroupsCog(bot))
    await bot.add_cog(OnboardingCog(bot))
    bot.audiences.register(Audience.FACILITATORS, facilitates_any)  # who the facilitators' commands admit
    bot.add_dynamic_items(AcceptGuidelines, DecideJoinRequest)
