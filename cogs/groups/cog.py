"""Discord glue for /setup and /group: turns Discord objects into ids, calls the service, acts on Discord.

The bot's own permissions are checked before anything is written (a refusal leaves the database as it
was), and when Discord refuses after a write the change is undone.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import defaults
from bot.audience import KEY as AUDIENCE
from bot.audience import Audience, for_audience
from bot.errors import BadInput, BotMissingPermissions, HearthError, NotAllowed, NotFound
from bot.interactions import CONTENT_LIMIT, NO_MENTIONS, actor_of, reply
from bot.setup import SetupContext, Value
from cogs.groups import domain
from cogs.groups.api import GroupHooks
from cogs.groups.api.choices import group_choices, timezone_choices
from cogs.groups.onboarding_cog import checklist
from cogs.groups.privacy import GroupsPrivacy
from cogs.groups.service import (
    ChannelAccess,
    GroupInfo,
    GroupService,
    Request,
    channel_missing_message,
    role_missing_message,
)
from cogs.groups.settings import GroupsSetup
from cogs.groups.views import EditGroupModal, GroupListView, guidelines_prompt, join_request_view
from cogs.groups.welcome import hook_lines, welcome_text

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from bot.actor import Actor
    from bot.app import Hearth

log = logging.getLogger("hearth.groups")

DEFAULT_GUIDELINES_FILE = defaults.path("default_guidelines.md")  # shipped inside the package
FALLBACK_GUIDELINES = "Be kind. What is shared here stays here. Speak from your own experience. No advice unless asked."
ROLE_OVERWRITE = 0
MEMBER_OVERWRITE = 1
SEE = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)
BOT_SEES = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True, embed_links=True, attach_files=True
)
HIDDEN = discord.PermissionOverwrite(view_channel=False)
# /setup's options in the order it shows them; each is stored by the feature that owns it (bot/setup.py).
SETUP_OPTIONS = (
    "facilitator_role",
    "moderator_role",
    "mod_queue",
    "timezone",
    "anonymous_sharing",
    "approval_required",
    "break_glass",
    "duty_of_care",
    "care_urgent_minutes",
    "care_gentle_minutes",
)


class RoleAboveBot(BotMissingPermissions):
    def __init__(self, role_name: str) -> None:
        super().__init__(["manage_roles"])
        self.message = (
            f"I can't give or take the role {role_name!r}: it sits above my own role. A server admin can drag "
            "Hearth's role above it in Server Settings > Roles, then try again."
        )
        self.args = (self.message,)


def load_default_guidelines(path: Traversable = DEFAULT_GUIDELINES_FILE) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        log.warning("default guidelines file %s is missing; using the built-in text", path)
        return FALLBACK_GUIDELINES
    return text[: domain.GUIDELINES_MAX] or FALLBACK_GUIDELINES


def _guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise HearthError("This works inside a server, not in direct messages.")
    return interaction.guild


def _need(guild: discord.Guild, *permissions: str) -> None:
    mine = guild.me.guild_permissions
    missing = [name for name in permissions if not getattr(mine, name)]
    if missing:
        raise BotMissingPermissions(missing)


RoleNaming = Literal["neutral", "group name"]


class GroupsCog(commands.Cog):
    group = app_commands.Group(name="group", description="Peer groups: join, leave, list, guidelines", guild_only=True)
    facilitators = app_commands.Group(
        name="facilitators",
        description="Facilitators: a group's own facilitators",
        parent=group,
        extras={AUDIENCE: Audience.FACILITATORS},
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.hooks = GroupHooks()
        self.service = GroupService(bot.db, bot.clock, bot.settings.groups, load_default_guidelines(), self.hooks)
        self.privacy = GroupsPrivacy()
        bot.privacy.register(self.privacy)

    async def cog_load(self) -> None:
        # Features built on groups (loaded after it) register their callbacks here.
        self.bot.interfaces.offer(GroupHooks, self.hooks)
        self.bot.setup_sections.register(GroupsSetup(self.bot.settings.groups.default_timezone))

    async def cog_unload(self) -> None:
        self.bot.interfaces.withdraw(GroupHooks)
        self.bot.setup_sections.unregister("groups")
        self.bot.privacy.unregister(self.privacy.name)

    # --- Discord helpers -----------------------------------------------------------------------

    async def _role(self, guild: discord.Guild, actor: Actor, group: GroupInfo) -> discord.Role:
        """The group's role, ready to give or take; explains a deleted role or a missing permission."""
        role = guild.get_role(group.role_id) if group.role_id is not None else None
        if role is None:
            if group.role_id is not None:  # deleted while Hearth was away
                await self.service.forget(actor, group.id, role=True)
            raise NotFound(role_missing_message(group))
        _need(guild, "manage_roles")
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

    async def _set_role(self, guild: discord.Guild, user_ids: list[int], role: discord.Role, *, give: bool) -> int:
        """Give or take a role from many members; members who left are skipped. Returns how many changed."""
        changed = 0
        for user_id in user_ids:
            try:
                if give:
                    await self.bot.http.add_role(guild.id, user_id, role.id, reason="Hearth group")
                else:
                    await self.bot.http.remove_role(guild.id, user_id, role.id, reason="Hearth group")
            except discord.NotFound:
                continue
            changed += 1
        return changed

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

    # --- /setup --------------------------------------------------------------------------------

    async def _describe_setup(self, guild: discord.Guild) -> str:
        lines = await self.bot.setup_sections.describe(self.bot.db, guild.id)
        shown = [lines[option] for option in SETUP_OPTIONS if option in lines]
        return f"**Hearth setup for {guild.name}**\n" + "\n".join(f"• {line}" for line in shown)

    @for_audience(Audience.ADMINS)
    @app_commands.command(name="setup", description="Server admins: Hearth's roles, queue channel, timezone, sharing")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        facilitator_role="Members with this role create and run groups",
        moderator_role="Members with this role work the moderator queue",
        mod_queue="Channel where reports and held posts go",
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
        guild = _guild(interaction)
        if not actor.is_admin:  # default_permissions is only a hint: servers can override it
            raise NotAllowed("Only server admins (Manage Server permission) can change Hearth's setup.")
        given: dict[str, Value | None] = {
            "facilitator_role": facilitator_role.id if facilitator_role else None,
            "moderator_role": moderator_role.id if moderator_role else None,
            "mod_queue": mod_queue.id if mod_queue else None,
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
        await reply(interaction, "Saved.\n" + await self._describe_setup(guild) + note)

    async def _refresh_private_channels(self, guild: discord.Guild, old_roles: set[int]) -> str:
        """The facilitator/moderator roles changed: private groups' channels follow."""
        groups = await self.service.private_groups(guild.id)
        if not groups:
            return ""
        if not guild.me.guild_permissions.manage_roles:
            return "\nI couldn't update private groups' channels: I need the Manage Roles permission."
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
                return "\nI couldn't update some private groups' channels: check Hearth's role can manage them."
        return f"\nUpdated who can see {len(groups)} private group channel(s)."

    @setup_command.autocomplete("timezone")
    async def _timezone_choices(
        self, _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    # --- autocomplete of group names -------------------------------------------------------------

    async def _names(
        self, interaction: discord.Interaction, current: str, scope: str
    ) -> list[app_commands.Choice[str]]:
        return await group_choices(interaction, current, scope)

    async def _joinable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, "join")

    async def _mine(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, "mine")

    async def _visible(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, "visible")

    async def _facilitated(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current, "facilitate")

    # --- /group create -------------------------------------------------------------------------

    @for_audience(Audience.FACILITATORS)
    @group.command(name="create", description="Facilitators: create a group with its own role and channel")
    @app_commands.describe(
        name="2-50 characters, unique on this server",
        description="What the group is for (up to 300 characters)",
        private="Private groups are hidden from non-members; joining needs a facilitator's approval",
        channel="Use this existing channel instead of creating one",
        role_name="The role's name: neutral (default, outs no one) or the group's name",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        name: str,
        description: str | None = None,
        private: bool = False,
        channel: discord.TextChannel | None = None,
        role_name: RoleNaming = "neutral",
    ) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        plan = await self.service.create_plan(
            actor,
            name,
            description,
            private=private,
            channel_id=channel.id if channel else None,
            neutral_role=role_name == "neutral",
        )
        _need(guild, "manage_roles", *(() if channel else ("manage_channels",)))
        await interaction.response.defer(ephemeral=True, thinking=True)
        access = ChannelAccess(
            group=None,
            facilitator_role_id=(await self.service.config(guild.id)).facilitator_role_id,
            viewer_role_ids=tuple(await self.service.viewer_roles(guild.id)),
            facilitator_user_ids=[actor.user_id],
        )
        role = await self._new_role(guild, plan.name, plan.neutral_role)
        made: discord.TextChannel | None = None
        try:
            if channel is None:
                made = await self._new_channel(guild, plan.name, plan.description, access if private else None, role)
            elif private:
                await self._put_overwrites(channel, self._overwrites(guild, access, role))
            target = made or channel
            assert target is not None
            group = await self.service.create(
                actor, plan, role_id=role.id, channel_id=target.id, owns_channel=made is not None
            )
        except BaseException:
            with contextlib.suppress(discord.HTTPException):
                await role.delete(reason="Hearth: group creation failed")
                if made is not None:
                    await made.delete(reason="Hearth: group creation failed")
            raise
        kind = "private" if group.private else "public"
        await reply(
            interaction,
            f"Created the {kind} group **{group.name}** in {target.mention} with the role **{role.name}** "
            f"(never hoisted or mentionable). You facilitate it. Members join with `/group join group:{group.name}`"
            + (" and you approve each request in the group's channel." if group.private else "."),
        )

    # --- /group list, info, guidelines -----------------------------------------------------------

    @group.command(name="list", description="Groups you can see and join")
    async def list_groups(self, interaction: discord.Interaction) -> None:
        actor = actor_of(interaction)
        listing = await self.service.listing(actor)
        if not listing:
            await reply(interaction, "There are no groups here yet. Facilitators create them with `/group create`.")
            return
        lines = []
        for item in listing:
            group = item.group
            marks = [
                "private" if group.private else "public",
                f"{item.members} member{'s' if item.members != 1 else ''}",
            ]
            if item.joined:
                marks.append("joined")
            if item.requested:
                marks.append("requested")
            if group.archived:
                marks.append("archived")
            about = f" — {group.description[:80]}" if group.description else ""
            lines.append(f"• **{group.name}** ({', '.join(marks)}){about}")
        view = GroupListView(actor.user_id, lines, "**Groups** — join with `/group join`")
        page = domain.paginate(lines, 0)
        await reply(interaction, view.render(), **({"view": view} if page.count > 1 else {}))

    @group.command(name="info", description="About a group: description, members, facilitators, channel")
    @app_commands.autocomplete(group=_visible)
    @app_commands.describe(group="The group (start typing its name)")
    async def info(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        details = await self.service.details(actor, group)
        g = details.group
        channel = f"<#{g.channel_id}>" if g.channel_id else "missing (a facilitator can `/group edit recreate:True`)"
        lines = [
            f"**{g.name}** — {'private' if g.private else 'public'}{', archived' if g.archived else ''}",
            g.description or "_No description._",
            f"Members: {details.members}",
            f"Channel: {channel}",
            f"Guidelines: version {g.guidelines_version}",
        ]
        if details.is_member:
            accepted = details.accepted_version is not None and details.accepted_version >= g.guidelines_version
            lines.append(
                "You're a member" + ("" if accepted else " — please accept the guidelines: `/group guidelines`")
            )
        elif details.requested:
            lines.append("You asked to join; the facilitators will decide.")
        if details.can_facilitate:
            lines.append(
                "Facilitators: " + (", ".join(f"<@{u}>" for u in details.facilitator_ids) or "server role only")
            )
            if g.role_id is None:
                lines.append(role_missing_message(g))
            else:
                lines.append(f"Role: <@&{g.role_id}> ({'neutral name' if g.neutral_role else 'named after the group'})")
        await reply(interaction, "\n".join(lines))

    @group.command(name="guidelines", description="Read a group's guidelines and accept them")
    @app_commands.autocomplete(group=_visible)
    @app_commands.describe(group="The group (start typing its name)")
    async def guidelines(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        details = await self.service.details(actor, group)
        g = details.group
        if details.is_member and (details.accepted_version or 0) < g.guidelines_version and not g.archived:
            text, view = guidelines_prompt(g)
            await reply(interaction, text, view=view)
            return
        text = f"**Guidelines of {g.name}** (version {g.guidelines_version})\n\n{g.guidelines}"
        if details.is_member:
            when = f" on {discord.utils.format_dt(details.accepted_at, 'D')}" if details.accepted_at else ""
            note = f"\n\nYou accepted these{when}."
        else:
            note = f"\n\nJoin with `/group join group:{g.name}` to take part."
        await reply(interaction, text[: 2000 - len(note)] + note)

    async def accept_guidelines(self, interaction: discord.Interaction, group_id: int, version: int) -> None:
        actor = actor_of(interaction)
        group, new = await self.service.accept_guidelines(actor, group_id, version)
        text = (
            f"Thank you: you accepted **{group.name}**'s guidelines (version {version}). You can take part now."
            if new
            else f"You had already accepted **{group.name}**'s guidelines (version {version})."
        )
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.response.edit_message(content=text, view=None)
        else:
            await reply(interaction, text)

    # --- /group join and leave -----------------------------------------------------------------

    @group.command(name="join", description="Join a group (private groups: ask its facilitators)")
    @app_commands.autocomplete(group=_joinable)
    @app_commands.describe(group="The group (start typing its name)")
    async def join(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        plan = await self.service.join_plan(actor, group)
        if plan.group is None:
            await reply(interaction, domain.private_join_answer(group))
            return
        if plan.needs_approval:
            await self._request_join(interaction, guild, actor, plan.group, typed=group)
            return
        role = await self._role(guild, actor, plan.group)
        joined = await self.service.join(actor, plan.group.id)
        try:
            await self.bot.http.add_role(guild.id, actor.user_id, role.id, reason="Hearth: joined a group")
        except discord.HTTPException:
            await self.service.undo_join(joined.id, actor.user_id)
            raise
        text, view = guidelines_prompt(joined)
        header = f"You joined **{joined.name}**. One step left:"
        if len(header) + 2 + len(text) <= CONTENT_LIMIT:
            await reply(interaction, f"{header}\n\n{text}", view=view)
        else:  # long guidelines: whole, in their own message, never cut before the member accepts them
            await reply(interaction, header)
            await reply(interaction, text, view=view)
        # Then a short private welcome: what the group does, and care's disclosure.
        await reply(interaction, await self._welcome(joined))

    async def _welcome(self, group: GroupInfo) -> str:
        lines = await hook_lines(self.bot.db, self.hooks, group.id, self.bot.clock.now())
        return welcome_text(group.name, self.bot.help_topics.all(), lines)

    async def _request_join(
        self, interaction: discord.Interaction, guild: discord.Guild, actor: Actor, group: GroupInfo, *, typed: str
    ) -> None:
        channel = await self._channel(guild, actor, group)
        await self._role(guild, actor, group)  # approving will need it: say so now, not after the wait
        request = await self.service.request_join(actor, group.id)
        try:
            message = await channel.send(
                f"<@{actor.user_id}> asks to join **{group.name}**. Facilitators: approve or decline.",
                view=join_request_view(request.id),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            await self.service.cancel_request(request.id)
            raise
        await self.service.attach_request_message(request.id, channel.id, message.id)
        # Word for word the answer for a name that exists nowhere: asking reveals nothing.
        await reply(interaction, domain.private_join_answer(typed))

    async def decide_request(self, interaction: discord.Interaction, request_id: int, *, approve: bool) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        pending = await self.service.pending_request(actor, request_id)
        role: discord.Role | None = None
        if approve:
            role = await self._role(guild, actor, pending.group)
        decided = await self.service.decide(actor, request_id, approve=approve)
        if role is not None:
            try:
                await self.bot.http.add_role(guild.id, decided.user_id, role.id, reason="Hearth: join approved")
            except discord.NotFound:
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

    @group.command(name="leave", description="Leave a group (or withdraw your request to join)")
    @app_commands.autocomplete(group=_mine)
    @app_commands.describe(group="The group (start typing its name)")
    async def leave(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        target = await self.service.leave_plan(actor, group)
        role = guild.get_role(target.role_id) if target.role_id is not None else None
        if role is not None and not target.archived:
            role = await self._role(guild, actor, target)
        left = await self.service.leave(actor, target.id)
        if role is not None and not target.archived:
            try:
                await self.bot.http.remove_role(guild.id, actor.user_id, role.id, reason="Hearth: left a group")
            except discord.HTTPException:
                await reply(
                    interaction, f"You left **{target.name}**, but I couldn't remove its role: ask a server admin."
                )
                return
        await reply(
            interaction,
            f"You left **{target.name}**." if left else f"You withdrew your request to join **{target.name}**.",
        )

    # --- /group archive, unarchive ---------------------------------------------------------------

    @for_audience(Audience.FACILITATORS)
    @group.command(name="archive", description="Facilitators: archive a group (keeps history, stops new activity)")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)")
    async def archive(self, interaction: discord.Interaction, group: str) -> None:
        await self._archive(interaction, group, archive=True)

    @for_audience(Audience.FACILITATORS)
    @group.command(name="unarchive", description="Facilitators: bring an archived group back")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)")
    async def unarchive(self, interaction: discord.Interaction, group: str) -> None:
        await self._archive(interaction, group, archive=False)

    async def _archive(self, interaction: discord.Interaction, name: str, *, archive: bool) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        target = await self.service.archive_plan(actor, name, archive=archive)
        role = await self._role(guild, actor, target) if target.role_id is not None else None
        if role is None and not archive:
            raise NotFound(role_missing_message(target))
        await interaction.response.defer(ephemeral=True, thinking=True)
        group, members = await self.service.set_archived(actor, target.id, archive=archive)
        changed = await self._set_role(guild, members, role, give=not archive) if role is not None else 0
        if archive:
            text = (
                f"Archived **{group.name}**: its history is kept, it takes no new activity, and {changed} member(s) "
                f"no longer wear its role. `/group unarchive group:{group.name}` brings it back."
            )
        else:
            text = f"**{group.name}** is active again; {changed} member(s) have its role back."
        await reply(interaction, text)

    # --- /group edit ---------------------------------------------------------------------------

    @for_audience(Audience.FACILITATORS)
    @group.command(name="edit", description="Facilitators: edit a group (no options opens a form)")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(
        group="The group to edit (start typing its name)",
        role_name="Rename the role: neutral (outs no one) or the group's name",
        channel="Use this channel for the group from now on",
        recreate="Recreate the group's role or channel if they were deleted in Discord",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        group: str,
        role_name: RoleNaming | None = None,
        channel: discord.TextChannel | None = None,
        recreate: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        target = await self.service.require_facilitator(actor, group)
        if role_name is None and channel is None and not recreate:
            await interaction.response.send_modal(
                EditGroupModal(self, target.id, target.name, target.description, target.guidelines)
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        notes: list[str] = []
        if recreate:
            notes += await self._recreate(guild, actor, target, make_channel=channel is None)
            target = (await self.service.groups_with_ids(guild.id, [target.id]))[0]
        if channel is not None:
            notes.append(await self._use_channel(guild, actor, target, channel))
        if role_name is not None:
            notes.append(await self._rename_role(guild, actor, target, neutral=role_name == "neutral"))
        await reply(interaction, "\n".join(n for n in notes if n) or "Nothing needed changing.")

    async def _recreate(self, guild: discord.Guild, actor: Actor, group: GroupInfo, *, make_channel: bool) -> list[str]:
        notes = []
        role = guild.get_role(group.role_id) if group.role_id is not None else None
        if role is None:
            _need(guild, "manage_roles")
            role = await self._new_role(guild, group.name, group.neutral_role)
            await self.service.edit_settings(actor, group.id, role_id=role.id)
            if not group.archived:
                members = await self.service.member_ids(actor, group.id)
                await self._set_role(guild, members, role, give=True)
            notes.append(f"Made a new role **{role.name}** and gave it back to the members.")
        channel = guild.get_channel(group.channel_id) if group.channel_id is not None else None
        if channel is None and make_channel:
            _need(guild, "manage_channels", "manage_roles")
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
            _need(guild, "manage_roles")
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

    async def finish_edit(
        self, interaction: discord.Interaction, group_id: int, *, name: str, description: str, guidelines: str
    ) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        edit = await self.service.edit_text(actor, group_id, name=name, description=description, guidelines=guidelines)
        group = edit.group
        notes = [f"Saved **{group.name}**."]
        if edit.guidelines_changed:
            notes.append(
                f"The guidelines are now version {group.guidelines_version}: "
                "members will be asked to accept them again."
            )
        if edit.renamed:
            notes.append(await self._follow_rename(guild, group))
        await reply(interaction, " ".join(n for n in notes if n))

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

    # --- /group facilitators -------------------------------------------------------------------

    @facilitators.command(name="add", description="Make a member one of this group's facilitators")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)", member="The member")
    async def facilitators_add(self, interaction: discord.Interaction, group: str, member: discord.Member) -> None:
        await self._facilitator(interaction, group, member, add=True)

    @facilitators.command(name="remove", description="Remove one of this group's own facilitators")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)", member="The member")
    async def facilitators_remove(self, interaction: discord.Interaction, group: str, member: discord.Member) -> None:
        await self._facilitator(interaction, group, member, add=False)

    async def _facilitator(
        self, interaction: discord.Interaction, name: str, member: discord.Member, *, add: bool
    ) -> None:
        actor = actor_of(interaction)
        guild = _guild(interaction)
        if member.bot:
            raise BadInput("Bots can't facilitate groups.")
        target = await self.service.require_facilitator(actor, name)
        channel = guild.get_channel(target.channel_id) if target.channel_id is not None else None
        if target.private and channel is not None:
            _need(guild, "manage_roles")
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
                if add:
                    await self.service.remove_facilitator(actor, group.id, member.id)
                else:
                    await self.service.add_facilitator(actor, group.id, member.id)
                raise
        verb = "now facilitates" if add else "no longer facilitates"
        await reply(interaction, f"{member.mention} {verb} **{group.name}**.")

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
