"""The share form and the persistent buttons under every anonymous post (they carry only the post id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.buttons import PersistentButton
from bot.interactions import HearthModal, actor_of, reply
from cogs.moderation.api import ModerationLink
from cogs.sharing import domain

if TYPE_CHECKING:
    from cogs.sharing.cog import SharingCog
    from cogs.sharing.service import Publication, Target

TEXT_ID = "share:text"
HIDDEN_NOTE = "The post is hidden: click the blurred text to read it."
WARNING_ID = "share:warning"


COG_NAME = "Sharing"  # SharingCog's name; views sit below the cog and don't import it


class ShareModal(HearthModal):
    """The same form for a new share and for an anonymous reply."""

    def __init__(self, cog: SharingCog, target: Target, *, max_length: int) -> None:
        reply_to = target.parent_id is not None
        super().__init__(
            title=("Reply anonymously" if reply_to else f"Share anonymously in {target.group_name}")[:45],
            timeout=900,
        )
        self.cog = cog
        self.target = target
        self.text: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label="Your reply" if reply_to else "What you'd like to share",
            style=discord.TextStyle.paragraph,
            custom_id=TEXT_ID,
            max_length=min(max_length, domain.MESSAGE_LIMIT),
            placeholder="Posted as an anonymous member. Nobody, moderators included, sees it was you.",
        )
        self.warning: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label="Content warning (optional)",
            custom_id=WARNING_ID,
            required=False,
            max_length=domain.CONTENT_WARNING_MAX,
            placeholder="e.g. grief, self-harm: your post is then hidden behind a spoiler",
        )
        self.add_item(self.text)
        self.add_item(self.warning)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.submit(interaction, self.target, self.text.value, self.warning.value)


class ReplyButton(PersistentButton["SharingCog"], template=r"share:reply:(?P<post_id>[0-9]{1,18})"):
    cog_name = COG_NAME

    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reply anonymously", style=discord.ButtonStyle.primary, custom_id=f"share:reply:{post_id}"
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


class ReportButton(PersistentButton["SharingCog"], template=r"share:report:(?P<post_id>[0-9]{1,18})"):
    cog_name = COG_NAME

    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Report", style=discord.ButtonStyle.secondary, custom_id=f"share:report:{post_id}")
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
            await reply(interaction, "Reporting isn't available on this server yet. Please tell a moderator.")
            return
        # The same reason form as the "Report message" menu, owned by the moderation feature.
        await moderation.open_report_form(interaction, *where)


def post_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(post_id))
    view.add_item(ReportButton(post_id))
    return view


def post_embed(publication: Publication) -> discord.Embed:
    if publication.label is None:
        title = "Anonymous member"
    elif publication.label == domain.OP_LABEL:
        title = "Anonymous member (OP)"
    else:
        title = publication.label
    embed = discord.Embed(title=title, colour=discord.Colour.light_grey())
    if publication.content_warning:
        embed.description = f"**Content warning:** {publication.content_warning}\n" + HIDDEN_NOTE
    embed.set_footer(text=f"Post {publication.code} · reply anonymously or report with the buttons below")
    return embed


class DeleteOwnButton(PersistentButton["SharingCog"], template=r"share:del:(?P<post_id>[0-9]{1,18})(?P<sure>:y)?"):
    """On the author's private confirmation and in ``/share mine``: Delete, then "Yes, delete it".

    Carries only the post id; the click is checked against the clicker's pseudonym, so a forged id
    deletes nothing that isn't theirs."""

    cog_name = COG_NAME

    def __init__(self, post_id: int, *, sure: bool = False, label: str = "Delete") -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, delete it" if sure else label,
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
            await reply(
                interaction,
                "Delete this anonymous post for good? Its words go from the channel and from Hearth; "
                "replies to it stay in their thread.",
                view=view,
            )
            return
        await cog.delete_by_button(interaction, self.post_id)


def delete_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteOwnButton(post_id))
    return view
