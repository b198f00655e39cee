"""Discord glue for /setup and /group: turns Discord objects into ids, calls the service, acts on Discord.

Split by use case: ``/setup`` is ``setup_command.py`` and the Discord steps (roles, channels, overwrites,
listeners) are ``discord_steps.py``, both mixins of ``GroupsCog``; the checklist is ``onboarding_cog.py``.

The bot's own permissions are checked before anything is written (a refusal leaves the database as it
was), and when Discord refuses after a write the change is undone.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot import defaults
from bot.interactions import CONTENT_LIMIT, NO_MENTIONS, actor_of, reply
from bot.role_commands import FACILITATE
from cogs.groups import domain, texts
from cogs.groups.api import GroupHooks
from cogs.groups.api.choices import group_choices
from cogs.groups.discord_steps import guild_of, need_permissions
from cogs.groups.privacy import GroupsPrivacy
from cogs.groups.service import (
    ChannelAccess,
    GroupInfo,
    GroupService,
    role_missing_message,
)
from cogs.groups.settings import GroupsSetup
from cogs.groups.setup_command import SetupCommand
from cogs.groups.views import EditGroupModal, GroupListView, guidelines_prompt, join_request_view

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from bot.actor import Actor
    from bot.app import Hearth

log = logging.getLogger("hearth.groups")

DEFAULT_GUIDELINES_FILE = defaults.path("default_guidelines.md")  # shipped inside the package
# Stored as the group's own text (facilitators edit it), so in the operator's language: not a catalog entry.
FALLBACK_GUIDELINES = "Be kind. What is shared here stays here. Speak from your own experience. No advice unless asked."


def load_default_guidelines(path: Traversable = DEFAULT_GUIDELINES_FILE) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        log.warning("default guidelines file %s is missing; using the built-in text", path)
        return FALLBACK_GUIDELINES
    return text[: domain.GUIDELINES_MAX] or FALLBACK_GUIDELINES


RoleNaming = Literal["neutral", "group name"]


class GroupsCog(SetupCommand):
    group = app_commands.Group(name="group", description="Peer groups: join, leave, list, guidelines", guild_only=True)
    running = app_commands.Group(name="group", description="Create, edit and archive groups", parent=FACILITATE)
    facilitators = app_commands.Group(
        name="facilitators", description="Add or remove a group's own facilitators", parent=FACILITATE
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

    # --- /facilitate group create -------------------------------------------------------------------------

    @running.command(name="create", description="Facilitators: create a group with its own role and channel")
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
        guild = guild_of(interaction)
        plan = await self.service.create_plan(
            actor,
            name,
            description,
            private=private,
            channel_id=channel.id if channel else None,
            neutral_role=role_name == "neutral",
        )
        need_permissions(guild, "manage_roles", *(() if channel else ("manage_channels",)))
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
        await reply(interaction, texts.created(group.name, target.mention, role.name, private=group.private))

    # --- /group list, info, guidelines -----------------------------------------------------------

    @group.command(name="list", description="Groups you can see and join")
    async def list_groups(self, interaction: discord.Interaction) -> None:
        actor = actor_of(interaction)
        listing = await self.service.listing(actor)
        if not listing:
            await reply(interaction, texts.no_groups_yet())
            return
        lines = []
        for item in listing:
            group = item.group
            marks = texts.list_marks(
                private=group.private,
                members=item.members,
                joined=item.joined,
                requested=item.requested,
                archived=group.archived,
            )
            about = f" — {group.description[:80]}" if group.description else ""
            lines.append(f"• **{group.name}** ({marks}){about}")
        view = GroupListView(actor.user_id, lines, texts.list_header())
        page = domain.paginate(lines, 0)
        await reply(interaction, view.render(), **({"view": view} if page.count > 1 else {}))

    @group.command(name="info", description="About a group: description, members, facilitators, channel")
    @app_commands.autocomplete(group=_visible)
    @app_commands.describe(group="The group (start typing its name)")
    async def info(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        details = await self.service.details(actor, group)
        g = details.group
        lines = [
            texts.info_title(g.name, private=g.private, archived=g.archived),
            g.description or texts.no_description(),
            texts.info_members(details.members),
            texts.info_channel(f"<#{g.channel_id}>" if g.channel_id else None),
            texts.info_guidelines(g.guidelines_version),
        ]
        if details.is_member:
            accepted = details.accepted_version is not None and details.accepted_version >= g.guidelines_version
            lines.append(texts.info_you_member(accepted=accepted))
        elif details.requested:
            lines.append(texts.info_you_requested())
        if details.can_facilitate:
            lines.append(texts.info_facilitators(", ".join(f"<@{u}>" for u in details.facilitator_ids)))
            if g.role_id is None:
                lines.append(role_missing_message(g))
            else:
                lines.append(texts.info_role(f"<@&{g.role_id}>", neutral=g.neutral_role))
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
        text = f"{texts.guidelines_header(g.name, g.guidelines_version)}\n\n{g.guidelines}"
        if details.is_member:
            when = discord.utils.format_dt(details.accepted_at, "D") if details.accepted_at else None
            note = "\n\n" + texts.you_accepted(when)
        else:
            note = "\n\n" + texts.join_to_take_part(g.name)
        await reply(interaction, text[: 2000 - len(note)] + note)

    async def accept_guidelines(self, interaction: discord.Interaction, group_id: int, version: int) -> None:
        actor = actor_of(interaction)
        group, new = await self.service.accept_guidelines(actor, group_id, version)
        text = texts.accepted(group.name, version, new=new)
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
        guild = guild_of(interaction)
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
        header = texts.joined(joined.name)
        if len(header) + 2 + len(text) <= CONTENT_LIMIT:
            await reply(interaction, "\n\n".join((header, text)), view=view)
        else:  # long guidelines: whole, in their own message, never cut before the member accepts them
            await reply(interaction, header)
            await reply(interaction, text, view=view)
        # Then a short private welcome: what the group does, and care's disclosure.
        await reply(interaction, await self._welcome(joined))

    async def _request_join(
        self, interaction: discord.Interaction, guild: discord.Guild, actor: Actor, group: GroupInfo, *, typed: str
    ) -> None:
        channel = await self._channel(guild, actor, group)
        await self._role(guild, actor, group)  # approving will need it: say so now, not after the wait
        request = await self.service.request_join(actor, group.id)
        try:
            message = await channel.send(
                texts.request_post(f"<@{actor.user_id}>", group.name),
                view=join_request_view(request.id),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            await self.service.cancel_request(request.id)
            raise
        await self.service.attach_request_message(request.id, channel.id, message.id)
        # Word for word the answer for a name that exists nowhere: asking reveals nothing.
        await reply(interaction, domain.private_join_answer(typed))

    @group.command(name="leave", description="Leave a group (or withdraw your request to join)")
    @app_commands.autocomplete(group=_mine)
    @app_commands.describe(group="The group (start typing its name)")
    async def leave(self, interaction: discord.Interaction, group: str) -> None:
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        target = await self.service.leave_plan(actor, group)
        role = guild.get_role(target.role_id) if target.role_id is not None else None
        if role is not None and not target.archived:
            role = await self._role(guild, actor, target)
        left = await self.service.leave(actor, target.id)
        if role is not None and not target.archived:
            try:
                await self.bot.http.remove_role(guild.id, actor.user_id, role.id, reason="Hearth: left a group")
            except discord.HTTPException:
                await reply(interaction, texts.left_role_kept(target.name))
                return
        await reply(interaction, texts.left(target.name, was_member=left))

    # --- /facilitate group archive, unarchive ---------------------------------------------------------------

    @running.command(name="archive", description="Facilitators: archive a group (keeps history, stops new activity)")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)")
    async def archive(self, interaction: discord.Interaction, group: str) -> None:
        await self._archive(interaction, group, archive=True)

    @running.command(name="unarchive", description="Facilitators: bring an archived group back")
    @app_commands.autocomplete(group=_facilitated)
    @app_commands.describe(group="The group (start typing its name)")
    async def unarchive(self, interaction: discord.Interaction, group: str) -> None:
        await self._archive(interaction, group, archive=False)

    # --- /facilitate group edit ---------------------------------------------------------------------------

    @running.command(name="edit", description="Facilitators: edit a group (no options opens a form)")
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
        guild = guild_of(interaction)
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
        await reply(interaction, "\n".join(n for n in notes if n) or texts.nothing_to_change())

    async def finish_edit(
        self, interaction: discord.Interaction, group_id: int, *, name: str, description: str, guidelines: str
    ) -> None:
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        edit = await self.service.edit_text(actor, group_id, name=name, description=description, guidelines=guidelines)
        group = edit.group
        notes = [texts.saved_group(group.name)]
        if edit.guidelines_changed:
            notes.append(texts.guidelines_new_version(group.guidelines_version))
        if edit.renamed:
            notes.append(await self._follow_rename(guild, group))
        await reply(interaction, " ".join(n for n in notes if n))

    # --- /facilitate facilitators -------------------------------------------------------------------

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
