"""What meetings show on Discord: the server's scheduled event and the card (reminders go through
bot/delivery.py, written by the meeting job itself).

Discord glue the cog's commands and its job share; it holds no SQL (it records what exists on
Discord's side through the service).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import i18n
from bot.i18n import N_
from bot.interactions import NO_MENTIONS
from bot.translator import server_language
from cogs.meetings import texts
from cogs.meetings.privacy import CARD_REFRESH
from cogs.meetings.records import MeetingSummary
from cogs.meetings.service import MeetingService
from cogs.meetings.views import card_embed, card_view

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings")

MISSING_EVENTS = N_("Manage Events")  # stored as is; shown as _(MISSING_EVENTS), Discord's name for it


class MeetingPublisher:
    def __init__(self, bot: Hearth, service: MeetingService) -> None:
        self.bot = bot
        self.service = service
        # An erase rebuilds the cards that showed the member's agenda items through the delivery record.
        bot.sender.register_refresh(CARD_REFRESH, self._refresh_delivered)

    # --- Discord: scheduled event and card ---------------------------------------------------------------

    async def sync_discord(self, view: MeetingSummary) -> MeetingSummary:
        await self.sync_event(view)
        await self.refresh_card(view)
        return await self.service.summary(view.id) or view

    async def sync_event(self, view: MeetingSummary) -> str | None:
        """Make the server's Events show exactly the tracked occurrence; returns what is missing, if anything.
        The event is for the whole server: it speaks the server's language."""
        with i18n.using(server_language(self.bot, view.guild_id)):
            return await self._sync_event(view)

    async def _sync_event(self, view: MeetingSummary) -> str | None:
        guild = self.bot.get_guild(view.guild_id)
        if guild is None:
            return None
        existing: discord.ScheduledEvent | None = None
        if view.event_id:
            existing = guild.get_scheduled_event(view.event_id)
            if existing is None:
                try:
                    existing = await guild.fetch_scheduled_event(view.event_id)
                except discord.NotFound:
                    existing = None
                except discord.HTTPException:
                    existing = None
        wanted = view.event_wanted
        if not wanted and existing is None:
            if view.event_id or view.event_problem:
                await self.service.set_discord_state(view.id, event_id=None, event_problem=None)
            return None
        if not guild.me.guild_permissions.manage_events:
            await self.service.set_discord_state(view.id, event_problem=MISSING_EVENTS)
            return MISSING_EVENTS
        try:
            if existing is not None and (
                not wanted
                or existing.start_time != view.occurrence_at
                or existing.status is not discord.EventStatus.scheduled
            ):
                await self._retire(existing)
                existing = None
            event_id: int | None = None
            if wanted:
                assert view.occurrence_at is not None
                assert view.ends_at is not None
                kwargs: dict[str, Any] = {
                    "name": view.event_title,
                    "start_time": view.occurrence_at,
                    "end_time": view.ends_at,
                    "description": self._event_description(view),
                    "privacy_level": discord.PrivacyLevel.guild_only,
                }
                channel = guild.get_channel(view.voice_channel_id) if view.voice_channel_id else None
                if isinstance(channel, discord.StageChannel):
                    kwargs.update(entity_type=discord.EntityType.stage_instance, channel=channel)
                elif isinstance(channel, discord.VoiceChannel):
                    kwargs.update(entity_type=discord.EntityType.voice, channel=channel)
                else:
                    kwargs.update(entity_type=discord.EntityType.external, location=self._location(view, guild))
                if existing is not None:
                    event = await existing.edit(**kwargs)
                else:
                    event = await guild.create_scheduled_event(**kwargs)
                event_id = event.id
            await self.service.set_discord_state(view.id, event_id=event_id, event_problem=None)
            return None
        except discord.Forbidden:
            await self.service.set_discord_state(view.id, event_problem=MISSING_EVENTS)
            return MISSING_EVENTS

    async def _retire(self, event: discord.ScheduledEvent) -> None:
        try:
            if event.status is discord.EventStatus.active:
                await event.end()
            elif event.status is discord.EventStatus.scheduled:
                await event.delete()
        except discord.NotFound:
            pass

    def _event_description(self, view: MeetingSummary) -> str:
        if view.group_private:
            return texts.event_private()
        text = texts.event_meets(view.group_name, view.recurrence_text, view.timezone)
        if view.agenda:
            text += "\n" + texts.event_agenda("; ".join(item for _, item in view.agenda))
        return text[:1000]

    def _location(self, view: MeetingSummary, guild: discord.Guild) -> str:
        if view.location:
            return view.location
        channel = guild.get_channel(view.group_channel_id) if view.group_channel_id else None
        if channel is not None and not view.group_private:
            return f"#{channel.name}"
        return "Discord"

    async def refresh_card(self, view: MeetingSummary) -> None:
        if not view.card_channel_id or not view.card_message_id:
            return
        channel = self.bot.get_channel(view.card_channel_id)
        if not isinstance(channel, (discord.TextChannel, discord.Thread, discord.VoiceChannel)):
            return
        with i18n.using(server_language(self.bot, view.guild_id)):  # a channel post: the server's language
            embed, layout = card_embed(view), card_view(view)
        try:
            await channel.get_partial_message(view.card_message_id).edit(
                embed=embed, view=layout, allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException:
            log.warning("could not refresh meeting card meeting=%s", view.id)

    async def _refresh_delivered(self, meeting_id: str, message: discord.PartialMessage, _content: str) -> None:
        """A durable card refresh: rendered from the database as it is when sent; a Discord error is raised
        so the delivery record retries it."""
        view = await self.service.summary(int(meeting_id))
        if view is None:  # the meeting is gone, and its card with it
            return
        await message.edit(embed=card_embed(view), view=card_view(view), allowed_mentions=NO_MENTIONS)
        await self.sync_event(view)  # the server's event lists the agenda too

    async def post_card(self, view: MeetingSummary) -> str | None:
        channel = self.bot.get_channel(view.group_channel_id) if view.group_channel_id else None
        if not isinstance(channel, (discord.TextChannel, discord.Thread, discord.VoiceChannel)):
            return texts.no_card_channel()
        with i18n.using(server_language(self.bot, view.guild_id)):  # a channel post: the server's language
            embed, layout = card_embed(view), card_view(view) or discord.ui.View()
        try:
            message = await channel.send(embed=embed, allowed_mentions=NO_MENTIONS, view=layout)
        except discord.HTTPException:
            return texts.card_not_posted(channel.id)
        await self.service.set_discord_state(view.id, card=(channel.id, message.id))
        return None
