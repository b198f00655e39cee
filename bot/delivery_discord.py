"""The Discord side of bot/delivery.py: one attempt of one delivery, errors turned into statuses.

Channels are reached by id (``get_partial_messageable``), so a delivery needs no guild cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.delivery import DeliveryFailed, Outgoing

ViewFactory = Callable[[str], discord.ui.View]
MentionsFactory = Callable[[str], discord.AllowedMentions]
# Rewrites a message from what the database holds at send time (an embed card a plain edit can't rebuild):
# called with the key's argument, the message and the delivery's content; raises HTTPException to be retried.
Refresher = Callable[[str, discord.PartialMessage, str], Awaitable[None]]


class DiscordSender:
    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self._views: dict[str, ViewFactory] = {}
        self._mentions: dict[str, MentionsFactory] = {}
        self._refreshers: dict[str, Refresher] = {}

    def register_view(self, prefix: str, factory: ViewFactory, *, mentions: MentionsFactory | None = None) -> None:
        """``Delivery(view="prefix:arg")`` is sent with ``factory("arg")``; ``mentions("arg")``, when given,
        decides who that message may ping (care's escalation pings the moderator role, and only it)."""
        self._views[prefix] = factory
        if mentions is not None:
            self._mentions[prefix] = mentions

    def register_refresh(self, prefix: str, refresher: Refresher) -> None:
        """An edit ``Delivery(view="prefix:arg")`` is done by ``refresher(arg, message, content)`` instead."""
        self._refreshers[prefix] = refresher

    def _view(self, key: str | None) -> discord.ui.View | None:
        if key is None:
            return None
        prefix, _, arg = key.partition(":")
        factory = self._views.get(prefix)
        return factory(arg) if factory else None

    async def send(self, item: Outgoing) -> int | None:
        mentions = (
            discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(item.ping_user_id)])
            if item.ping_user_id
            else discord.AllowedMentions.none()
        )
        if item.view is not None:
            prefix, _, arg = item.view.partition(":")
            if prefix in self._mentions:
                mentions = self._mentions[prefix](arg)
        try:
            if item.kind == "dm":
                assert item.user_id is not None
                dm = await self.client.create_dm(discord.Object(item.user_id))
                return await self._post(dm, item, mentions)
            assert item.channel_id is not None
            channel = self.client.get_partial_messageable(item.channel_id)
            if item.kind == "channel":
                return await self._post(channel, item, mentions)
            assert item.message_id is not None
            message = channel.get_partial_message(item.message_id)
            if item.kind == "edit":
                refresher = self._refreshers.get((item.view or "").partition(":")[0])
                if refresher is not None:
                    await refresher(item.view.partition(":")[2] if item.view else "", message, item.content or "")
                    return item.message_id
                view = self._view(item.view)
                if view is not None:
                    await message.edit(content=item.content, allowed_mentions=mentions, view=view)
                else:
                    await message.edit(content=item.content, allowed_mentions=mentions)
                return item.message_id
            with contextlib.suppress(discord.NotFound):  # already gone: that is what a delete wants
                await message.delete()
            return None
        except discord.HTTPException as error:
            retry_after = getattr(error, "retry_after", None)
            raise DeliveryFailed(error.status, retry_after) from None
        except (TimeoutError, aiohttp.ClientError, OSError):
            raise DeliveryFailed(0) from None

    async def _post(self, channel: discord.abc.Messageable, item: Outgoing, mentions: discord.AllowedMentions) -> int:
        view = self._view(item.view)
        # discord.py sends enforce_nonce with every nonce: a repeat returns the first message.
        if view is not None:
            sent = await channel.send(item.content, nonce=item.nonce, allowed_mentions=mentions, view=view)
        else:
            sent = await channel.send(item.content, nonce=item.nonce, allowed_mentions=mentions)
        return sent.id
