"""The announcement card and its persistent RSVP buttons (ids only in custom_id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.utils import format_dt

from bot.buttons import PersistentItem
from bot.interactions import actor_of, reply
from cogs.meetings import texts
from cogs.meetings.records import STATUSES, MeetingSummary

if TYPE_CHECKING:
    from cogs.meetings.cog import MeetingsCog

_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "no": discord.ButtonStyle.secondary,
}


def when_text(meeting: MeetingSummary) -> str:
    """The next date in the meeting's timezone and as Discord's live countdown."""
    if meeting.occurrence_at is None:
        return texts.no_further_dates()
    local = meeting.occurrence_at.astimezone(meeting.zone).replace(tzinfo=None)
    return texts.when(texts.date_time(local), meeting.timezone, format_dt(meeting.occurrence_at, "R"))


def card_embed(view: MeetingSummary) -> discord.Embed:
    """The card in the group's channel: build it in the server's language (``i18n.using``)."""
    if view.cancelled:
        return discord.Embed(title=texts.card_cancelled_title(view.title), description=texts.card_cancelled())
    embed = discord.Embed(title=view.title, description=texts.card_meets(view.group_name, view.recurrence_text))
    embed.add_field(name=texts.card_field("next"), value=when_text(view), inline=False)
    embed.add_field(name=texts.card_field("length"), value=texts.minutes_long(view.duration_minutes))
    where = f"<#{view.voice_channel_id}>" if view.voice_channel_id else (view.location or texts.this_channel())
    embed.add_field(name=texts.card_field("where"), value=where)
    counts = " · ".join(f"{texts.status(key)}: {view.counts.get(key, 0)}" for key in STATUSES)
    embed.add_field(name=texts.card_field("answers"), value=counts, inline=False)
    if view.agenda:
        agenda = "\n".join(f"{n}. {text}" for n, (_, text) in enumerate(view.agenda, start=1))
        embed.add_field(name=texts.card_field("agenda"), value=agenda[:1024], inline=False)
    embed.set_footer(text=texts.card_footer())
    return embed


def card_view(view: MeetingSummary) -> discord.ui.View | None:
    if view.cancelled or view.occurrence_at is None:
        return None
    layout = discord.ui.View(timeout=None)
    for status in STATUSES:
        layout.add_item(RsvpButton(view.id, status))
    return layout


class RsvpButton(PersistentItem["MeetingsCog"], template=r"meeting:rsvp:(?P<id>\d+):(?P<s>going|maybe|no)"):
    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, status: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.status(status), style=_STYLES[status], custom_id=f"meeting:rsvp:{meeting_id}:{status}"
            )
        )
        self.meeting_id = meeting_id
        self.status = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["id"]), match["s"])

    async def pressed(self, interaction: discord.Interaction, cog: MeetingsCog) -> None:
        await cog.answer_rsvp(interaction, actor_of(interaction), self.meeting_id, self.status, all_future=False)


class RsvpAllButton(PersistentItem["MeetingsCog"], template=r"meeting:all:(?P<id>\d+):(?P<s>going|maybe|no)"):
    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, status: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.status_for_all(status),
                style=discord.ButtonStyle.secondary,
                custom_id=f"meeting:all:{meeting_id}:{status}",
            )
        )
        self.meeting_id = meeting_id
        self.status = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpAllButton:
        return cls(int(match["id"]), match["s"])

    async def pressed(self, interaction: discord.Interaction, cog: MeetingsCog) -> None:
        await cog.answer_rsvp(interaction, actor_of(interaction), self.meeting_id, self.status, all_future=True)


def all_future_view(meeting_id: int, status: str) -> discord.ui.View:
    layout = discord.ui.View(timeout=None)
    layout.add_item(RsvpAllButton(meeting_id, status))
    return layout


__all__ = [
    "ReminderSelect",
    "RsvpAllButton",
    "RsvpButton",
    "all_future_view",
    "answer_view",
    "card_embed",
    "card_view",
    "reminders_text",
    "reply",
]


OFF_VALUE = "off"


def _offset_label(minutes: int) -> str:
    return texts.offset_before(minutes)


class ReminderSelect(PersistentItem["MeetingsCog"], template=r"meeting:remind:(?P<id>\d+)"):
    """The member's own reminders for a meeting, right under their Going/Maybe answer (ephemeral)."""

    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, offsets: tuple[int, ...] = (), chosen: tuple[int, ...] | None = None) -> None:
        picked = set(offsets if chosen is None else chosen)
        options = [
            discord.SelectOption(label=_offset_label(o), value=str(o), default=o in picked) for o in offsets[:24]
        ]
        options.append(discord.SelectOption(label=texts.no_reminders_option(), value=OFF_VALUE, default=chosen == ()))
        super().__init__(
            discord.ui.Select(
                custom_id=f"meeting:remind:{meeting_id}",
                placeholder=texts.reminders_placeholder(),
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )
        self.meeting_id = meeting_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReminderSelect:
        return cls(int(match["id"]))

    async def pressed(self, interaction: discord.Interaction, cog: MeetingsCog) -> None:
        data = cast("dict[str, Any]", interaction.data or {})
        values = [str(v) for v in data.get("values", [])]
        chosen = [] if OFF_VALUE in values else [int(v) for v in values if v.isdigit()]
        await cog.choose_reminders(interaction, actor_of(interaction), self.meeting_id, chosen)


def reminders_text(offsets: tuple[int, ...] | None) -> str:
    if offsets is not None and not offsets:
        return texts.no_reminders_chosen()
    return texts.reminders_chosen([_offset_label(o) for o in (offsets or ())])


def answer_view(
    meeting_id: int, status: str, offsets: tuple[int, ...], chosen: tuple[int, ...] | None
) -> discord.ui.View:
    layout = all_future_view(meeting_id, status) if status else discord.ui.View(timeout=None)
    if offsets:
        layout.add_item(ReminderSelect(meeting_id, offsets, chosen))
    return layout
