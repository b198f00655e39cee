"""Discord glue for /resource and the "Save as resource" message menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import actor_of, reply
from bot.role_commands import FACILITATE
from cogs.groups.api.choices import group_choices
from cogs.resources import domain, texts
from cogs.resources.privacy import ResourcesPrivacy
from cogs.resources.service import ResourceService
from cogs.resources.views import COG_NAME, SaveModal, fit, helpful_view, line, review_view

if TYPE_CHECKING:
    from bot.app import Hearth

# Replies that show links go out with suppress_embeds: no preview is fetched or shown for a member's link.
Title = app_commands.Range[str, 1, domain.TITLE_MAX]
Link = app_commands.Range[str, 0, domain.URL_MAX]
Description = app_commands.Range[str, 0, domain.DESCRIPTION_MAX]
Tags = app_commands.Range[str, 0, domain.TAGS_MAX]
GroupName = app_commands.Range[str, 1, 100]
Ref = app_commands.Range[str, 1, 120]


class ResourcesCog(commands.Cog, name=COG_NAME):
    resource = app_commands.Group(
        name="resource", description="Your group's shared library: tips, links and strategies", guild_only=True
    )
    library = app_commands.Group(
        name="resource", description="How your group's library takes additions", parent=FACILITATE
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = ResourceService(bot.db, bot.clock)
        self.privacy = ResourcesPrivacy()
        self.save_menu = app_commands.ContextMenu(name="Save as resource", callback=self.save_as_resource)
        self.save_menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.save_menu)
        self.bot.privacy.register(self.privacy)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.save_menu.name, type=self.save_menu.type)
        self.bot.privacy.unregister(self.privacy.name)

    # --- add --------------------------------------------------------------------------------------

    @resource.command(name="add", description="Add a tip, link or strategy to your group's library")
    @app_commands.describe(
        title="A few words saying what it is (up to 100 characters)",
        link="A web link (https://...), optional",
        description="What it is and how it helped",
        tags="Words to find it by, separated by commas (e.g. sleep, breathing)",
        group="The group's library (default: this channel's group, or your only group)",
        server_wide="Admins: add to the library every member of the server sees",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        title: Title,
        link: Link | None = None,
        description: Description | None = None,
        tags: Tags | None = None,
        group: GroupName | None = None,
        server_wide: bool = False,
    ) -> None:
        added = await self.service.add(
            actor_of(interaction),
            title=title,
            url=link,
            description=description,
            tags=tags,
            group_name=group,
            channel_id=interaction.channel_id,
            server_wide=server_wide,
        )
        await self._added(interaction, added.resource.title, added.resource.library, added.pending)

    async def _added(self, interaction: discord.Interaction, title: str, library: str, pending: bool) -> None:
        shown = discord.utils.escape_markdown(title)
        text = texts.suggested(shown, library) if pending else texts.added(shown, library)
        await reply(interaction, text)

    # --- Save as resource ---------------------------------------------------------------------------

    async def save_as_resource(self, interaction: discord.Interaction, message: discord.Message) -> None:
        actor_of(interaction)  # refuses direct messages with a clear answer
        await interaction.response.send_modal(SaveModal(self, message, unique=interaction.id))

    async def save_submitted(
        self,
        interaction: discord.Interaction,
        *,
        channel_id: int,
        quoted_user_id: int | None,
        title: str,
        url: str,
        description: str,
        tags: str,
    ) -> None:
        added = await self.service.add(
            actor_of(interaction),
            title=title,
            url=url,
            description=description,
            tags=tags,
            channel_id=channel_id,
            quoted_user_id=quoted_user_id,
        )
        await self._added(interaction, added.resource.title, added.resource.library, added.pending)

    # --- search, list ---------------------------------------------------------------------------------

    @resource.command(name="search", description="Search your groups' libraries")
    @app_commands.describe(query="Words to look for (suggestions come from titles and tags)", group="Only this group")
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, domain.QUERY_MAX],
        group: GroupName | None = None,
    ) -> None:
        found = await self.service.search(
            actor_of(interaction), query, group_name=group, channel_id=interaction.channel_id
        )
        if not found:
            await reply(interaction, texts.nothing_found())
            return
        blocks = [f"{line(r, n)}  _({discord.utils.escape_markdown(r.library)})_" for n, r in enumerate(found, 1)]
        text = fit(texts.found_heading(), blocks, "\n" + texts.found_footer())
        await reply(interaction, text, view=helpful_view(found), suppress_embeds=True)

    @search.autocomplete("query")
    async def _query_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        group = getattr(interaction.namespace, "group", None)
        try:
            found = await self.service.suggestions(
                actor_of(interaction), current, group_name=group, channel_id=interaction.channel_id
            )
        except Exception:
            return []
        return [app_commands.Choice(name=s[:100], value=s[: domain.QUERY_MAX]) for s in found]

    @resource.command(name="list", description="The start-here list and the most helpful resources")
    @app_commands.describe(group="The group's library (default: this channel's group)", server_wide="The server's")
    async def list_(
        self, interaction: discord.Interaction, group: GroupName | None = None, server_wide: bool = False
    ) -> None:
        listing = await self.service.listing(
            actor_of(interaction), group_name=group, channel_id=interaction.channel_id, server_wide=server_wide
        )
        blocks: list[str] = []
        if listing.pinned:
            blocks.append(texts.start_here())
            blocks += [line(r) for r in listing.pinned]
        if listing.others:
            blocks.append(texts.most_helpful() if listing.pinned else texts.resources_heading())
            blocks += [line(r, with_description=False) for r in listing.others]
        if listing.pending:
            blocks.append(texts.waiting_for_review())
            blocks += [line(r, n) for n, r in enumerate(listing.pending[:5], 1)]
        if not blocks:
            await reply(interaction, texts.empty_library(listing.library))
            return
        text = fit(texts.library_heading(discord.utils.escape_markdown(listing.library)), blocks)
        view = review_view(listing.pending) if listing.pending else discord.utils.MISSING
        await reply(interaction, text, view=view, suppress_embeds=True)

    # --- edit, remove, settings -------------------------------------------------------------------

    @resource.command(name="edit", description="Change a resource you added; facilitators also pin")
    @app_commands.describe(
        resource="The resource (start typing its title)",
        title="New title",
        link="New link (a single space removes it)",
        description="New description",
        tags="New tags, separated by commas",
        pinned="Facilitators: show it in the start-here list",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        resource: Ref,
        title: Title | None = None,
        link: Link | None = None,
        description: Description | None = None,
        tags: Tags | None = None,
        pinned: bool | None = None,
    ) -> None:
        if all(v is None for v in (title, link, description, tags, pinned)):
            await reply(interaction, texts.nothing_to_change())
            return
        changed = await self.service.edit(
            actor_of(interaction),
            resource,
            channel_id=interaction.channel_id,
            title=title,
            url=link,
            description=description,
            tags=tags,
            pinned=pinned,
        )
        await reply(interaction, texts.saved(line(changed)), suppress_embeds=True)

    @resource.command(name="remove", description="Remove a resource you added (facilitators: any in their group)")
    @app_commands.describe(resource="The resource (start typing its title)")
    async def remove(self, interaction: discord.Interaction, resource: Ref) -> None:
        removed = await self.service.remove(actor_of(interaction), resource, channel_id=interaction.channel_id)
        title = discord.utils.escape_markdown(removed.title)
        await reply(interaction, texts.removed(title, removed.library))

    @edit.autocomplete("resource")
    @remove.autocomplete("resource")
    async def _resource_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            found = await self.service.my_choices(actor_of(interaction), current, channel_id=interaction.channel_id)
        except Exception:
            return []
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    @library.command(name="settings", description="Facilitators: whether members add directly or suggest")
    @app_commands.describe(group="The group", suggestions="On: members' additions wait for a facilitator's approval")
    async def settings(
        self, interaction: discord.Interaction, suggestions: bool, group: GroupName | None = None
    ) -> None:
        name = await self.service.set_suggest_only(
            actor_of(interaction), suggestions, group_name=group, channel_id=interaction.channel_id
        )
        await reply(interaction, texts.suggestions_on(name) if suggestions else texts.suggestions_off(name))

    @add.autocomplete("group")
    @search.autocomplete("group")
    @list_.autocomplete("group")
    @settings.autocomplete("group")
    async def _group_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await group_choices(interaction, current, "mine", "facilitate")
