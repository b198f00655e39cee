"""Discord glue for moderation: Report message, queue cards and their buttons, /mod, retention job."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import BadInput, BotMissingPermissions, Conflict, NotFound
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.role_commands import MODERATE
from cogs.groups.api import GroupHooks
from cogs.moderation import domain
from cogs.moderation.api import ModerationLink, QueueExtras, WorryDesk
from cogs.moderation.link import Link
from cogs.moderation.privacy import ModerationPrivacy, post_codes
from cogs.moderation.queue_check import others_who_can_read, owner_notice, queue_readers
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
ACTION_CHOICES = [app_commands.Choice(name=name, value=name) for name in domain.ACTIONS]


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

    async def cog_load(self) -> None:
        self.bot.interfaces.offer(ModerationLink, Link(self.readers))
        self.bot.setup_sections.register(ModerationSetup(self.readers))
        # Moderators see private groups' channels too; groups asks through its hooks.
        self.bot.interfaces.require(GroupHooks).viewer_roles.append(moderator_roles)
        self.bot.tree.add_command(self.report_menu)
        self.bot.privacy.register(self.privacy)

    async def cog_unload(self) -> None:
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
            await self._tell_owner_queue_public(after, now)
        for item_id in await self.service.open_cards(after.guild.id):
            await self.publish_card(item_id)

    async def _tell_owner_queue_public(self, channel: discord.TextChannel, readers: list[str]) -> None:
        """Called once per change (private -> readable), not on every channel event."""
        notice = owner_notice(channel, readers, QUEUE_PUBLIC_PURPOSE)
        if notice is not None:
            async with self.bot.db.write() as session:
                self.bot.deliveries.enqueue(session, notice)

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
        await self.service.precheck_report(actor, **{k: v for k, v in target.items() if k != "content"})
        worry = self.bot.interfaces.get(WorryDesk) is not None
        await interaction.response.send_modal(ReportModal(self, worry=worry, **target))

    async def submit_worry(self, interaction: discord.Interaction, **target: Any) -> None:
        """The reporter chose "I'm worried about this person": care opens a case for the moderators."""
        desk = self.bot.interfaces.get(WorryDesk)
        if desk is None:
            raise NotFound("That choice isn't available right now; nothing was sent. Please try again in a moment.")
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
        where = "in their queue" if shown else "in `/mod queue`"
        await reply(
            interaction,
            f"Thank you. Your report reached the moderators; they'll see it {where}. "
            "Nobody, moderators included, can see that it came from you.",
        )

    # --- card buttons --------------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, action: str, item_id: int) -> None:
        actor = actor_of(interaction)
        if action not in (*domain.BUTTON_LABELS, "revealyes"):
            raise BadInput("That button is out of date; open the item again from `/mod queue`.")
        if action == "dismiss":
            item = await self.service.dismiss(actor, item_id)
            await self._done(interaction, item, f"Item #{item_id} dismissed.")
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
            await self._done(interaction, item, f"Noted: someone is with them. Item #{item_id} is closed.")
        elif action == "reject":
            await self.service.check(actor, item_id, "reject")
            await interaction.response.send_modal(TextModal(self, kind="reject", item_id=item_id))
        elif action == "timeout":
            await self.service.check(actor, item_id, "timeout")
            await reply(
                interaction, f"Time out the author of item #{item_id} for how long?", view=timeout_view(item_id)
            )
        elif action == "block":
            item = await self.service.block(actor, item_id)
            await self._done(
                interaction,
                item,
                f"Blocked the author of anonymous post `{item.post_code}` from anonymous sharing on this server. "
                f"Undo with `/mod unblock {item.post_code}`. "
                "You still don't know who it is, and neither does anyone else.",
            )
        elif action == "approve":
            item = await self.service.approve(actor, item_id)
            if item.post_id is not None:
                self.bot.dispatch("hearth_share_approved", item.post_id)
            await self._done(interaction, item, f"Approved: anonymous post `{item.post_code}` is being posted.")
        elif action == "reveal":
            await self.service.check(actor, item_id, "reveal", is_owner=_is_owner(interaction))
            await reply(
                interaction,
                "Revealing who wrote this anonymous post breaks the promise the server made to its members. "
                "The reveal is written to the audit log every moderator sees. Reveal only if someone's safety "
                "depends on it. Continue?",
                view=reveal_view(item_id),
            )
        else:  # revealyes
            author_id = await self.service.reveal(actor, item_id, is_owner=_is_owner(interaction))
            await self.publish_card(item_id)
            if author_id is None:
                await reply(
                    interaction,
                    "No identity was stored for this post (it was written while break-glass was off). "
                    "The attempt is in the audit log.",
                )
            else:
                await reply(
                    interaction,
                    f"This post was written by <@{author_id}> (only you see this). The reveal is in the audit log.",
                )

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
        note = "It was already gone." if already_gone else "The message is deleted."
        await self._done(interaction, done, f"Item #{item_id} closed. {note}")

    async def submit_warning(self, interaction: discord.Interaction, item_id: int, text: str) -> None:
        actor = actor_of(interaction)
        warning = domain.clean_text(text, what="warning", limit=domain.WARNING_LIMIT)
        item = await self.service.check(actor, item_id, "warn")
        guild_name = interaction.guild.name if interaction.guild else "the server"
        await interaction.response.defer(ephemeral=True, thinking=True)
        if item.post_id is not None:
            body = (
                f"A moderator of **{guild_name}** sent you a warning about your anonymous post `{item.post_code}`:\n"
                f">>> {warning}\n\nThe moderators don't know it was you: Hearth delivered this without telling them."
            )
            delivered = await self.service.sharing.dm_author(item.post_id, body)
        else:
            assert item.author_id is not None
            where = (
                domain.message_link(item.guild_id, item.channel_id, item.message_id)
                if item.channel_id and item.message_id
                else "the server"
            )
            body = f"A moderator of **{guild_name}** warned you about your message {where}:\n>>> {warning}"
            delivered = await self._dm(item.author_id, body)
        if not delivered:
            raise Conflict(
                "I couldn't deliver the warning: the author doesn't accept direct messages from Hearth, or has "
                "left. Nothing was recorded; you can still delete the message or block/time out the author."
            )
        done = await self.service.warned(actor, item_id)
        await self._done(interaction, done, "Warning delivered by direct message. It's recorded in the audit log.")

    async def submit_reach_out(self, interaction: discord.Interaction, item_id: int, text: str) -> None:
        """A kind word to the author of a safety flag, through Hearth: care wording, never a warning."""
        actor = actor_of(interaction)
        words = domain.clean_text(text, what="message", limit=domain.REACH_OUT_LIMIT)
        item = await self.service.check(actor, item_id, "reachout")
        guild_name = interaction.guild.name if interaction.guild else "the server"
        await interaction.response.defer(ephemeral=True, thinking=True)
        if item.post_id is not None:
            body = (
                f"A moderator of **{guild_name}** wanted to reach out after your anonymous post:\n>>> {words}\n\n"
                "They don't know it was you: Hearth passed this on without telling them. You don't need to answer."
            )
            delivered = await self.service.sharing.dm_author(item.post_id, body)
        else:
            assert item.author_id is not None
            body = f"A moderator of **{guild_name}** wanted to reach out:\n>>> {words}"
            delivered = await self._dm(item.author_id, body)
        if not delivered:
            raise Conflict(
                "I couldn't pass that on: the author doesn't accept direct messages from Hearth, or has left. "
                "Nothing was sent or recorded. They already have the helplines."
            )
        done = await self.service.reached_out(actor, item_id)
        await self._done(interaction, done, "Sent through Hearth. It's noted on the card and in the audit log.")

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
            delivered = await self.service.sharing.dm_author(
                item.post_id,
                f"Your anonymous post `{item.post_code}` was not approved by the moderators.\n"
                f"Their reason:\n>>> {reason}",
            )
        told = (
            "The author was told why by direct message."
            if delivered
            else ("The author couldn't be told (they don't accept direct messages from Hearth).")
        )
        await self._done(interaction, item, f"Rejected anonymous post `{item.post_code}`. {told}")

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
                raise NotFound("The author is no longer on this server, so they can't be timed out.") from None
        try:
            await member.timeout(self.bot.clock.now() + length, reason=f"Hearth moderation item #{item_id}")
        except discord.Forbidden:
            raise Conflict(
                "Discord refused to time out this member: they may be the owner, an admin, or rank above Hearth's role."
            ) from None
        done = await self.service.timed_out(actor, item_id, minutes)
        await self._done(interaction, done, f"Timed out <@{item.author_id}> for {domain.TIMEOUTS[minutes]}.")

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
            header = (
                f"**Moderation queue** · {current.total} open item{'s' if current.total != 1 else ''}, oldest first"
                f" · page {current.page + 1}/{current.pages}"
            )
            lines = [header]
            if queue_channel is None:
                lines.append(
                    "No mod-queue channel is set, so no cards are posted: a server admin can choose one with "
                    "`/setup`. Meanwhile, open an item below to act on it."
                )
            if not current.items and not more:
                lines.append("Nothing waiting. Thank you for keeping this place safe.")
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
        await reply(
            interaction,
            f"The author of `{post_code}` can share anonymously again. This is recorded in the audit log.",
        )
