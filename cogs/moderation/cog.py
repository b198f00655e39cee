"""Discord glue for moderation: Report message, queue cards and their buttons, /mod, retention job."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.errors import BadInput, BotMissingPermissions, Conflict, NotFound
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.role_commands import MODERATE
from bot.translator import server_language
from cogs.groups.api import GroupHooks
from cogs.moderation import domain, texts
from cogs.moderation.api import ModerationLink, QueueExtras, WorryDesk
from cogs.moderation.link import Link
from cogs.moderation.privacy import ModerationPrivacy, post_codes
from cogs.moderation.queue_check import QueueNotices, others_who_can_read, queue_readers
from cogs.moderation.service import ModerationService, Page
from cogs.moderation.settings import ModerationSetup, moderator_roles
from cogs.moderation.views import (
    OpenItemSelect,
    Pager,
    ReportModal,
    TextModal,
    card_view,
    render_log,
    reveal_view,
    timeout_view,
)
from cogs.sharing.api import AnonymousPosts

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.moderation.domain import ItemSnapshot

log = logging.getLogger("hearth.moderation")

RETENTION_JOB = "moderation:retention"
QUEUE_PUBLIC_PURPOSE = "moderation.queue_public"
# Spelled out so pybabel sees each choice's name (the translator shows it in the reader's language).
ACTION_CHOICES = [
    app_commands.Choice(name="dismissed", value="dismiss"),
    app_commands.Choice(name="deleted the message", value="delete"),
    app_commands.Choice(name="warned the author", value="warn"),
    app_commands.Choice(name="timed out the author", value="timeout"),
    app_commands.Choice(name="blocked from anonymous sharing", value="block"),
    app_commands.Choice(name="unblocked", value="unblock"),
    app_commands.Choice(name="approved", value="approve"),
    app_commands.Choice(name="rejected", value="reject"),
    app_commands.Choice(name="revealed the author", value="reveal"),
    app_commands.Choice(name="reached out kindly", value="reachout"),
    app_commands.Choice(name="noted someone is with them", value="withthem"),
]


def _is_owner(interaction: discord.Interaction) -> bool:
    return interaction.guild is not None and interaction.guild.owner_id == interaction.user.id


class ModerationCog(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = ModerationService(
            bot.db, bot.require_keys, bot.clock, posts=lambda: bot.interfaces.get(AnonymousPosts)
        )
        self.privacy = ModerationPrivacy(post_codes(lambda: bot.interfaces.get(AnonymousPosts)))
        self.report_menu = app_commands.ContextMenu(name="Report message", callback=self.report_message)
        self.report_menu.guild_only = True
        self._card_locks: dict[int, asyncio.Lock] = {}
        self.notices = QueueNotices(bot, bot.deliveries, bot.db, QUEUE_PUBLIC_PURPOSE, self.service.queue_of)

    async def cog_load(self) -> None:
        self.bot.interfaces.offer(ModerationLink, Link(self.readers))
        self.bot.setup_sections.register(ModerationSetup(self.readers))
        # Moderators see private groups' channels too; groups asks through its hooks.
        self.bot.interfaces.require(GroupHooks).viewer_roles.append(moderator_roles)
        self.bot.tree.add_command(self.report_menu)
        self.bot.privacy.register(self.privacy)
        self.notices.attach()

    async def cog_unload(self) -> None:
        self.notices.detach()
        self.bot.interfaces.withdraw(ModerationLink)
        self.bot.setup_sections.unregister("moderation")
        hooks = self.bot.interfaces.get(GroupHooks)
        if hooks is not None and moderator_roles in hooks.viewer_roles:
            hooks.viewer_roles.remove(moderator_roles)
        self.bot.tree.remove_command(self.report_menu.name, type=self.report_menu.type)
        self.bot.privacy.unregister(self.privacy.name)
        self.bot.scheduler.cancel_prefix("moderation:")

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.service.role_deleted(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.service.channel_deleted(channel.guild.id, channel.id)

    def readers(self, guild_id: int, channel_id: int, moderator_role_id: int | None) -> list[str]:
        """Who besides moderators and admins can read this channel (empty: it's private)."""
        return queue_readers(self.bot, guild_id, channel_id, moderator_role_id)

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        """The queue channel became readable by others: say so there once, and take members' words off its cards."""
        i18n.bind(server_language(self.bot, after.guild.id))  # what goes to the channel and to admins
        queue, role = await self.service.queue_of(after.guild.id)
        if queue != after.id or not isinstance(after, discord.TextChannel):
            return
        was, now = others_who_can_read(before, role), others_who_can_read(after, role)
        if bool(was) == bool(now):
            return
        if now:
            try:
                await after.send(domain.queue_warning(now), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not warn about the queue channel guild=%s status=%s", after.guild.id, error.status)
            await self.notices.tell_admins(after, now)  # once per change, not on every channel event
        for item_id in await self.service.open_cards(after.guild.id):
            await self.publish_card(item_id)

    async def hearth_start(self) -> None:
        self.bot.scheduler.daily(RETENTION_JOB, self.run_retention)

    async def run_retention(self) -> None:
        entries, items = await self.service.purge(self.bot.settings.retention.audit_days)
        if entries or items:
            log.info("moderation retention: removed %d audit entries and %d closed items", entries, items)

    # --- cards --------------------------------------------------------------------------------------

    async def publish_card(self, item_id: int) -> bool:
        """Post or update the item's card in the mod-queue channel; True when a card shows it."""
        lock = self._card_locks.setdefault(item_id, asyncio.Lock())
        async with lock:
            target = await self.service.card_target(item_id)
            if target is None:
                return False
            item = target.item
            location = await self.service.card_location(item_id)
            where = location[0] if location is not None else target.queue_channel_id
            private = where is None or not self.readers(item.guild_id, where, target.moderator_role_id)
            # A queue channel others can read gets no member's words or names (PRODUCT.md: Hearth checks it).
            with i18n.using(server_language(self.bot, item.guild_id)):  # whoever's click brought it here
                content = domain.render_card(item) if private else domain.render_redacted(item)
                view = card_view(item)
            if location is not None:
                channel = self.bot.get_channel(location[0])
                if isinstance(channel, discord.abc.Messageable):
                    try:
                        await channel.get_partial_message(location[1]).edit(
                            content=content, view=view, allowed_mentions=NO_MENTIONS
                        )
                        return True
                    except discord.NotFound:
                        pass  # someone deleted the card: post a fresh one below
                    except discord.HTTPException as error:
                        log.warning("could not update card item=%s status=%s", item_id, error.status)
                        return True
            if not item.is_open or target.queue_channel_id is None:
                return False
            channel = self.bot.get_channel(target.queue_channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                log.warning("mod-queue channel of guild %s is missing", item.guild_id)
                return False
            try:
                message = await channel.send(content, view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not post card item=%s guild=%s status=%s", item_id, item.guild_id, error.status)
                return False
            await self.service.set_card(item_id, message.channel.id, message.id)
            return True

    @commands.Cog.listener()
    async def on_hearth_mod_item(self, item_id: int) -> None:
        await self.publish_card(item_id)

    # --- Report message ----------------------------------------------------------------------------

    async def report_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        channel = interaction.channel
        parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
        author = message.author
        await self.start_report(
            interaction,
            channel_id=message.channel.id,
            parent_id=parent_id,
            message_id=message.id,
            author_id=author.id,
            author_is_bot=author.bot or message.webhook_id is not None or message.is_system(),
            content=message.content,
        )

    async def start_report(self, interaction: discord.Interaction, **target: Any) -> None:
        actor = actor_of(interaction)
        where = {k: v for k, v in target.items() if k != "content"}
        desk = self.bot.interfaces.get(WorryDesk)
        if desk is not None and await desk.outside_groups(interaction, **where):
            return  # outside group channels only "I'm worried about this person" applies, and care answered
        await self.service.precheck_report(actor, **where)
        worry = desk is not None
        await interaction.response.send_modal(ReportModal(self, worry=worry, **target))

    async def submit_worry(self, interaction: discord.Interaction, **target: Any) -> None:
        """The reporter chose "I'm worried about this person": care opens a case for the moderators."""
        desk = self.bot.interfaces.get(WorryDesk)
        if desk is None:
            raise NotFound(texts.worry_unavailable())
        await desk.worried(
            interaction,
            channel_id=target["channel_id"],
            message_id=target["message_id"],
            author_id=target["author_id"],
            author_is_bot=target["author_is_bot"],
        )

    async def submit_report(self, interaction: discord.Interaction, reason: str, **target: Any) -> None:
        outcome = await self.service.report(actor_of(interaction), reason=reason, **target)
        shown = await self.publish_card(outcome.item_id)
        await reply(interaction, texts.report_thanks(shown))

    # --- card buttons --------------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, action: str, item_id: int) -> None:
        actor = actor_of(interaction)
        if action not in (*domain.BUTTON_ACTIONS, "revealyes"):
            raise BadInput(texts.stale_button())
        if action == "dismiss":
            item = await self.service.dismiss(actor, item_id)
            await self._done(interaction, item, texts.dismissed(item_id))
        elif action == "delete":
            await self._delete(interaction, item_id)
        elif action == "warn":
            await self.service.check(actor, item_id, "warn")
            await interaction.response.send_modal(TextModal(self, kind="warn", item_id=item_id))
        elif action == "reachout":
            await self.service.check(actor, item_id, "reachout")
            await interaction.response.send_modal(TextModal(self, kind="reachout", item_id=item_id))
        elif action == "withthem":
            item = await self.service.someone_with_them(actor, item_id)
            await self._done(interaction, item, texts.someone_with_them(item_id))
        elif action == "reject":
            await self.service.check(actor, item_id, "reject")
            await interaction.response.send_modal(TextModal(self, kind="reject", item_id=item_id))
        elif action == "timeout":
            await self.service.check(actor, item_id, "timeout")
            await reply(interaction, texts.timeout_question(item_id), view=timeout_view(item_id))
        elif action == "block":
            item = await self.service.block(actor, item_id)
            await self._done(interaction, item, texts.blocked(item.post_code))
        elif action == "approve":
            item = await self.service.approve(actor, item_id)
            if item.post_id is not None:
                self.bot.dispatch("hearth_share_approved", item.post_id)
            await self._done(interaction, item, texts.approved(item.post_code))
        elif action == "reveal":
            await self.service.check(actor, item_id, "reveal", is_owner=_is_owner(interaction))
            await reply(interaction, texts.reveal_warning(), view=reveal_view(item_id))
        else:  # revealyes
            author_id = await self.service.reveal(actor, item_id, is_owner=_is_owner(interaction))
            await self.publish_card(item_id)
            if author_id is None:
                await reply(interaction, texts.nothing_to_reveal())
            else:
                await reply(interaction, texts.revealed(f"<@{author_id}>"))

    async def _done(self, interaction: discord.Interaction, item: ItemSnapshot, message: str) -> None:
        await self.publish_card(item.id)
        if not item.is_open:
            self._card_locks.pop(item.id, None)
        await reply(interaction, message)

    async def _delete(self, interaction: discord.Interaction, item_id: int) -> None:
        actor = actor_of(interaction)
        item = await self.service.check(actor, item_id, "delete")
        assert item.channel_id is not None
        assert item.message_id is not None
        guild = interaction.guild
        assert guild is not None
        channel = guild.get_channel_or_thread(item.channel_id)
        already_gone = channel is None
        if isinstance(channel, discord.abc.Messageable):
            if not item.anonymous and not channel.permissions_for(guild.me).manage_messages:
                raise BotMissingPermissions(["manage_messages"], where=f"<#{channel.id}>")
            await interaction.response.defer(ephemeral=True, thinking=True)
            try:
                await channel.get_partial_message(item.message_id).delete()
            except discord.NotFound:
                already_gone = True
            except discord.Forbidden:
                raise BotMissingPermissions(["manage_messages"], where=f"<#{channel.id}>") from None
        done = await self.service.deleted(actor, item_id, already_gone=already_gone)
        await self._done(interaction, done, texts.deleted(item_id, already_gone))

    async def submit_warning(self, interaction: discord.Interaction, item_id: int, text: str) -> None:
        actor = actor_of(interaction)
        warning = domain.clean_text(text, what="warning", limit=domain.WARNING_LIMIT)
        item = await self.service.check(actor, item_id, "warn")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Discord tells Hearth a member's language only while they use a command: the server's it is.
        with i18n.using(server_language(self.bot, item.guild_id)):
            guild_name = interaction.guild.name if interaction.guild else texts.some_server()
            if item.post_id is not None:
                body = texts.warning_anonymous(guild_name, item.post_code, warning)
            else:
                where = (
                    domain.message_link(item.guild_id, item.channel_id, item.message_id)
                    if item.channel_id and item.message_id
                    else texts.some_server()
                )
                body = texts.warning_message(guild_name, where, warning)
        if item.post_id is not None:
            delivered = await self.service.sharing.dm_author(item.post_id, body)
        else:
            assert item.author_id is not None
            delivered = await self._dm(item.author_id, body)
        if not delivered:
            raise Conflict(texts.warning_undelivered())
        done = await self.service.warned(actor, item_id)
        await self._done(interaction, done, texts.warning_delivered())

    async def submit_reach_out(self, interaction: discord.Interaction, item_id: int, text: str) -> None:
        """A kind word to the author of a safety flag, through Hearth: care wording, never a warning."""
        actor = actor_of(interaction)
        words = domain.clean_text(text, what="message", limit=domain.REACH_OUT_LIMIT)
        item = await self.service.check(actor, item_id, "reachout")
        guild_name = interaction.guild.name if interaction.guild else "the server"
        await interaction.response.defer(ephemeral=True, thinking=True)
        if item.post_id is not None:  # care wording: English on purpose (texts.py)
            delivered = await self.service.sharing.dm_author(item.post_id, texts.reach_out_anonymous(guild_name, words))
        else:
            assert item.author_id is not None
            delivered = await self._dm(item.author_id, texts.reach_out_message(guild_name, words))
        if not delivered:
            raise Conflict(texts.reach_out_undelivered())
        done = await self.service.reached_out(actor, item_id)
        await self._done(interaction, done, texts.reached_out())

    async def _dm(self, user_id: int, text: str) -> bool:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            return False
        return True

    async def submit_rejection(self, interaction: discord.Interaction, item_id: int, text: str) -> None:
        actor = actor_of(interaction)
        item = await self.service.reject(actor, item_id, text)
        reason = domain.clean_reason(text)
        delivered = False
        if item.post_id is not None:
            with i18n.using(server_language(self.bot, item.guild_id)):  # a DM: the server's language
                body = texts.not_approved(item.post_code, reason)
            delivered = await self.service.sharing.dm_author(item.post_id, body)
        await self._done(interaction, item, texts.rejected(item.post_code, delivered))

    async def on_timeout(self, interaction: discord.Interaction, item_id: int, minutes: int) -> None:
        actor = actor_of(interaction)
        length = domain.timeout_minutes(minutes)
        item = await self.service.check(actor, item_id, "timeout")
        guild = interaction.guild
        assert guild is not None
        assert item.author_id is not None
        if not guild.me.guild_permissions.moderate_members:
            raise BotMissingPermissions(["moderate_members"])
        member = guild.get_member(item.author_id)
        if member is None:
            try:
                member = await guild.fetch_member(item.author_id)
            except discord.NotFound:
                raise NotFound(texts.not_on_server()) from None
        try:
            await member.timeout(self.bot.clock.now() + length, reason=f"Hearth moderation item #{item_id}")
        except discord.Forbidden:
            raise Conflict(texts.timeout_refused()) from None
        done = await self.service.timed_out(actor, item_id, minutes)
        await self._done(interaction, done, texts.timed_out(f"<@{item.author_id}>", minutes))

    async def show_item(self, interaction: discord.Interaction, item_id: int) -> None:
        item = await self.service.check_view(actor_of(interaction), item_id)
        view = card_view(item) or discord.utils.MISSING
        await reply(interaction, domain.render_card(item), view=view)

    # --- /mod ----------------------------------------------------------------------------------------

    @MODERATE.command(name="queue", description="Open moderation items, oldest first")
    async def queue(self, interaction: discord.Interaction) -> None:
        actor = actor_of(interaction)
        page, queue_channel = await self.service.queue(actor, 0)
        extras = self.bot.interfaces.get(QueueExtras)
        more = await extras.queue_lines(actor) if extras is not None else []

        def render(current: Page) -> tuple[str, discord.ui.Item[Any] | None]:
            lines = [texts.queue_header(current.total, current.page + 1, current.pages)]
            if queue_channel is None:
                lines.append(texts.no_queue_channel())
            if not current.items and not more:
                lines.append(texts.queue_empty())
            lines.extend(domain.queue_line(item) for item in current.items)
            extra = OpenItemSelect(self, current.items) if current.items else None
            text = "\n".join(lines)
            if more:  # concerns and care requests: another feature's work, kept within one message
                text = text[: 1990 - min(len("\n".join(more)), 900)] + "\n\n" + "\n".join(more)[:900]
            return text[:2000], extra

        async def fetch(number: int) -> Page:
            return (await self.service.queue(actor, number))[0]

        view = Pager(self, interaction.user.id, page, render, fetch)
        content, extra = render(page)
        view._set_extra(extra)
        await reply(interaction, content, view=view)

    @MODERATE.command(name="log", description="The audit log: every moderator action, who, when, on what")
    @app_commands.describe(
        action="Only this kind of action", moderator="Only this moderator's actions", days="Only the last N days"
    )
    @app_commands.choices(action=ACTION_CHOICES)
    async def log_command(
        self,
        interaction: discord.Interaction,
        action: str | None = None,
        moderator: discord.Member | None = None,
        days: app_commands.Range[int, 1, domain.MAX_LOG_DAYS] | None = None,
    ) -> None:
        actor = actor_of(interaction)
        moderator_id = moderator.id if moderator else None

        async def fetch(number: int) -> Page:
            return await self.service.log(actor, action=action, moderator_id=moderator_id, days=days, page=number)

        page = await fetch(0)
        view = Pager(self, interaction.user.id, page, lambda current: (render_log(current), None), fetch)
        await reply(interaction, render_log(page), view=view)

    @MODERATE.command(name="unblock", description="Let the author of an anonymous post share anonymously again")
    @app_commands.describe(code="The code shown on one of their anonymous posts")
    async def unblock(self, interaction: discord.Interaction, code: app_commands.Range[str, 1, 64]) -> None:
        post_code = await self.service.unblock(actor_of(interaction), code)
        await reply(interaction, texts.unblocked(post_code))
