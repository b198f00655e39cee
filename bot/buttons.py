"""One base for Hearth's persistent buttons: the cog lookup and the error guard are built in.

A persistent button (a ``discord.ui.DynamicItem``) outlives the process that posted it, so its
callback must find its feature's cog again and must never fail silently: discord.py only logs a
DynamicItem's errors, which leaves the member with "This interaction failed". Subclasses say which
cog they belong to and implement :meth:`PersistentItem.pressed`::

    class AcceptGuidelines(PersistentItem["GroupsCog"], template=r"groups:gl:(?P<group>\\d+)"):
        cog_name = "GroupsCog"

        async def pressed(self, interaction: discord.Interaction, cog: GroupsCog) -> None:
            await cog.accept_guidelines(interaction, self.group_id)
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import discord
from discord.ext import commands

from bot import texts
from bot.errors import NotFound
from bot.interactions import handle_error, retried_quietly

CogT = TypeVar("CogT", bound=commands.Cog)

# The base itself is never registered; DynamicItem demands a template, so it gets one that matches nothing.
_MATCHES_NOTHING = r"(?!)"


class FeatureUnavailable(NotFound):
    """The button's feature isn't loaded in this process (switched off, or still starting)."""


def feature_cog(client: discord.Client, cog_name: str, unavailable: str | None = None) -> commands.Cog:
    """The loaded cog called ``cog_name``, or a kind :class:`FeatureUnavailable` for the member."""
    cog = client.get_cog(cog_name) if isinstance(client, commands.Bot) else None
    if cog is None:
        raise FeatureUnavailable(unavailable or texts.feature_unavailable())
    return cog


class PersistentItem(discord.ui.DynamicItem[Any], Generic[CogT], template=_MATCHES_NOTHING):
    """A persistent button (or select) of one feature: finds its cog, and routes every error to the common
    handler."""

    cog_name: ClassVar[str]
    # What the member reads if the feature isn't loaded (care says what to do in danger); None: the
    # common notice, in the member's language.
    unavailable: ClassVar[str | None] = None

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._press(interaction)
        except Exception as error:
            # A busy database is tried again quietly when nothing was said or saved yet (bot/interactions.py).
            left = await retried_quietly(error, lambda: self._press(interaction))
            if left is not None:
                await handle_error(interaction, left)

    async def _press(self, interaction: discord.Interaction) -> None:
        cog: Any = feature_cog(interaction.client, self.cog_name, self.unavailable_text())
        await self.pressed(interaction, cog)

    def unavailable_text(self) -> str | None:
        """Override for a feature's own text in the member's language (bot/i18n.py)."""
        return self.unavailable

    async def pressed(self, interaction: discord.Interaction, cog: CogT) -> None:
        raise NotImplementedError
