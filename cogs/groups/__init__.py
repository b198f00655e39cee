"""Peer groups: /setup and /group, roles, channels, guidelines, facilitators."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    from cogs.groups.cog import GroupsCog
    from cogs.groups.views import AcceptGuidelines, DecideJoinRequest

    await bot.add_cog(GroupsCog(bot))
    bot.add_dynamic_items(AcceptGuidelines, DecideJoinRequest)
