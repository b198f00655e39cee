"""The announcement card and its persistent RSVP buttons (ids only in custom_id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord.utils import format_dt

from bot.buttons import PersistentButton
from bot.interactions import actor_of, reply
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


__all__ = ["RsvpAllButton", "RsvpButton", "all_future_view", "card_embed", "card_view", "reply"]
