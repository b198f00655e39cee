"""When Hearth joins a server: the setup checklist to whoever added it, else to the system channel.

The facts come from Discord (Hearth's permissions and role, the queue channel's visibility) and from the
database (``setup_check.py``); the wording is ``onboarding.py``'s. ``/setup`` with no options shows the
same checklist, so an admin can check again after fixing something.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import i18n
from bot.interactions import NO_MENTIONS
from bot.translator import server_language
from cogs.groups import onboarding, setup_texts
from cogs.groups.setup_check import stored_setup
from cogs.moderation.api import ModerationLink

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.groups.onboarding")

_REGION = re.compile(r"^##\s+(.+)$", re.MULTILINE)


def loaded_features(bot: Hearth) -> frozenset[str]:
    return frozenset(name.split(".", 1)[1].split(".", 1)[0] for name in bot.extensions if name.startswith("cogs."))


async def checklist(bot: Hearth, guild: discord.Guild) -> str:
    """The checklist for this server as it is now."""
    features = loaded_features(bot)
    moderation = bot.interfaces.get(ModerationLink)
    stored = await stored_setup(bot.db, guild.id, moderation)
    me = guild.me
    mine = me.guild_permissions
    missing = tuple(name for name in onboarding.needed(features) if not getattr(mine, name))
    top = me.top_role
    bot_role = None if top.is_default() else top.name
    above = tuple(
        role.name for role_id in stored.group_role_ids if (role := guild.get_role(role_id)) is not None and role >= top
    )
    queue: onboarding.QueueFacts | None = None
    if moderation is not None:
        channel = guild.get_channel(stored.queue_channel_id) if stored.queue_channel_id else None
        queue = onboarding.QueueFacts(
            channel_set=stored.queue_channel_id is not None,
            exists=channel is not None,
            private=channel is not None and not channel.permissions_for(guild.default_role).view_channel,
            hearth_can_post=channel is not None
            and channel.permissions_for(me).view_channel
            and channel.permissions_for(me).send_messages,
        )
    facilitator_role = stored.facilitator_role_id
    facts = onboarding.Facts(
        features=features,
        missing_permissions=missing,
        bot_role_name=bot_role,
        roles_above_bot=above,
        facilitator_role_set=facilitator_role is not None and guild.get_role(facilitator_role) is not None,
        timezone=stored.timezone,
        default_timezone=bot.settings.groups.default_timezone,
        moderator_role_set=stored.moderator_role_id is not None,
        queue=queue,
        crisis_regions=tuple(m.strip() for m in _REGION.findall(bot.safety.resources)),
    )
    return onboarding.checklist(facts, server=guild.name)


async def _adder(bot: Hearth, guild: discord.Guild) -> discord.User | discord.Member | None:
    """Who added Hearth, from the audit log's bot-add entry (needs View Audit Log); None when unknown."""
    if not guild.me.guild_permissions.view_audit_log or bot.user is None:
        return None
    try:
        async for entry in guild.audit_logs(action=discord.AuditLogAction.bot_add, limit=10):
            target = entry.target
            if target is not None and getattr(target, "id", None) == bot.user.id and entry.user is not None:
                return entry.user
    except discord.HTTPException as error:
        log.info("could not read the audit log of guild=%s: %s", guild.id, error.status)
    return None


class OnboardingCog(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        try:
            await self.welcome_server(guild)
        except Exception:  # a listener's error would only be logged by discord.py; say which server
            log.exception("could not send the setup checklist to guild=%s", guild.id)

    async def welcome_server(self, guild: discord.Guild) -> str | None:
        """Send the checklist; return where it went ("dm", "system channel") or None when nowhere."""
        adder = await _adder(self.bot, guild)
        system = guild.system_channel
        if adder is None and system is None:
            log.info(
                "joined guild=%s: no one to send the setup checklist to (no audit entry, no system channel)", guild.id
            )
            return None
        with i18n.using(server_language(self.bot, guild.id)):  # no interaction: the server's language
            text = await checklist(self.bot, guild)
        if adder is not None:
            try:
                with i18n.using(server_language(self.bot, guild.id)):
                    greeting = setup_texts.thanks_for_adding(guild.name)
                await adder.send("\n".join((greeting, text)), allowed_mentions=NO_MENTIONS)
                return "dm"
            except discord.HTTPException as error:  # DMs closed (50007) or Discord trouble: try the channel
                log.info("could not DM the setup checklist for guild=%s: %s", guild.id, error.status)
        if system is not None:
            try:
                await system.send(text, allowed_mentions=NO_MENTIONS)
                return "system channel"
            except discord.HTTPException as error:
                log.info("could not post the setup checklist in guild=%s: %s", guild.id, error.status)
        return None
