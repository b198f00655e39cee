"""The announcement card and its persistent RSVP buttons (ids only in custom_id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.utils import format_dt

from bot.buttons import PersistentButton
from bot.interactions import actor_of, reply
from cogs.meetings.phrases import friendly_offset
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
        return "no further dates"
    local = meeting.occurrence_at.astimezone(meeting.zone)
    return f"{local.strftime('%a %d %b %Y, %H:%M')} ({meeting.timezone}), {format_dt(meeting.occurrence_at, 'R')}"


def card_embed(view: MeetingSummary) -> discord.Embed:
    if view.cancelled:
        return discord.Embed(title=f"{view.title} (cancelled)", description="This meeting was cancelled.")
    embed = discord.Embed(title=view.title, description=f"**{view.group_name}** meets {view.recurrence_text}.")
    embed.add_field(name="Next", value=when_text(view), inline=False)
    embed.add_field(name="Length", value=f"{view.duration_minutes} min")
    where = f"<#{view.voice_channel_id}>" if view.voice_channel_id else (view.location or "this channel")
    embed.add_field(name="Where", value=where)
    counts = " · ".join(f"{label}: {view.counts.get(key, 0)}" for key, label in STATUSES.items())
    embed.add_field(name="Answers for the next date", value=counts, inline=False)
    if view.agenda:
        agenda = "\n".join(f"{n}. {text}" for n, (_, text) in enumerate(view.agenda, start=1))
        embed.add_field(name="Agenda", value=agenda[:1024], inline=False)
    embed.set_footer(text="Your answer is for the next date; you can apply it to all future dates.")
    return embed


def card_view(view: MeetingSummary) -> discord.ui.View | None:
    if view.cancelled or view.occurrence_at is None:
        return None
    layout = discord.ui.View(timeout=None)
    for status in STATUSES:
        layout.add_item(RsvpButton(view.id, status))
    return layout


class RsvpButton(PersistentButton["MeetingsCog"], template=r"meeting:rsvp:(?P<id>\d+):(?P<s>going|maybe|no)"):
    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, status: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=STATUSES[status], style=_STYLES[status], custom_id=f"meeting:rsvp:{meeting_id}:{status}"
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


class RsvpAllButton(PersistentButton["MeetingsCog"], template=r"meeting:all:(?P<id>\d+):(?P<s>going|maybe|no)"):
    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, status: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{STATUSES[status]} for all future dates",
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
    return f"{friendly_offset(minutes)} before"


class ReminderSelect(PersistentButton["MeetingsCog"], template=r"meeting:remind:(?P<id>\d+)"):
    """The member's own reminders for a meeting, right under their Going/Maybe answer (ephemeral)."""

    cog_name = "MeetingsCog"

    def __init__(self, meeting_id: int, offsets: tuple[int, ...] = (), chosen: tuple[int, ...] | None = None) -> None:
        picked = set(offsets if chosen is None else chosen)
        options = [
            discord.SelectOption(label=_offset_label(o), value=str(o), default=o in picked) for o in offsets[:24]
        ]
        options.append(discord.SelectOption(label="No reminders", value=OFF_VALUE, default=chosen == ()))
        super().__init__(
            discord.ui.Select(
                custom_id=f"meeting:remind:{meeting_id}",
                placeholder="Your reminders",
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
        return "You'll get no reminders for it. Choose some below any time."
    shown = ", ".join(_offset_label(o) for o in (offsets or ()))
    return f"I'll remind you {shown}, by DM. Change or turn them off below."


def answer_view(
    meeting_id: int, status: str, offsets: tuple[int, ...], chosen: tuple[int, ...] | None
) -> discord.ui.View:
    layout = all_future_view(meeting_id, status) if status else discord.ui.View(timeout=None)
    if offsets:
        layout.add_item(ReminderSelect(meeting_id, offsets, chosen))
    return layout
