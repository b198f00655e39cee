"""The confirmation step of /privacy delete."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from bot.interactions import HearthView

if TYPE_CHECKING:
    from cogs.privacy.cog import PrivacyCog


def erased_summary(erased: dict[str, int]) -> str:
    parts = [f"{count} {name}" for name, count in erased.items() if count]
    if not parts:
        return "Done. Hearth held nothing about you, so nothing needed erasing."
    return "Done. Erased everywhere: " + ", ".join(parts) + ". This cannot be undone."


class ConfirmDelete(HearthView):
    def __init__(self, cog: PrivacyCog, user_id: int) -> None:
        super().__init__(timeout=120)
        self.cog = cog
        self.user_id = user_id
        self.message: discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message("This confirmation is not yours.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Yes, erase my data", style=discord.ButtonStyle.danger, custom_id="privacy:erase")
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        erased = await self.cog.service.erase(self.cog.subject(self.user_id))
        await interaction.edit_original_response(content=erased_summary(erased), view=None)
        if self.message is not None:
            await self.message.edit(content="Your data was erased.", view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="privacy:cancel")
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled. Nothing was erased.", view=None)

    async def on_timeout(self) -> None:
        if self.message is not None:
            # The ephemeral message is gone once its token expires; then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content="No answer, so nothing was erased.", view=None)
