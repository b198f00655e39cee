"""/help [topic]: what this person can do here, with clickable command mentions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.audience import Audience, audience_of
from bot.errors import BadInput
from bot.interactions import actor_of, reply
from cogs.help import domain, texts
from cogs.help.service import standing

if TYPE_CHECKING:
    from bot.app import Hearth


def leaves(command: Any) -> list[app_commands.Command[Any, Any, Any]]:
    if isinstance(command, app_commands.Group):
        return [leaf for child in command.commands for leaf in leaves(child)]
    return [command] if isinstance(command, app_commands.Command) else []


class HelpCog(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    def _usable(self, audiences: frozenset[Audience]) -> list[domain.Usable]:
        return [
            domain.Usable(leaf.qualified_name, i18n._(leaf.description))
            for top in self.bot.tree.get_commands()
            for leaf in leaves(top)
            if audience_of(leaf) in audiences
        ]

    async def _topic_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=texts.choice(t)[:100], value=t.name)
            for t in self.bot.help_topics.all()
            if typed in t.name or typed in t.title.lower() or typed in texts.title(t).lower()
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
        await interaction.response.defer(ephemeral=True)
        actor = actor_of(interaction)
        found = await standing(self.bot.db, self.bot.audiences, actor, interaction.channel_id)
        usable = self._usable(found.audiences)
        mention = i18n.command  # clickable once the command ids are known (bot/i18n.py)
        if topic is None:
            facilitator = Audience.FACILITATORS in found.audiences
            overview = domain.overview(
                found.place, usable, topics, mention, admin=actor.is_admin, facilitator=facilitator
            )
            await reply(interaction, overview)
            return
        chosen = self.bot.help_topics.get(topic)
        if chosen is None:
            raise BadInput(domain.unknown_topic(topic, topics, mention))
        every = {leaf.qualified_name for top in self.bot.tree.get_commands() for leaf in leaves(top)}
        await reply(interaction, domain.topic_text(chosen, usable, mention, every))
