"""/help [topic]: what this person can do here, with clickable command mentions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import Audience, audience_of
from bot.errors import BadInput
from bot.interactions import actor_of, reply
from cogs.help import domain
from cogs.help.service import standing

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.help")


def leaves(command: Any) -> list[app_commands.Command[Any, Any, Any]]:
    if isinstance(command, app_commands.Group):
        return [leaf for child in command.commands for leaf in leaves(child)]
    return [command] if isinstance(command, app_commands.Command) else []


class HelpCog(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self._ids: dict[str, int] = {}  # top-level command name -> Discord's id, once synced

    async def _command_ids(self) -> dict[str, int]:
        """Discord's ids for mentions (``</round start:id>``); empty, so plain ``/round start``, until synced."""
        if not self._ids:
            guild_id = self.bot.settings.bot.dev_guild_id
            try:
                fetched = await self.bot.tree.fetch_commands(guild=discord.Object(guild_id) if guild_id else None)
            except discord.HTTPException as error:
                log.warning("could not fetch command ids for /help mentions: %s", error.status)
                return {}
            self._ids = {c.name: c.id for c in fetched}
        return self._ids

    async def _mention(self) -> domain.Mention:
        ids = await self._command_ids()

        def mention(name: str) -> str:
            command_id = ids.get(name.split(" ", 1)[0])
            return f"</{name}:{command_id}>" if command_id else f"`/{name}`"

        return mention

    def _usable(self, audiences: frozenset[Audience]) -> list[domain.Usable]:
        return [
            domain.Usable(leaf.qualified_name, leaf.description)
            for top in self.bot.tree.get_commands()
            for leaf in leaves(top)
            if audience_of(leaf) in audiences
        ]

    async def _topic_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=f"{t.name}: {t.summary}"[:100], value=t.name)
            for t in self.bot.help_topics.all()
            if typed in t.name or typed in t.title.lower()
        ][:25]

    @app_commands.command(name="help", description="What you can do here, or how one part of Hearth works")
    @app_commands.describe(topic="One part of Hearth, e.g. rounds or sharing (empty: what you can do here)")
    @app_commands.autocomplete(topic=_topic_choices)
    async def help(
        self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        topics = self.bot.help_topics.all()
        if interaction.guild_id is None:  # a DM with the bot: no server, no groups, nothing personal to show
            await reply(interaction, domain.overview(None, [], topics, lambda n: f"`/{n}`", in_dm=True))
            return
        await interaction.response.defer(ephemeral=True)  # mentions may need one call to Discord
        actor = actor_of(interaction)
        found = await standing(self.bot.db, self.bot.audiences, actor, interaction.channel_id)
        usable = self._usable(found.audiences)
        mention = await self._mention()
        if topic is None:
            facilitator = Audience.FACILITATORS in found.audiences
            overview = domain.overview(
                found.place, usable, topics, mention, admin=actor.is_admin, facilitator=facilitator
            )
            await reply(interaction, overview)
            return
        chosen = self.bot.help_topics.get(topic)
        if chosen is None:
            raise BadInput(domain.unknown_topic(topic, topics))
        await reply(interaction, domain.topic_text(chosen, usable, mention))
