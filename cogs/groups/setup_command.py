"""/setup for server admins: one stable list of options, each stored by the feature owning it (``bot/setup.py``).

A mixin of ``GroupsCog``; its private-channel refresh uses the Discord steps (``discord_steps.py``)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts as shared_texts
from bot.audience import Audience, for_audience
from bot.errors import NotAllowed
from bot.interactions import actor_of, reply
from bot.setup import SetupContext, Value
from cogs.groups import setup_texts
from cogs.groups.api.choices import timezone_choices
from cogs.groups.discord_steps import DiscordSteps, guild_of
from cogs.groups.onboarding_cog import checklist

# /setup's options in the order it shows them; each is stored by the feature that owns it (bot/setup.py).
SETUP_OPTIONS = (
    "facilitator_role",
    "moderator_role",
    "mod_queue",
    "confirm_public_queue",
    "timezone",
    "anonymous_sharing",
    "approval_required",
    "break_glass",
    "duty_of_care",
    "care_urgent_minutes",
    "care_gentle_minutes",
)


class SetupCommand(DiscordSteps, commands.Cog):
    # --- /setup --------------------------------------------------------------------------------

    async def _describe_setup(self, guild: discord.Guild) -> str:
        lines = await self.bot.setup_sections.describe(self.bot.db, guild.id)
        shown = [lines[option] for option in SETUP_OPTIONS if option in lines]
        return setup_texts.setup_header(guild.name) + "\n" + "\n".join(f"• {line}" for line in shown)

    @for_audience(Audience.ADMINS)
    @app_commands.command(name="setup", description="Server admins: Hearth's roles, queue channel, timezone, sharing")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        facilitator_role="Members with this role create and run groups",
        moderator_role="Members with this role work the moderator queue",
        mod_queue="Channel where reports and held posts go",
        confirm_public_queue="Use the mod_queue channel even though others than moderators can read it",
        timezone="The server's default timezone (IANA name, e.g. Europe/Berlin)",
        anonymous_sharing="Allow anonymous posts in groups",
        approval_required="Anonymous posts wait for moderator approval by default",
        break_glass="Server owner only: store anonymous authors encrypted so you can reveal one (audited)",
        duty_of_care="Alert facilitators on every sign of crisis without asking first (members are told)",
        care_urgent_minutes="Minutes before an unclaimed urgent care request goes to the moderators (default 10)",
        care_gentle_minutes="Minutes before an unclaimed gentle care request goes to the moderators (default 360)",
    )
    async def setup_command(
        self,
        interaction: discord.Interaction,
        facilitator_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
        mod_queue: discord.TextChannel | None = None,
        confirm_public_queue: bool | None = None,
        timezone: str | None = None,
        anonymous_sharing: bool | None = None,
        approval_required: bool | None = None,
        break_glass: bool | None = None,
        duty_of_care: bool | None = None,
        care_urgent_minutes: app_commands.Range[int, 1, 240] | None = None,
        care_gentle_minutes: app_commands.Range[int, 10, 10080] | None = None,
    ) -> None:
        """One stable list of options; each is stored by the feature that owns it (bot/setup.py)."""
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        if not actor.is_admin:  # default_permissions is only a hint: servers can override it
            raise NotAllowed(shared_texts.setup_admins_only())
        given: dict[str, Value | None] = {
            "facilitator_role": facilitator_role.id if facilitator_role else None,
            "moderator_role": moderator_role.id if moderator_role else None,
            "mod_queue": mod_queue.id if mod_queue else None,
            "confirm_public_queue": confirm_public_queue,
            "timezone": timezone,
            "anonymous_sharing": anonymous_sharing,
            "approval_required": approval_required,
            "break_glass": break_glass,
            "duty_of_care": duty_of_care,
            "care_urgent_minutes": care_urgent_minutes,
            "care_gentle_minutes": care_gentle_minutes,
        }
        values = {option: value for option, value in given.items() if value is not None}
        if not values:  # the settings, then the checklist of what is left to fix (the same as on joining)
            await reply(interaction, await self._describe_setup(guild))
            await reply(interaction, await checklist(self.bot, guild))
            return
        before = await self.service.viewer_roles(guild.id)
        context = SetupContext(actor, is_owner=guild.owner_id == actor.user_id, now=self.bot.clock.now())
        notes = await self.bot.setup_sections.apply(self.bot.db, context, values)
        note = "".join(f"\n{n}" for n in notes)
        after = await self.service.viewer_roles(guild.id)
        if before != after:
            note += await self._refresh_private_channels(guild, before - after)
        await reply(interaction, setup_texts.setup_saved() + "\n" + await self._describe_setup(guild) + note)

    async def _refresh_private_channels(self, guild: discord.Guild, old_roles: set[int]) -> str:
        """The facilitator/moderator roles changed: private groups' channels follow."""
        groups = await self.service.private_groups(guild.id)
        if not groups:
            return ""
        if not guild.me.guild_permissions.manage_roles:
            return "\n" + setup_texts.private_channels_need_permission()
        for access in groups:
            assert access.group is not None
            channel = guild.get_channel(access.group.channel_id or 0)
            if channel is None:
                continue
            role = guild.get_role(access.group.role_id or 0)
            wanted = self._overwrites(guild, access, role)
            try:
                for old in old_roles - set(wanted):
                    await self._drop_overwrite(channel, old)
                await self._put_overwrites(channel, wanted)
            except discord.Forbidden:
                return "\n" + setup_texts.private_channels_refused()
        return "\n" + setup_texts.private_channels_updated(len(groups))

    @setup_command.autocomplete("timezone")
    async def _timezone_choices(
        self, _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)
