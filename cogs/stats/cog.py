"""/facilitate stats: a group's engagement over whole weeks, for its facilitators; the whole server's, for admins.

Always ephemeral: the figures as text (the chart's alternative), a chart and a CSV. When Discord refuses
the files, the text still arrives, saying so.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import actor_of, reply
from bot.role_commands import FACILITATE
from cogs.groups.api.choices import group_choices
from cogs.stats import domain, texts
from cogs.stats.service import StatsService

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger(__name__)

#: Features /facilitate stats reads from when they are loaded (groups is always there: stats needs it).
SOURCES = ("checkins", "meetings", "rounds", "sharing")
#: Publishes weeks that have ended, so an ask only reads them. Weeks end at local midnight on Mondays in
#: every timezone: four runs a day keep that within six hours, and a facilitator asking before the run
#: gets the newest week computed on the spot.
PUBLISH_JOB = "stats:publish"
PUBLISH_RUNS_PER_DAY = 4


class StatsCog(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = StatsService(
            bot.db,
            bot.clock,
            minimum=bot.settings.checkins.min_aggregate_members,
            default_timezone=bot.settings.groups.default_timezone,
        )

    async def hearth_start(self) -> None:
        self.bot.scheduler.daily(PUBLISH_JOB, self.publish_due, times=PUBLISH_RUNS_PER_DAY)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel(PUBLISH_JOB)

    async def publish_due(self) -> None:
        changed = await self.service.publish_due(self.sources())
        log.info("stats: published new weeks for %d group(s)", changed)

    def sources(self) -> frozenset[str]:
        """Features loaded in this process (an importable but unloaded feature counts as absent)."""
        return frozenset({"groups", *(name for name in SOURCES if f"cogs.{name}" in self.bot.extensions)})

    async def group_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await group_choices(interaction, current, "facilitate")

    @FACILITATE.command(
        name="stats", description="Facilitators: a group's engagement week by week, as a chart, text and CSV"
    )
    @app_commands.describe(
        group="Which group (default: this channel's group)",
        weeks="How many whole weeks to show (default 12)",
        server="Admins: every group in the server added up",
    )
    @app_commands.autocomplete(group=group_autocomplete)
    async def stats(
        self,
        interaction: discord.Interaction,
        group: app_commands.Range[str, 1, 50] | None = None,
        weeks: Literal[4, 12, 26, 52] = 12,
        server: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        if server:
            guild_name = interaction.guild.name if interaction.guild else texts.this_server()
            whole = await self.service.server_stats(actor, guild_name, weeks, self.sources())
            text, shown = texts.server_text(whole), whole.anything_shown
            points, csv_text, name = domain.server_points(whole), domain.server_csv(whole), guild_name
        else:
            one = await self.service.group_stats(actor, group, interaction.channel_id, weeks, self.sources())
            text, shown = texts.group_text(one), one.anything_shown
            points, csv_text, name = domain.group_points(one), domain.group_csv(one), one.name
        if not shown:  # nothing but "hidden": a chart of gaps would only look like something is wrong
            await reply(interaction, text)
            return
        # matplotlib costs ~25 MB and half a second to import: load it on the first chart, not at start.
        from cogs.stats.chart import render

        title = texts.chart_title(name)
        png = await asyncio.to_thread(render, points, title)
        stem = domain.file_stem(name, now)
        files = [
            discord.File(io.BytesIO(png), filename=f"{stem}.png", description=texts.alt_text(title, points)),
            discord.File(io.BytesIO(csv_text.encode()), filename=f"{stem}.csv"),
        ]
        try:
            await reply(interaction, text, files=files)
        except discord.HTTPException as error:
            log.warning("stats: Discord refused the chart and CSV (HTTP %s); sent the text alone", error.status)
            await reply(interaction, texts.files_failed() + "\n\n" + text)
