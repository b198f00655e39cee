"""The Discord steps behind /group: roles, channels, overwrites, and the helpers the commands share.

A mixin of ``GroupsCog`` (``cog.py``): plain methods and listeners, no slash commands, so the cog keeps
one list of commands."""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.errors import BadInput, BotMissingPermissions, HearthError, NotFound
from bot.interactions import CONTENT_LIMIT, NO_MENTIONS, actor_of, reply
from cogs.groups import domain
from cogs.groups.api import GroupHooks
from cogs.groups.service import (
    ChannelAccess,
    GroupInfo,
    GroupService,
    Request,
    channel_missing_message,
    role_missing_message,
)
from cogs.groups.welcome import hook_lines, welcome_text

if TYPE_CHECKING:
    from bot.actor import Actor
    from bot.app import Hearth


log = logging.getLogger("hearth.groups")

ROLE_OVERWRITE = 0
MEMBER_OVERWRITE = 1
SEE = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)
BOT_SEES = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True, embed_links=True, attach_files=True
)
HIDDEN = discord.PermissionOverwrite(view_channel=False)
# Discord's error codes for a member or user that no longer exists (a 404 can also mean the role is gone).
UNKNOWN_MEMBER = (10007, 10013)


class RoleAboveBot(BotMissingPermissions):
    def __init__(self, role_name: str) -> None:
        super().__init__(["manage_roles"])
        self.message = (
            f"I can't give or take the role {role_name!r}: it sits above my own role. A server admin can drag "
            "Hearth's role above it in Server Settings > Roles, then try again."
        )
        self.args = (self.message,)


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise HearthError("This works inside a server, not in direct messages.")
    return interaction.guild


def need_permissions(guild: discord.Guild, *permissions: str) -> None:
    mine = guild.me.guild_permissions
    missing = [name for name in permissions if not getattr(mine, name)]
    if missing:
        raise BotMissingPermissions(missing)


def mentions(user_ids: list[int], shown: int = 20) -> str:
    """Members named in an answer (mentions are disabled on every reply), a long list cut short."""
    named = ", ".join(f"<@{user_id}>" for user_id in user_ids[:shown])
    return named if len(user_ids) <= shown else f"{named} and {len(user_ids) - shown} more"


