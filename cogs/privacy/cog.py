"""Discord glue for /privacy."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import reply
from bot.privacy import Subject
from cogs.privacy import texts
from cogs.privacy.service import PrivacyService
from cogs.privacy.views import ConfirmDelete, InfoView, confirmation, info_message

if TYPE_CHECKING:
    from bot.app import Hearth


class PrivacyCog(commands.Cog):
    privacy = app_commands.Group(name="privacy", description="What Hearth stores about you, a copy, or erasing it")

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = PrivacyService(bot.db, bot.privacy, bot.clock, bot.deliveries)

    def subject(self, user_id: int) -> Subject:
        return Subject(user_id=user_id, keys=self.bot.require_keys())

    @privacy.command(name="info", description="See what Hearth stores about you, and why")
    async def info(self, interaction: discord.Interaction) -> None:
        holdings = await self.service.info(self.subject(interaction.user.id))
        # One private message, always under Discord's limit: a line per feature, the details behind a menu.
        await reply(interaction, info_message(holdings), view=InfoView(holdings))

    @privacy.command(name="export", description="Get a JSON file of everything Hearth stores about you")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        payload = await self.service.export_json(self.subject(interaction.user.id), self.bot.clock.now())
        file = discord.File(io.BytesIO(payload), filename="hearth-my-data.json")
        await reply(interaction, texts.export_ready(), file=file)

    @privacy.command(name="delete", description="Erase everything Hearth stores about you, everywhere")
    async def delete(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # counting every feature may take a while
        holdings = await self.service.info(self.subject(interaction.user.id))
        # Each keep choice (anonymous posts' words, resources) is offered only to someone who has such records.
        choices = self.bot.privacy.choices(holdings)
        view = ConfirmDelete(self, interaction.user.id, choices)
        await reply(interaction, confirmation(holdings, choices), view=view)
        view.message = await interaction.original_response()
