"""Buttons, modals and pages for groups.

Persistent buttons (they work after a restart) are ``DynamicItem``s whose custom_id carries only a
record id: the group id and guidelines version for "I accept", the join request id for Approve/Decline.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.buttons import PersistentItem
from bot.interactions import HearthModal, HearthView
from cogs.groups import domain, texts

if TYPE_CHECKING:
    from cogs.groups.cog import GroupsCog


class HasGuidelines(Protocol):
    """A ``Group`` row or a ``GroupInfo``: anything with these fields."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def guidelines(self) -> str: ...
    @property
    def guidelines_version(self) -> int: ...


def guidelines_text(group: HasGuidelines) -> str:
    header = texts.guidelines_header(group.name, group.guidelines_version) + "\n\n"
    footer = "\n\n" + texts.guidelines_accept_footer()
    body = group.guidelines.strip()
    room = 2000 - len(header) - len(footer)
    if len(body) > room:
        body = body[: room - 1] + "…"
    return header + body + footer


class AcceptGuidelines(PersistentItem["GroupsCog"], template=r"groups:gl:(?P<group>\d+):(?P<version>\d+)"):
    """ "I accept" under a group's guidelines; stores the acceptance with the version shown."""

    cog_name = "GroupsCog"

    def __init__(self, group_id: int, version: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.accept_label(),
                style=discord.ButtonStyle.success,
                custom_id=f"groups:gl:{group_id}:{version}",
            )
        )
        self.group_id = group_id
        self.version = version

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AcceptGuidelines:
        return cls(int(match["group"]), int(match["version"]))

    async def pressed(self, interaction: discord.Interaction, cog: GroupsCog) -> None:
        await cog.accept_guidelines(interaction, self.group_id, self.version)


def guidelines_prompt(group: HasGuidelines) -> tuple[str, discord.ui.View]:
    """The guidelines text and a view with the persistent "I accept" button.

    Other features answer ``GuidelinesNotAccepted`` with this, e.g.
    ``text, view = guidelines_prompt(group); await reply(interaction, text, view=view)``.
    """
    view = HearthView(timeout=None)
    view.add_item(AcceptGuidelines(group.id, group.guidelines_version))
    return guidelines_text(group), view


class DecideJoinRequest(
    PersistentItem["GroupsCog"], template=r"groups:jr:(?P<request>\d+):(?P<action>approve|decline)"
):
    """Approve / Decline on a join request, in the group's own channel. Only its facilitators may press."""

    cog_name = "GroupsCog"

    def __init__(self, request_id: int, action: str) -> None:
        approve = action == "approve"
        super().__init__(
            discord.ui.Button(
                label=texts.approve_label() if approve else texts.decline_label(),
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.secondary,
                custom_id=f"groups:jr:{request_id}:{action}",
            )
        )
        self.request_id = request_id
        self.approve = approve

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DecideJoinRequest:
        return cls(int(match["request"]), match["action"])

    async def pressed(self, interaction: discord.Interaction, cog: GroupsCog) -> None:
        await cog.decide_request(interaction, self.request_id, approve=self.approve)


def join_request_view(request_id: int) -> discord.ui.View:
    view = HearthView(timeout=None)
    view.add_item(DecideJoinRequest(request_id, "approve"))
    view.add_item(DecideJoinRequest(request_id, "decline"))
    return view


class GroupListView(HearthView):
    """Previous / Next under `/group list` when the groups fill more than one page."""

    def __init__(self, owner_id: int, lines: list[str], header: str, page: int = 0) -> None:
        super().__init__(timeout=600)
        self.owner_id = owner_id
        self.lines = lines
        self.header = header
        self.page = page
        self.previous.label = texts.previous()
        self.next.label = texts.next_page()
        self._sync()

    def render(self) -> str:
        page = domain.paginate(self.lines, self.page)
        text = self.header + "\n" + "\n".join(page.items)
        if page.count > 1:
            text += "\n\n" + texts.page_of(page.number + 1, page.count)
        return text[:2000]

    def _sync(self) -> None:
        page = domain.paginate(self.lines, self.page)
        self.previous.disabled = not page.has_previous
        self.next.disabled = not page.has_next

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id="groups:list:previous")
    async def previous(self, interaction: discord.Interaction, _button: discord.ui.Button[GroupListView]) -> None:
        self.page -= 1
        self._sync()
        await interaction.response.edit_message(content=self.render(), view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="groups:list:next")
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button[GroupListView]) -> None:
        self.page += 1
        self._sync()
        await interaction.response.edit_message(content=self.render(), view=self)


class EditGroupModal(HearthModal):
    """Name, description and guidelines of a group, prefilled (facilitators)."""

    def __init__(self, cog: GroupsCog, group_id: int, name: str, description: str, guidelines: str) -> None:
        super().__init__(title=texts.edit_title(name)[:45], timeout=900)
        self.cog = cog
        self.group_id = group_id
        self.name: discord.ui.TextInput[EditGroupModal] = discord.ui.TextInput(
            label=texts.edit_name_label(),
            custom_id="groups:edit:name",
            default=name,
            min_length=domain.NAME_MIN,
            max_length=domain.NAME_MAX,
        )
        self.description: discord.ui.TextInput[EditGroupModal] = discord.ui.TextInput(
            label=texts.edit_description_label(),
            custom_id="groups:edit:description",
            style=discord.TextStyle.paragraph,
            default=description,
            required=False,
            max_length=domain.DESCRIPTION_MAX,
        )
        self.guidelines: discord.ui.TextInput[EditGroupModal] = discord.ui.TextInput(
            label=texts.edit_guidelines_label(),
            custom_id="groups:edit:guidelines",
            style=discord.TextStyle.paragraph,
            default=guidelines,
            max_length=domain.GUIDELINES_MAX,
        )
        self.add_item(self.name)
        self.add_item(self.description)
        self.add_item(self.guidelines)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.finish_edit(
            interaction,
            self.group_id,
            name=self.name.value,
            description=self.description.value,
            guidelines=self.guidelines.value,
        )
