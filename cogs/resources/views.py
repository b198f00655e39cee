"""How resources look in Discord, the "Save as resource" form, and buttons that carry only a record id."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.buttons import PersistentItem
from bot.interactions import HearthModal, actor_of, reply
from cogs.resources import domain, texts

if TYPE_CHECKING:
    from cogs.resources.cog import ResourcesCog
    from cogs.resources.service import ResourceView

COG_NAME = "Resources"  # ResourcesCog's name; views sit below the cog and don't import it
MESSAGE_LIMIT = 2000
LONG_LINK = 300  # longer links are shown by their domain only, so a list still fits one message

TITLE_ID = "resource:title"
LINK_ID = "resource:link"
DESCRIPTION_ID = "resource:description"
TAGS_ID = "resource:tags"


def _esc(text: str) -> str:
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def line(resource: ResourceView, number: int | None = None, *, with_description: bool = True) -> str:
    """One resource as text. Links are wrapped in <> and the message is sent with embeds suppressed,
    so Discord fetches no preview; the domain is shown as plain text so nobody is misled by a title."""
    head = f"{number}. " if number is not None else ""
    parts = [f"{head}**{_esc(resource.title)}**"]
    if resource.url and resource.domain:
        if len(resource.url) <= LONG_LINK:
            parts.append(f"{resource.domain}: <{resource.url}>")
        else:
            parts.append(texts.link_too_long_to_list(resource.domain))
    if resource.tags:
        parts.append(" ".join(f"`{t}`" for t in resource.tags))
    if resource.helpful:
        parts.append(texts.found_helpful(resource.helpful))
    text = " · ".join(parts)
    if with_description and resource.description:
        about = resource.description if len(resource.description) <= 200 else resource.description[:199] + "…"
        text += "\n> " + _esc(about).replace("\n", "\n> ")
    return text


def fit(header: str, blocks: Sequence[str], footer: str = "") -> str:
    """As many whole blocks as fit in one message, saying how many were left out."""
    text = header
    for shown, block in enumerate(blocks):
        more = "\n" + texts.and_more(len(blocks) - shown) if shown < len(blocks) else ""
        if len(text) + 1 + len(block) + len(footer) + len(more) + 40 > MESSAGE_LIMIT:
            return (text + "\n" + texts.and_more_narrow(len(blocks) - shown) + footer)[:MESSAGE_LIMIT]
        text += "\n" + block
    return (text + footer)[:MESSAGE_LIMIT]


class HelpfulButton(PersistentItem["ResourcesCog"], template=r"resource:helpful:(?P<resource_id>[0-9]{1,18})"):
    cog_name = COG_NAME

    def __init__(self, resource_id: int, number: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.helped_button(number),
                emoji="👍",
                style=discord.ButtonStyle.secondary,
                custom_id=f"resource:helpful:{resource_id}",
            )
        )
        self.resource_id = resource_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HelpfulButton:
        return cls(int(match["resource_id"]))

    async def pressed(self, interaction: discord.Interaction, cog: ResourcesCog) -> None:
        vote = await cog.service.vote(actor_of(interaction), self.resource_id)
        if vote.counted:
            await reply(interaction, texts.vote_counted(vote.helpful))
        else:
            await reply(interaction, texts.vote_taken_back(vote.helpful))


class _ReviewButton(PersistentItem["ResourcesCog"], template=r"resource:review:(?P<resource_id>[0-9]{1,18})"):
    """Approve or decline a suggestion; only the two subclasses below are registered."""

    cog_name = COG_NAME
    approve = True

    def __init__(self, resource_id: int, number: int = 0) -> None:
        kind = "approve" if self.approve else "reject"
        label = texts.approve_button(number) if self.approve else texts.decline_button(number)
        style = discord.ButtonStyle.success if self.approve else discord.ButtonStyle.danger
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"resource:{kind}:{resource_id}"))
        self.resource_id = resource_id

    async def pressed(self, interaction: discord.Interaction, cog: ResourcesCog) -> None:
        done = await cog.service.review(actor_of(interaction), self.resource_id, approve=self.approve)
        said = texts.approved if self.approve else texts.declined
        await reply(interaction, said(_esc(done.library), _esc(done.title)))


class ApproveButton(_ReviewButton, template=r"resource:approve:(?P<resource_id>[0-9]{1,18})"):
    approve = True

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ApproveButton:
        return cls(int(match["resource_id"]))


class RejectButton(_ReviewButton, template=r"resource:reject:(?P<resource_id>[0-9]{1,18})"):
    approve = False

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RejectButton:
        return cls(int(match["resource_id"]))


def helpful_view(resources: Sequence[ResourceView]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for number, resource in enumerate(resources[:5], start=1):
        view.add_item(HelpfulButton(resource.id, number))
    return view


def review_view(pending: Sequence[ResourceView]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for number, resource in enumerate(pending[:5], start=1):
        view.add_item(ApproveButton(resource.id, number))
        view.add_item(RejectButton(resource.id, number))
    return view


class SaveModal(HearthModal):
    """ "Save as resource" on a message: its text becomes the description, the member adds a title."""

    def __init__(self, cog: ResourcesCog, message: discord.Message, *, unique: int) -> None:
        # A per-interaction custom_id: two members' open forms must not collide.
        super().__init__(title=texts.save_title(), timeout=900, custom_id=f"resource:save:{unique}")
        self.cog = cog
        self.channel_id = message.channel.id
        self.quoted_user_id = None if message.author.bot else message.author.id
        found = re.search(r"https?://\S+", message.content or "")
        self.title_input: discord.ui.TextInput[SaveModal] = discord.ui.TextInput(
            label=texts.field_title(),
            custom_id=TITLE_ID,
            max_length=domain.TITLE_MAX,
            placeholder=texts.field_title_hint(),
        )
        self.link: discord.ui.TextInput[SaveModal] = discord.ui.TextInput(
            label=texts.field_link(),
            custom_id=LINK_ID,
            required=False,
            max_length=domain.URL_MAX,
            default=found.group(0)[: domain.URL_MAX] if found else None,
        )
        self.description: discord.ui.TextInput[SaveModal] = discord.ui.TextInput(
            label=texts.field_description(),
            custom_id=DESCRIPTION_ID,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=domain.DESCRIPTION_MAX,
            default=(message.content or "")[: domain.DESCRIPTION_MAX] or None,
        )
        self.tags: discord.ui.TextInput[SaveModal] = discord.ui.TextInput(
            label=texts.field_tags(),
            custom_id=TAGS_ID,
            required=False,
            max_length=domain.TAGS_MAX,
            placeholder=texts.field_tags_hint(),
        )
        for item in (self.title_input, self.link, self.description, self.tags):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.save_submitted(
            interaction,
            channel_id=self.channel_id,
            quoted_user_id=self.quoted_user_id,
            title=self.title_input.value,
            url=self.link.value,
            description=self.description.value,
            tags=self.tags.value,
        )
