"""The live round message: its text, its summary card, and its persistent buttons.

Buttons are ``DynamicItem``s whose custom_id carries only the round id, the action and the turn
counter (``rounds:<id>:<action>:<turn>``): they work after a restart, and a click made on a turn
that has already moved on is recognised as stale instead of moving the stick a second time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord.utils import format_dt

from bot.errors import Conflict
from bot.interactions import handle_error
from cogs.rounds import domain as d

if TYPE_CHECKING:
    from datetime import datetime

    from cogs.rounds.service import RoundView

MAX_LISTED = 20

# action -> (label, style, row)
BUTTONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "join": ("Join queue", discord.ButtonStyle.primary, 0),
    "leave": ("Leave queue", discord.ButtonStyle.secondary, 0),
    "pass": ("Pass", discord.ButtonStyle.secondary, 0),
    "passback": ("Pass, come back to me", discord.ButtonStyle.secondary, 0),
    "done": ("Done", discord.ButtonStyle.success, 0),
    "next": ("Next", discord.ButtonStyle.primary, 1),
    "skip": ("Skip", discord.ButtonStyle.secondary, 1),
    "pause": ("Pause", discord.ButtonStyle.secondary, 1),
    "resume": ("Resume", discord.ButtonStyle.success, 1),
    "extend": ("+1 min", discord.ButtonStyle.secondary, 1),
    "end": ("End", discord.ButtonStyle.danger, 1),
}


TEMPLATE = r"rounds:(?P<rid>[0-9]+):(?P<act>[a-z]+):(?P<turn>[0-9]+)"


class RoundButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, round_id: int, action: str, turn: int) -> None:
        label, style, row = BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, row=row, custom_id=f"rounds:{round_id}:{action}:{turn}")
        )
        self.round_id = round_id
        self.action = action
        self.turn = turn

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RoundButton:
        action = match["act"]
        if action not in BUTTONS:
            action = "join"  # never reached with buttons Hearth made; keeps a forged id harmless
        return cls(int(match["rid"]), action, int(match["turn"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs errors of dynamic items; route them to the common handler instead.
        try:
            cog = interaction.client.get_cog("Rounds")  # type: ignore[attr-defined]
            if cog is None:  # pragma: no cover - only while the feature is unloading
                raise Conflict("Rounds are restarting; try again in a moment.")
            await cog.on_button(interaction, self.round_id, self.action, self.turn)
        except Exception as error:
            await handle_error(interaction, error)


def build_view(view: RoundView) -> discord.ui.View | None:
    if not view.live:
        return None
    state = view.state
    actions = ["join", "leave", "pass", "passback", "done", "next", "skip"]
    actions.append("resume" if state.status is d.Status.PAUSED else "pause")
    actions += ["extend", "end"]
    ui = discord.ui.View(timeout=None)
    for action in actions:
        ui.add_item(RoundButton(view.id, action, state.turn))
    return ui


def _people(users: tuple[int, ...], numbered: bool = True) -> str:
    shown = [f"{i + 1}. <@{u}>" if numbered else f"<@{u}>" for i, u in enumerate(users[:MAX_LISTED])]
    extra = len(users) - MAX_LISTED
    text = "  ".join(shown) if numbered else ", ".join(shown)
    return text + (f"  … and {extra} more" if extra > 0 else "")


def render(view: RoundView, now: datetime) -> str:
    """The live message. It changes only when something a person needs to see changes: the
    countdown is a Discord relative timestamp, which counts down by itself."""
    state = view.state
    minutes = d.format_duration(state.turn_seconds)
    lines = [
        f"**Sharing round: {view.topic}**",
        f"{view.group_name} · {minutes} per turn · order: {d.ORDER_LABELS[view.order]}",
        "",
    ]
    if state.holder is None:
        if state.status is d.Status.PAUSED:
            lines.append("⏸️ Paused. Nobody holds the stick.")
        else:
            lines.append("The stick is free: press **Join queue** to share.")
    elif state.status is d.Status.PAUSED:
        left = d.format_duration(state.remaining or 0.0)
        lines.append(f"⏸️ Paused. <@{state.holder}> holds the stick with {left} left.")
    else:
        assert state.due_at is not None
        lines.append(f"🎙️ <@{state.holder}> holds the stick. Turn ends {format_dt(state.due_at, 'R')}.")
    lines.append(f"**Up next:** {_people(state.queue)}" if state.queue else "**Up next:** nobody yet")
    if state.later:
        lines.append(f"**Coming back at the end:** {_people(state.later, numbered=False)}")
    if view.voice_mode and view.voice_channel_id:
        lines.append(f"🔇 Voice mode in <#{view.voice_channel_id}>: those waiting are muted until their turn.")
    elif view.voice_note:
        lines.append(view.voice_note)
    lines.append("")
    lines.append("Join queue to share, Pass to skip your turn (no reason needed), Done to end yours early.")
    return "\n".join(lines)[:2000]


def render_ended(view: RoundView) -> str:
    return f"**Sharing round ended: {view.topic}**\n{view.group_name} · thank you, everyone."


def summary_card(view: RoundView, summary: d.Summary) -> discord.Embed:
    embed = discord.Embed(title="Round summary", description=f"**{view.topic}**", colour=discord.Colour.teal())
    embed.add_field(name="Shared", value=_people(summary.shared, numbered=False) or "nobody", inline=False)
    embed.add_field(name="Passed", value=_people(summary.passed, numbered=False) or "nobody", inline=False)
    embed.add_field(name="Total time", value=d.format_duration(summary.total_seconds))
    embed.add_field(name="Average per sharer", value=d.format_duration(summary.average_seconds))
    embed.set_footer(text="Only who took a turn and for how long is kept, never what was said.")
    return embed


def balance_line(gini: float | None, rounds: int | None = None) -> str:
    if gini is None:
        return "No finished rounds yet, so no balance figure."
    word = "even" if gini < 0.2 else "fairly even" if gini < 0.35 else "uneven" if gini < 0.5 else "very uneven"
    over = f" over the last {rounds} round{'s' if rounds != 1 else ''}" if rounds else ""
    return f"Speaking-time balance{over}: Gini {gini:.2f} ({word}; 0 = everyone equal, 1 = one voice)."
