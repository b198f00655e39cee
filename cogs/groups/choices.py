"""Autocomplete every feature shares: group names by /group's own visibility rules, and IANA timezones.

One place decides which group names a person may see suggested, so a private group never leaks
through some feature's autocomplete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import HearthError
from bot.interactions import actor_of
from cogs.groups import domain

if TYPE_CHECKING:
    from cogs.groups.cog import GroupsCog


async def group_choices(interaction: discord.Interaction, current: str, *scopes: str) -> list[app_commands.Choice[str]]:
    """Groups in any of ``scopes`` ("mine", "join", "visible", "facilitate") whose name contains what was typed."""
    cog: GroupsCog | None = interaction.client.get_cog("GroupsCog")  # type: ignore[attr-defined]
    if cog is None:
        return []
    try:
        actor = actor_of(interaction)
    except HearthError:
        return []
    names: list[str] = []
    for scope in scopes or ("mine",):
        names.extend(n for n in await cog.service.names(actor, current, scope) if n not in names)
    return [app_commands.Choice(name=name, value=name) for name in names[:25]]


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in domain.timezone_suggestions(current)]
