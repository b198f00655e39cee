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

from bot.buttons import PersistentItem
from cogs.rounds import domain as d
from cogs.rounds import texts

if TYPE_CHECKING:
    from datetime import datetime

    from cogs.rounds.cog import RoundsCog
    from cogs.rounds.service import RoundSnapshot

MAX_LISTED = 20

# action -> (style, row); labels in texts.button_label, in the language bound when the view is built
BUTTONS: dict[str, tuple[discord.ButtonStyle, int]] = {
    "join": (discord.ButtonStyle.primary, 0),
    "leave": (discord.ButtonStyle.secondary, 0),
    "pass": (discord.ButtonStyle.secondary, 0),
    "passback": (discord.ButtonStyle.secondary, 0),
    "done": (discord.ButtonStyle.success, 0),
    "next": (discord.ButtonStyle.primary, 1),
    "skip": (discord.ButtonStyle.secondary, 1),
    "pause": (discord.ButtonStyle.secondary, 1),
    "resume": (discord.ButtonStyle.success, 1),
    "extend": (discord.ButtonStyle.secondary, 1),
    "end": (discord.ButtonStyle.danger, 1),
    "controls": (discord.ButtonStyle.secondary, 1),
}
MEMBER_ACTIONS = ("join", "leave", "pass", "passback", "done")
FACILITATOR_ACTIONS = frozenset({"next", "skip", "pause", "resume", "extend", "end"})


TEMPLATE = r"rounds:(?P<rid>[0-9]+):(?P<act>[a-z]+):(?P<turn>[0-9]+)"


class RoundButton(PersistentItem["RoundsCog"], template=TEMPLATE):
    cog_name = "Rounds"

    def __init__(self, round_id: int, action: str, turn: int) -> None:
        style, row = BUTTONS[action]
        super().__init__(
            discord.ui.Button(
                label=texts.button_label(action), style=style, row=row, custom_id=f"rounds:{round_id}:{action}:{turn}"
            )
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

    def unavailable_text(self) -> str:
        return texts.restarting()

    async def pressed(self, interaction: discord.Interaction, cog: RoundsCog) -> None:
        await cog.on_button(interaction, self.round_id, self.action, self.turn)


def build_view(view: RoundSnapshot) -> discord.ui.View | None:
    """The public message's buttons: what every member may press, and the door to the panel."""
    if not view.live:
        return None
    ui = discord.ui.View(timeout=None)
    for action in (*MEMBER_ACTIONS, "controls"):
        ui.add_item(RoundButton(view.id, action, view.state.turn))
    return ui


def build_panel(view: RoundSnapshot) -> discord.ui.View | None:
    """The facilitators' ephemeral panel, for the current turn (a press on an older panel is stale)."""
    if not view.live:
        return None
    state = view.state
    actions = ["next", "skip", "resume" if state.status is d.Status.PAUSED else "pause", "extend", "end"]
    ui = discord.ui.View(timeout=None)
    for action in actions:
        ui.add_item(RoundButton(view.id, action, state.turn))
    return ui


def render_panel(view: RoundSnapshot, note: str = "") -> str:
    """The panel's text: only the facilitator who opened it sees it."""
    state = view.state
    holder = f"<@{state.holder}>" if state.holder is not None else None
    ends = format_dt(state.due_at, "R") if state.due_at is not None else None
    waiting = len(state.waiting())
    status = texts.panel_status(view.live, holder, state.status is d.Status.PAUSED, ends, waiting)
    lines = [note] if note else []
    lines += [
        texts.panel_title(view.topic),
        f"{status} {texts.waiting_count(waiting)}" if view.live and waiting else status,
    ]
    return "\n".join(lines)


def _people(users: tuple[int, ...], numbered: bool = True) -> str:
    shown = [f"{i + 1}. <@{u}>" if numbered else f"<@{u}>" for i, u in enumerate(users[:MAX_LISTED])]
    extra = len(users) - MAX_LISTED
    text = "  ".join(shown) if numbered else ", ".join(shown)
    return text + (f"  {texts.and_more(extra)}" if extra > 0 else "")


def render(view: RoundSnapshot, now: datetime) -> str:
    """The live message, in the server's language (the caller binds it). It changes only when something a
    person needs to see changes: the countdown is a Discord relative timestamp, which counts down by itself."""
    state = view.state
    lines = [*texts.live_header(view.topic, view.group_name, state.turn_seconds, view.order.value), ""]
    if state.holder is None:
        lines.append(texts.paused_free() if state.status is d.Status.PAUSED else texts.stick_free())
    elif state.status is d.Status.PAUSED:
        lines.append(texts.paused_holding(f"<@{state.holder}>", state.remaining or 0.0))
    else:
        assert state.due_at is not None
        lines.append(texts.holding(f"<@{state.holder}>", format_dt(state.due_at, "R")))
    lines.append(texts.up_next(_people(state.queue) if state.queue else None))
    if state.later:
        lines.append(texts.coming_back_list(_people(state.later, numbered=False)))
    if view.voice_mode and view.voice_channel_id:
        lines.append(texts.voice_mode_line(f"<#{view.voice_channel_id}>"))
    elif view.voice_note:
        lines.append(view.voice_note)
    lines.append("")
    lines.append(texts.how_to())
    return "\n".join(lines)[:2000]


def render_ended(view: RoundSnapshot, summary: d.Summary | None = None) -> str:
    """The ended round's message and its public summary: counts only, so it names nobody (who shared or
    passed stays with the facilitator's own figures)."""
    lines = [texts.ended_message(view.topic, view.group_name)]
    if summary is not None:
        lines.append(texts.summary_counts(summary.turns, len(summary.shared)))
        if summary.shared:
            times = texts.duration(summary.total_seconds), texts.duration(summary.average_seconds)
            lines.append(texts.summary_times(*times))
        lines.append(f"-# {texts.summary_footer()}")
    return "\n".join(lines)[:2000]


# The delivery key of an ended round's message rewritten by an erase (``bot/delivery_discord.py``).
ENDED_REFRESH = "round-ended"


async def replace_ended(_arg: str, message: discord.PartialMessage, content: str) -> None:
    """Rewrite an ended round's message to ``content``, dropping the summary embed older versions posted
    (it listed who shared)."""
    await message.edit(content=content, embeds=[], view=None, allowed_mentions=discord.AllowedMentions.none())
