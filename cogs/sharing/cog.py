"""Discord glue for /share: the form, posting as "Anonymous member", reply threads, deletion by code."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot import i18n
from bot.errors import BotMissingPermissions, NotFound, Transient
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.translator import server_language
from cogs.care.api import CareDesk
from cogs.groups.api.choices import group_choices
from cogs.moderation.api import ModerationLink
from cogs.sharing import domain, texts
from cogs.sharing.api import AnonymousPosts
from cogs.sharing.link import Link
from cogs.sharing.mine import delete_mine, my_posts
from cogs.sharing.privacy import AnonymousPostsProvider
from cogs.sharing.service import Publication, SharingService, Target
from cogs.sharing.settings import SharingSetup
from cogs.sharing.views import COG_NAME, DeleteOwnButton, ShareModal, delete_view, post_embed, post_view

if TYPE_CHECKING:
    from bot.actor import Actor
    from bot.app import Hearth

log = logging.getLogger(__name__)

RETENTION_RUNS_PER_DAY = 4


class SharingCog(commands.Cog, name=COG_NAME):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = SharingService(
            bot.db,
            bot.require_keys,
            bot.settings.sharing,
            bot.clock,
            bot.safety,
            retention_days=bot.settings.retention.anonymous_posts_days,
            moderation=lambda: bot.interfaces.get(ModerationLink),
        )
        self.provider = AnonymousPostsProvider(moderation=lambda: bot.interfaces.get(ModerationLink))
        bot.privacy.register(self.provider)
        # Two replies racing to open the thread under one post must not open two threads.
        self._thread_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def cog_load(self) -> None:
        self.bot.interfaces.offer(AnonymousPosts, Link(self.bot))
        self.bot.setup_sections.register(SharingSetup(lambda: self.bot.interfaces.get(ModerationLink)))

    async def cog_unload(self) -> None:
        self.bot.interfaces.withdraw(AnonymousPosts)
        self.bot.setup_sections.unregister("sharing")
        self.bot.privacy.unregister(self.provider.name)
        self.bot.scheduler.cancel_prefix("sharing:")

    async def hearth_start(self) -> None:
        # Four times a day, so a post outlives its retention by at most six hours; and once now.
        self.bot.scheduler.daily("sharing:retention", self.service.purge_expired, times=RETENTION_RUNS_PER_DAY)
        await self.service.purge_expired()

    # --- /share ----------------------------------------------------------------------------------

    @app_commands.command(name="share", description="Post anonymously in your group, or see and delete your own posts")
    @app_commands.guild_only()
    @app_commands.describe(
        group="The group to post in (default: this channel's group, or your only group)",
        delete="Instead of posting: the code of your own anonymous post to delete",
        mine="Instead of posting: list your own anonymous posts here, each with a Delete button (only you see it)",
    )
    async def share(
        self,
        interaction: discord.Interaction,
        group: str | None = None,
        delete: app_commands.Range[str, 1, 64] | None = None,
        mine: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        if mine:
            await self._mine(interaction, actor)
            return
        if delete is not None:
            await self._delete(interaction, actor, delete)
            return
        target = await self.service.target_for_share(actor, group, interaction.channel_id)
        await interaction.response.send_modal(ShareModal(self, target, max_length=self.service.settings.max_length))

    @share.autocomplete("group")
    async def _group_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await group_choices(interaction, current, "mine")

    async def _delete(self, interaction: discord.Interaction, actor: Actor, code: str) -> None:
        removed = await self.service.delete_own(actor, code)
        await self._remove_message(actor.guild_id, removed.code, removed.channel_id, removed.message_id)
        await reply(interaction, texts.deleted_code(removed.code))

    async def _remove_message(self, guild_id: int, code: str, channel_id: int | None, message_id: int | None) -> None:
        if channel_id is None or message_id is None:
            return  # held for review: it never reached the channel
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        try:
            await channel.get_partial_message(message_id).delete()
        except discord.NotFound:
            pass
        except (discord.HTTPException, TimeoutError):
            # The words are gone from Hearth but still on Discord: say so, never "nothing was saved".
            log.warning("anonymous post %s: Discord did not delete its message", code)
            raise Transient(texts.not_removed_from_discord()) from None

    async def _mine(self, interaction: discord.Interaction, actor: Actor) -> None:
        """The author's own posts in this server, each with Delete; ephemeral, so nobody else learns them."""
        posts, total = await my_posts(self.bot.db, self.service.keys, actor)
        if not posts:
            await reply(interaction, texts.mine_none())
            return
        lines = [texts.mine_heading()]
        view = discord.ui.View(timeout=None)
        for number, post in enumerate(posts, start=1):
            where = (
                f"https://discord.com/channels/{actor.guild_id}/{post.channel_id}/{post.message_id}"
                if post.channel_id and post.message_id
                else None
            )
            when = format_dt(post.created_at, "d")
            lines.append(texts.mine_line(number, when, post.group_name, post.reply, post.excerpt, where))
            view.add_item(DeleteOwnButton(post.post_id, label=texts.delete_button(number)))
        if total > len(posts):
            lines.append(texts.mine_more(total - len(posts)))
        await reply(interaction, "\n".join(lines), view=view)

    async def delete_by_button(self, interaction: discord.Interaction, post_id: int) -> None:
        actor = actor_of(interaction)
        removed = await delete_mine(self.bot.db, self.service.keys, actor, post_id)
        await self._remove_message(actor.guild_id, removed.code, removed.channel_id, removed.message_id)
        await reply(interaction, texts.deleted())

    # --- the form was sent --------------------------------------------------------------------------

    async def submit(self, interaction: discord.Interaction, target: Target, text: str, warning: str) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.create(actor, target, text, warning)
        if result.held:
            if result.mod_item_id is not None:
                self.bot.dispatch("hearth_mod_item", result.mod_item_id)
            message = texts.held(result.group_name, target.parent_id is not None)
        else:
            # With care loaded, words of crisis become a care case the author consents to (or duty-of-care
            # mode opens), not a moderation flag: care's card replaces it.
            flag = result.safety_match and self.bot.interfaces.get(CareDesk) is None
            posted = await self.publish(result.publication, flag=flag, discard_on_failure=True)
            message = texts.posted(posted.jump_url, target.parent_id is not None)
        await reply(interaction, message, view=delete_view(result.publication.post_id))
        if not result.safety_match:
            return
        # Only the author sees what follows; a match never blocks the post. Care keeps the post's id on
        # the case, never who wrote it.
        desk = self.bot.interfaces.get(CareDesk)
        if desk is not None:
            await desk.after_writing(
                interaction,
                source="reply" if target.parent_id is not None else "share",
                group_id=result.group_id,
                group_name=result.group_name,
                text=text,
                post_id=result.publication.post_id,
            )
        else:
            await reply(
                interaction,
                f"It sounds like things may be hard right now. You're not alone.\n\n{self.bot.safety.resources}"[:2000],
            )

    async def publish(self, publication: Publication, *, flag: bool, discard_on_failure: bool) -> discord.Message:
        """Send the post (or reply, in the thread under its post) as the bot, with every mention disabled."""
        content = domain.body_of(publication.text, publication.content_warning)
        # The frame speaks the server's language, whoever's click brought it here (the author's form, a
        # moderator's approval); a refusal below still answers that person in their own.
        with i18n.using(server_language(self.bot, publication.guild_id)):
            embed = post_embed(publication)
            view = post_view(publication.post_id)
            thread_name = texts.thread_name(publication.root_code or "")[:100]
        where = publication.channel_id if publication.root_id is None else publication.root_channel_id
        try:
            if publication.root_id is None:
                channel = await self._messageable(publication.channel_id)
                message = await channel.send(content, embed=embed, view=view, allowed_mentions=NO_MENTIONS)
                thread_id = None
            else:
                async with self._thread_locks[publication.root_id]:
                    thread = await self._thread_for(publication, thread_name)
                    message = await thread.send(content, embed=embed, view=view, allowed_mentions=NO_MENTIONS)
                thread_id = message.channel.id
        except discord.Forbidden:
            if discard_on_failure:
                await self.service.discard(publication.post_id)
            raise BotMissingPermissions(
                ["send_messages", "send_messages_in_threads", "create_public_threads", "embed_links"],
                where=f"<#{where}>",
            ) from None
        except discord.NotFound:
            if discard_on_failure:
                await self.service.discard(publication.post_id)
            raise NotFound(texts.channel_gone()) from None
        except (discord.HTTPException, TimeoutError):
            # Discord failed (5xx, rate limit, timeout) after discord.py's own retries: keep nothing that
            # was not posted, so the database and the channel agree and no daily limit is used up.
            if discard_on_failure:
                await self.service.discard(publication.post_id)
                raise Transient(texts.discord_refused()) from None
            raise
        posted = await self.service.attach_message(
            publication.post_id, message.channel.id, message.id, thread_id, flag=flag
        )
        if posted.flag_item_id is not None:
            self.bot.dispatch("hearth_mod_item", posted.flag_item_id)
        log.info("anonymous post %s published", publication.post_id)
        return message

    async def _messageable(self, channel_id: int | None) -> discord.abc.Messageable:
        if channel_id is None:
            raise NotFound(texts.no_channel())
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise NotFound(texts.not_a_text_channel())
        return channel

    async def _thread_for(self, publication: Publication, name: str) -> discord.abc.Messageable:
        """The thread under the post, opened by the first reply (the database decides, not the cache)."""
        assert publication.root_id is not None
        assert publication.root_message_id is not None
        thread_id = await self.service.thread_of(publication.root_id)
        if thread_id is not None:
            return await self._messageable(thread_id)
        channel = await self._messageable(publication.root_channel_id)
        if isinstance(channel, discord.Thread):
            return channel  # a group living in a thread: replies go into that same thread
        if not isinstance(channel, discord.TextChannel):
            raise NotFound(texts.replies_need_text_channel())
        thread = await channel.get_partial_message(publication.root_message_id).create_thread(
            name=name, auto_archive_duration=10080
        )
        await self.service.set_thread(publication.root_id, thread.id)
        return thread

    async def message_of(self, actor: Actor, post_id: int) -> tuple[int, int]:
        """Where an anonymous post lives on Discord (for the Report button)."""
        return await self.service.message_of(actor, post_id)

    # --- moderation said yes ------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_hearth_share_approved(self, post_id: int) -> None:
        publication = await self.service.approved(post_id)
        if publication is None:
            return
        try:
            await self.publish(publication, flag=False, discard_on_failure=False)
        except Exception:
            log.exception("could not publish approved anonymous post %s", post_id)