class DiscordSteps:
    bot: Hearth
    service: GroupService
    hooks: GroupHooks

    # --- Discord helpers -----------------------------------------------------------------------

    async def _role(self, guild: discord.Guild, actor: Actor, group: GroupInfo) -> discord.Role:
        """The group's role, ready to give or take; explains a deleted role or a missing permission."""
        role = guild.get_role(group.role_id) if group.role_id is not None else None
        if role is None:
            if group.role_id is not None:  # deleted while Hearth was away
                await self.service.forget(actor, group.id, role=True)
            raise NotFound(role_missing_message(group))
        need_permissions(guild, "manage_roles")
        if role >= guild.me.top_role:
            raise RoleAboveBot(role.name)
        return role

    async def _channel(self, guild: discord.Guild, actor: Actor, group: GroupInfo) -> discord.TextChannel:
        channel = guild.get_channel(group.channel_id) if group.channel_id is not None else None
        if not isinstance(channel, discord.TextChannel):
            if group.channel_id is not None:
                await self.service.forget(actor, group.id, channel=True)
            raise NotFound(channel_missing_message(group))
        return channel

    def _overwrites(
        self, guild: discord.Guild, access: ChannelAccess, role: discord.Role | None
    ) -> dict[int, tuple[int, discord.PermissionOverwrite]]:
        """Target id -> (type, overwrite) for a private group's channel."""
        # The bot's own overwrite first: hiding the channel from @everyone first would lock Hearth out.
        wanted: dict[int, tuple[int, discord.PermissionOverwrite]] = {
            guild.me.id: (MEMBER_OVERWRITE, BOT_SEES),
            guild.default_role.id: (ROLE_OVERWRITE, HIDDEN),
        }
        if role is not None:
            wanted[role.id] = (ROLE_OVERWRITE, SEE)
        for role_id in (access.facilitator_role_id, *access.viewer_role_ids):
            if role_id is not None and guild.get_role(role_id) is not None:
                wanted[role_id] = (ROLE_OVERWRITE, SEE)
        for user_id in access.facilitator_user_ids:
            wanted.setdefault(user_id, (MEMBER_OVERWRITE, SEE))
        return wanted

    async def _put_overwrites(
        self, channel: discord.abc.GuildChannel, wanted: dict[int, tuple[int, discord.PermissionOverwrite]]
    ) -> None:
        for target, (kind, overwrite) in wanted.items():
            allow, deny = overwrite.pair()
            await self.bot.http.edit_channel_permissions(
                channel.id,
                target,
                str(allow.value),
                str(deny.value),
                kind,  # type: ignore[arg-type]
                reason="Hearth: private group",
            )

    async def _drop_overwrite(self, channel: discord.abc.GuildChannel, target: int) -> None:
        with contextlib.suppress(discord.NotFound):
            await self.bot.http.delete_channel_permissions(channel.id, target, reason="Hearth: private group")

    async def _set_role(
        self, guild: discord.Guild, user_ids: list[int], role: discord.Role, *, give: bool
    ) -> tuple[int, list[int]]:
        """Give or take a role from many members; members who left are skipped. Returns how many changed
        and whom Discord refused (one refusal doesn't stop the rest), so the answer can name them."""
        changed, refused = 0, []
        for user_id in user_ids:
            try:
                if give:
                    await self.bot.http.add_role(guild.id, user_id, role.id, reason="Hearth group")
                else:
                    await self.bot.http.remove_role(guild.id, user_id, role.id, reason="Hearth group")
            except discord.NotFound:
                continue
            except discord.HTTPException as error:
                log.warning("could not change a group role guild=%s status=%s", guild.id, error.status)
                refused.append(user_id)
                continue
            changed += 1
        return changed, refused

    async def _new_role(self, guild: discord.Guild, name: str, neutral: bool) -> discord.Role:
        token = secrets.token_hex(2)
        return await guild.create_role(
            name=domain.role_name(name, neutral, token),
            hoist=False,
            mentionable=False,
            permissions=discord.Permissions.none(),
            reason="Hearth: a group's role",
        )

    async def _new_channel(
        self, guild: discord.Guild, group_name: str, description: str, access: ChannelAccess | None, role: discord.Role
    ) -> discord.TextChannel:
        overwrites: dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite] = {}
        if access is not None:
            for target, (kind, overwrite) in self._overwrites(guild, access, role).items():
                resolved = guild.get_role(target) if kind == ROLE_OVERWRITE else None
                overwrites[resolved or discord.Object(id=target)] = overwrite
        return await guild.create_text_channel(
            domain.channel_name(group_name),
            topic=description,
            overwrites=overwrites,
            reason="Hearth: a group's channel",
        )

    async def _welcome(self, group: GroupInfo) -> str:
        lines = await hook_lines(self.bot.db, self.hooks, group.id, self.bot.clock.now())
        return welcome_text(group.name, self.bot.help_topics.all(), lines)

    async def decide_request(self, interaction: discord.Interaction, request_id: int, *, approve: bool) -> None:
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        pending = await self.service.pending_request(actor, request_id)
        role: discord.Role | None = None
        if approve:
            role = await self._role(guild, actor, pending.group)
        decided = await self.service.decide(actor, request_id, approve=approve)
        if role is not None:
            try:
                await self.bot.http.add_role(guild.id, decided.user_id, role.id, reason="Hearth: join approved")
            except discord.NotFound as gone:
                if gone.code not in UNKNOWN_MEMBER:  # the role is gone, not the member: keep the request
                    await self.service.undo_approval(decided)
                    raise
                await self.service.undo_join(decided.group.id, decided.user_id)
                await interaction.response.edit_message(
                    content=f"<@{decided.user_id}> is no longer on this server, so the request was dropped.", view=None
                )
                return
            except discord.HTTPException:
                await self.service.undo_approval(decided)
                raise
        verdict = "approved" if approve else "declined"
        await interaction.response.edit_message(
            content=f"<@{decided.user_id}>'s request to join **{decided.group.name}** was {verdict} "
            f"by <@{actor.user_id}>.",
            view=None,
            allowed_mentions=NO_MENTIONS,
        )
        await self._tell_requester(decided, approve)

    async def _tell_requester(self, request: Request, approve: bool) -> None:
        group = request.group
        if approve:
            welcome = await self._welcome(group)
            text = (
                f"Your request to join **{group.name}** was approved. One step left: read and accept its "
                f"guidelines with `/group guidelines group:{group.name}` before taking part."
            )
            text = f"{text}\n\n{welcome}" if len(text) + 2 + len(welcome) <= CONTENT_LIMIT else text
        else:
            text = f"Your request to join **{group.name}** was declined. You can ask its facilitators why."
        try:
            user = self.bot.get_user(request.user_id) or await self.bot.fetch_user(request.user_id)
            await user.send(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.info("could not send a join decision by DM (request %s)", request.id)

    async def _archive(self, interaction: discord.Interaction, name: str, *, archive: bool) -> None:
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        target = await self.service.archive_plan(actor, name, archive=archive)
        role = await self._role(guild, actor, target) if target.role_id is not None else None
        if role is None and not archive:
            raise NotFound(role_missing_message(target))
        await interaction.response.defer(ephemeral=True, thinking=True)
        group, members = await self.service.set_archived(actor, target.id, archive=archive)
        changed, refused = await self._set_role(guild, members, role, give=not archive) if role is not None else (0, [])
        if archive:
            text = (
                f"Archived **{group.name}**: its history is kept, it takes no new activity, and {changed} member(s) "
                f"no longer wear its role. `/facilitate group unarchive group:{group.name}` brings it back."
            )
            if refused:
                text += (
                    f"\nDiscord refused to take the role from {len(refused)} member(s), who still have it: "
                    f"{mentions(refused)}. A server admin can remove it by hand in Server Settings > Members."
                )
        else:
            text = f"**{group.name}** is active again; {changed} member(s) have its role back."
            if refused:
                text += (
                    f"\nDiscord refused to give the role back to {len(refused)} member(s), who don't have it yet: "
                    f"{mentions(refused)}. A server admin can add it by hand in Server Settings > Members."
                )
        await reply(interaction, text)

    async def _recreate(self, guild: discord.Guild, actor: Actor, group: GroupInfo, *, make_channel: bool) -> list[str]:
        notes = []
        role = guild.get_role(group.role_id) if group.role_id is not None else None
        if role is None:
            need_permissions(guild, "manage_roles")
            role = await self._new_role(guild, group.name, group.neutral_role)
            await self.service.edit_settings(actor, group.id, role_id=role.id)
            refused: list[int] = []
            if not group.archived:
                members = await self.service.member_ids(actor, group.id)
                _, refused = await self._set_role(guild, members, role, give=True)
            notes.append(f"Made a new role **{role.name}** and gave it back to the members.")
            if refused:
                notes.append(f"Discord refused to give it to {len(refused)} member(s): {mentions(refused)}.")
        channel = guild.get_channel(group.channel_id) if group.channel_id is not None else None
        if channel is None and make_channel:
            need_permissions(guild, "manage_channels", "manage_roles")
            access = await self.service.channel_access(actor, group.id)
            made = await self._new_channel(
                guild, group.name, group.description, access if group.private else None, role
            )
            await self.service.edit_settings(actor, group.id, channel_id=made.id, owns_channel=True)
            notes.append(f"Made a new channel {made.mention}.")
        elif group.private and channel is not None and group.role_id != role.id:
            access = await self.service.channel_access(actor, group.id)
            await self._put_overwrites(channel, self._overwrites(guild, access, role))
        return notes or ["The role and channel are both in place; nothing to recreate."]

    async def _use_channel(
        self, guild: discord.Guild, actor: Actor, group: GroupInfo, channel: discord.TextChannel
    ) -> str:
        if group.private:
            need_permissions(guild, "manage_roles")
        await self.service.edit_settings(actor, group.id, channel_id=channel.id, owns_channel=False)
        if group.private:
            access = await self.service.channel_access(actor, group.id)
            role = guild.get_role(group.role_id) if group.role_id is not None else None
            await self._put_overwrites(channel, self._overwrites(guild, access, role))
        return f"**{group.name}** now uses {channel.mention}."

    async def _rename_role(self, guild: discord.Guild, actor: Actor, group: GroupInfo, *, neutral: bool) -> str:
        role = await self._role(guild, actor, group)
        token = domain.role_token(role.name) or secrets.token_hex(2)
        await role.edit(name=domain.role_name(group.name, neutral, token), reason="Hearth: group role naming")
        await self.service.edit_settings(actor, group.id, neutral_role=neutral)
        return f"The role is now called **{role.name}**."

    async def _follow_rename(self, guild: discord.Guild, group: GroupInfo) -> str:
        """A renamed group: its role (when named after it) and its own channel follow, if Discord lets us."""
        try:
            role = guild.get_role(group.role_id) if group.role_id is not None else None
            if role is not None and not group.neutral_role:
                await role.edit(name=group.name, reason="Hearth: group renamed")
            channel = guild.get_channel(group.channel_id) if group.channel_id is not None else None
            if isinstance(channel, discord.TextChannel) and group.owns_channel:
                await channel.edit(name=domain.channel_name(group.name), reason="Hearth: group renamed")
        except discord.HTTPException:
            return "I couldn't rename its role or channel in Discord (missing permission); rename them by hand."
        return ""

    async def _facilitator(
        self, interaction: discord.Interaction, name: str, member: discord.Member, *, add: bool
    ) -> None:
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        if member.bot:
            raise BadInput("Bots can't facilitate groups.")
        target = await self.service.require_facilitator(actor, name)
        channel = guild.get_channel(target.channel_id) if target.channel_id is not None else None
        if target.private and channel is not None:
            need_permissions(guild, "manage_roles")
        if add:
            group = await self.service.add_facilitator(actor, target.id, member.id)
        else:
            group = await self.service.remove_facilitator(actor, target.id, member.id)
        if group.private and channel is not None:
            try:
                if add:
                    await self._put_overwrites(channel, {member.id: (MEMBER_OVERWRITE, SEE)})
                else:
                    await self._drop_overwrite(channel, member.id)
            except discord.HTTPException:
                await self.service.undo_facilitator(group.id, member.id, added=add)
                raise
        verb = "now facilitates" if add else "no longer facilitates"
        # Their commands are under /facilitate, which Discord may hide from them (bot/role_commands.py).
        hint = (
            " If Discord doesn't offer them `/facilitate`, a server admin can let them see it: "
            "Server Settings → Integrations → Hearth → `/facilitate`."
        )
        await reply(interaction, f"{member.mention} {verb} **{group.name}**." + (hint if add else ""))

    # --- Discord changed under Hearth ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        ids = await self.service.role_deleted(role.guild.id, role.id)
        if ids:
            log.warning("a group role was deleted in Discord guild=%s groups=%s", role.guild.id, ids)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        ids = await self.service.channel_deleted(channel.guild.id, channel.id)
        if ids:
            log.warning("a group channel was deleted in Discord guild=%s groups=%s", channel.guild.id, ids)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        removed = await self.service.member_left(payload.guild_id, payload.user.id)
        if removed:
            log.info("member left guild=%s: removed %d group record(s)", payload.guild_id, removed)
