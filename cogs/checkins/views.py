"""The check-in form, the card in the group's channel, and the persistent buttons."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot import i18n
from bot.buttons import PersistentItem
from bot.interactions import HearthModal, HearthView, actor_of
from cogs.checkins import texts
from cogs.checkins.domain import MOODS, Visibility

if TYPE_CHECKING:
    from cogs.checkins.cog import CheckinCog
    from cogs.checkins.records import CheckinInfo

MOOD_ID = "checkin:mood"
NOTE_ID = "checkin:note"
VISIBILITY_ID = "checkin:visibility"
DISCORD_TEXT_MAX = 4000


def card_content(checkin: CheckinInfo) -> str:
    """The compact card posted for a group-visible check-in (sent with mentions off; the caller binds the
    server's language)."""
    lines = [texts.card_title(f"<@{checkin.user_id}>", checkin.mood)]
    if checkin.note:
        lines.extend(f"> {line}" if line.strip() else ">" for line in checkin.note.splitlines())
    if checkin.support_count:
        lines.append(texts.card_support(checkin.support_count))
    return "\n".join(lines)[:2000]


class CheckinForm(HearthModal):
    """Mood (labelled), an optional note and who may see it. Used for new check-ins and edits."""

    def __init__(
        self,
        cog: CheckinCog,
        *,
        group_id: int,
        group_name: str,
        editing: int | None = None,
        mood: int | None = None,
        note: str | None = None,
        visibility: Visibility | None = None,
    ) -> None:
        title = texts.form_title(editing is not None, group_name)
        # No fixed custom_id: discord.py keys open modals by custom_id alone, so a shared id would hand
        # one member's submit to another member's form (and group) and drop the other's. The default
        # is random per form.
        super().__init__(title=title[:45], timeout=900)
        self.cog = cog
        self.group_id = group_id
        self.group_name = group_name
        self.editing = editing
        self.mood: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=MOOD_ID,
            placeholder=texts.form_mood_placeholder(),
            options=[
                discord.SelectOption(label=f"{n} · {texts.mood_words(n)}", value=str(n), emoji=emoji, default=mood == n)
                for n, emoji in MOODS.items()
            ],
        )
        limit = cog.settings.note_max_length
        self.note: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=NOTE_ID,
            style=discord.TextStyle.paragraph,
            required=False,
            # Discord's own cap; Hearth's configured limit is checked on submit with a clear message.
            max_length=DISCORD_TEXT_MAX,
            default=note,
            placeholder=texts.form_note_placeholder(),
        )
        self.visibility: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=VISIBILITY_ID,
            options=[
                discord.SelectOption(
                    label=texts.visibility_label(v.value), value=v.value, default=(visibility or Visibility.ME) is v
                )
                for v in Visibility
            ],
        )
        self.add_item(discord.ui.Label(text=texts.form_mood_label(), component=self.mood))
        self.add_item(
            discord.ui.Label(
                text=texts.form_note_label(), description=texts.form_note_description(limit), component=self.note
            )
        )
        self.add_item(discord.ui.Label(text=texts.form_visibility_label(), component=self.visibility))

    def values(self) -> tuple[str, str, str]:
        mood = self.mood.values[0] if self.mood.values else ""
        visibility = self.visibility.values[0] if self.visibility.values else Visibility.ME.value
        return mood, self.note.value or "", visibility

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mood, note, visibility = self.values()
        await self.cog.form_submitted(interaction, self, mood, note, visibility)


class RetryView(HearthView):
    """Offered when a form could not be saved: reopens it with everything the member typed."""

    def __init__(self, cog: CheckinCog, form_kwargs: dict[str, Any], user_id: int) -> None:
        super().__init__(timeout=900)
        self.cog = cog
        self.form_kwargs = form_kwargs
        self.user_id = user_id
        for item in self.children:  # the decorator's label is fixed at import; this one speaks the member's
            if isinstance(item, discord.ui.Button) and item.custom_id == "checkin:retry":
                item.label = texts.retry_button()

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary, custom_id="checkin:retry")
    async def retry(self, interaction: discord.Interaction, _button: discord.ui.Button[RetryView]) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(texts.not_your_form(), ephemeral=True)
            return
        await interaction.response.send_modal(CheckinForm(self.cog, **self.form_kwargs))


class SupportButton(PersistentItem["CheckinCog"], template=r"checkin:support:(?P<id>[0-9]+)"):
    """On a group-visible card: lets others send support without writing anything."""

    cog_name = "CheckinCog"

    def __init__(self, checkin_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.support_button(),
                emoji="💛",
                style=discord.ButtonStyle.secondary,
                custom_id=f"checkin:support:{checkin_id}",
            )
        )
        self.checkin_id = checkin_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SupportButton:
        return cls(int(match["id"]))

    async def pressed(self, interaction: discord.Interaction, cog: CheckinCog) -> None:
        await cog.support_clicked(interaction, self.checkin_id)


class CheckinButton(PersistentItem["CheckinCog"], template=r"checkin:open:(?P<group>[0-9]+)"):
    """On a group's scheduled prompt: opens the check-in form for that group (survives restarts)."""

    cog_name = "CheckinCog"

    def __init__(self, group_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.checkin_button(),
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"checkin:open:{group_id}",
            )
        )
        self.group_id = group_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckinButton:
        return cls(int(match["group"]))

    async def pressed(self, interaction: discord.Interaction, cog: CheckinCog) -> None:
        target = await cog.service.prepare_for_group(actor_of(interaction), self.group_id)
        await interaction.response.send_modal(CheckinForm(cog, group_id=target.group_id, group_name=target.group_name))


def support_view(checkin_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SupportButton(checkin_id))
    return view


def prompt_view(group_id: int, language: str | None = None) -> discord.ui.View:
    """The prompt's button, in the language its text was written in."""
    view = discord.ui.View(timeout=None)
    with i18n.using(language):
        view.add_item(CheckinButton(group_id))
    return view
