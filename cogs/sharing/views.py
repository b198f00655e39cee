"""The share form and the persistent buttons under every anonymous post (they carry only the post id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.buttons import PersistentItem
from bot.interactions import HearthModal, actor_of, reply
from cogs.moderation.api import ModerationLink
from cogs.sharing import domain, texts

if TYPE_CHECKING:
    from cogs.sharing.cog import SharingCog
    from cogs.sharing.service import Publication, Target

TEXT_ID = "share:text"
WARNING_ID = "share:warning"


COG_NAME = "Sharing"  # SharingCog's name; views sit below the cog and don't import it


class ShareModal(HearthModal):
    """The same form for a new share and for an anonymous reply."""

    def __init__(self, cog: SharingCog, target: Target, *, max_length: int) -> None:
        reply_to = target.parent_id is not None
        super().__init__(
            title=texts.form_title(target.group_name, reply_to)[:45],
            timeout=900,
        )
        self.cog = cog
        self.target = target
        self.text: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label=texts.form_label(reply_to)[:45],
            style=discord.TextStyle.paragraph,
            custom_id=TEXT_ID,
            max_length=min(max_length, domain.MESSAGE_LIMIT),
            placeholder=texts.form_placeholder()[:100],
        )
        self.warning: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label=texts.warning_label()[:45],
            custom_id=WARNING_ID,
            required=False,
            max_length=domain.CONTENT_WARNING_MAX,
            placeholder=texts.warning_placeholder()[:100],
        )
        self.add_item(self.text)
        self.add_item(self.warning)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.submit(interaction, self.target, self.text.value, self.warning.value)


class ReplyButton(PersistentItem["SharingCog"], template=r"share:reply:(?P<post_id>[0-9]{1,18})"):
    cog_name = COG_NAME

    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.reply_button(), style=discord.ButtonStyle.primary, custom_id=f"share:reply:{post_id}"
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReplyButton:
        return cls(int(match["post_id"]))

    async def pressed(self, interaction: discord.Interaction, cog: SharingCog) -> None:
        target = await cog.service.target_for_reply(actor_of(interaction), self.post_id)
        await interaction.response.send_modal(ShareModal(cog, target, max_length=cog.service.settings.max_length))


class ReportButton(PersistentItem["SharingCog"], template=r"share:report:(?P<post_id>[0-9]{1,18})"):
    cog_name = COG_NAME

    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.report_button(), style=discord.ButtonStyle.secondary, custom_id=f"share:report:{post_id}"
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReportButton:
        return cls(int(match["post_id"]))

    async def pressed(self, interaction: discord.Interaction, cog: SharingCog) -> None:
        where = await cog.message_of(actor_of(interaction), self.post_id)
        moderation = cog.bot.interfaces.get(ModerationLink)
        if moderation is None:
            await reply(interaction, texts.no_reporting())
            return
        # The same reason form as the "Report message" menu, owned by the moderation feature.
        await moderation.open_report_form(interaction, *where)


def post_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(post_id))
    view.add_item(ReportButton(post_id))
    return view


def post_embed(publication: Publication) -> discord.Embed:
    """The frame around the member's words, in the language of the channel it goes to (the caller binds it)."""
    title = texts.author_label(publication.label, domain.OP_LABEL)
    embed = discord.Embed(title=title, colour=discord.Colour.light_grey())
    if publication.content_warning:
        embed.description = texts.content_warning(publication.content_warning)
    embed.set_footer(text=texts.post_footer(publication.code))
    return embed


class DeleteOwnButton(PersistentItem["SharingCog"], template=r"share:del:(?P<post_id>[0-9]{1,18})(?P<sure>:y)?"):
    """On the author's private confirmation and in ``/share mine``: Delete, then "Yes, delete it".

    Carries only the post id; the click is checked against the clicker's pseudonym, so a forged id
    deletes nothing that isn't theirs."""

    cog_name = COG_NAME

    def __init__(self, post_id: int, *, sure: bool = False, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.delete_sure_button() if sure else label or texts.delete_button(),
                style=discord.ButtonStyle.danger,
                custom_id=f"share:del:{post_id}{':y' if sure else ''}",
            )
        )
        self.post_id = post_id
        self.sure = sure

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DeleteOwnButton:
        return cls(int(match["post_id"]), sure=bool(match["sure"]))

    async def pressed(self, interaction: discord.Interaction, cog: SharingCog) -> None:
        if not self.sure:
            view = discord.ui.View(timeout=None)
            view.add_item(DeleteOwnButton(self.post_id, sure=True))
            await reply(interaction, texts.delete_sure(), view=view)
            return
        await cog.delete_by_button(interaction, self.post_id)


def delete_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteOwnButton(post_id))
    return view
