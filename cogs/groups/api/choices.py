"""Autocomplete every feature shares: group names by /group's own visibility rules, and IANA timezones.

Works from the database alone, so other features' autocomplete answers whether or not ``GroupsCog``
is loaded. One place decides which group names a person may see suggested, so a private group never
leaks through some feature's autocomplete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import HearthError
from bot.interactions import actor_of
from cogs.groups import api

if TYPE_CHECKING:
    from bot.app import Hearth


async def group_choices(interaction: discord.Interaction, current: str, *scopes: str) -> list[app_commands.Choice[str]]:
    """Groups in any of ``scopes`` ("mine", "join", "visible", "facilitate") whose name contains what was typed."""
    try:
        actor = actor_of(interaction)
    except HearthError:
        return []
    bot: Hearth = interaction.client  # type: ignore[assignment]
    async with bot.db.read() as session:
        names = await api.group_names(session, actor, current, scopes)
    return [app_commands.Choice(name=name, value=name) for name in names]


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in api.timezone_suggestions(current)]
