"""The confirmation step of /privacy delete, and the words of its answer."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from bot.interactions import HearthView, reply
from bot.privacy import Holding

if TYPE_CHECKING:
    from cogs.privacy.cog import PrivacyCog
    from cogs.privacy.service import EraseOutcome, Leftover

ERASE_LABEL = "Yes, erase my data"
KEEP_LABEL = "Erase, but keep my anonymous posts' words"
CANCEL_LABEL = "Cancel"
LINKS_SHOWN = 10


def holding_lines(holdings: list[Holding]) -> list[str]:
    return [f"• {h.name}: " + ", ".join(h.described()) for h in holdings if h.described()]


def confirmation(holdings: list[Holding], *, offers_text_choice: bool) -> str:
    lines = holding_lines(holdings)
    if not lines:
        return (
            "Hearth holds nothing about you right now, so there is nothing to erase. Erasing anyway does no "
            "harm. Continue?"
        )
    text = ["This erases everything Hearth stores about you, in every server:", *lines]
    text.append(
        "Messages Hearth posted for you are taken off Discord and quotes on moderators' cards are removed. "
        "Reports you filed stay, but nothing links them to you any more."
    )
    if offers_text_choice:
        text.append(
            f"\nYour anonymous posts: **{ERASE_LABEL}** removes their words everywhere (the default). "
            f"**{KEEP_LABEL}** leaves the words where they are, with no link to you left anywhere, so you could "
            "never delete them afterwards."
        )
    text.append("\nThis cannot be undone. Continue?")
    return "\n".join(text)


def _where(left: Leftover) -> str:
    if left.guild_id and left.channel_id and left.message_id:
        return f"https://discord.com/channels/{left.guild_id}/{left.channel_id}/{left.message_id}"
    return "in its channel"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def erased_summary(outcome: EraseOutcome) -> str:
    """What was erased, what was kept on purpose, and what Discord did not let Hearth remove (yet)."""
    lines = holding_lines(outcome.erased)
    if not lines and not outcome.kept and not outcome.refused and not outcome.retrying:
        return "Done. Hearth held nothing about you, so nothing needed erasing."
    text = ["Done. Erased everywhere:" if lines else "Done.", *lines]
    if outcome.kept:
        text.append("Kept where they were, as you chose, with no link to you left anywhere:")
        text.extend(holding_lines(outcome.kept))
    if outcome.cleaned:
        text.append(f"Taken off Discord or rewritten: {_count(outcome.cleaned, 'message')}.")
    if outcome.retrying:
        what = ", ".join(sorted({left.what for left in outcome.retrying}))
        text.append(
            f"Still on Discord for now: {_count(len(outcome.retrying), 'message')} ({what}). Discord was busy; "
            "Hearth keeps trying on its own, also after a restart."
        )
    if outcome.refused:
        text.append(
            f"Discord refused to remove {_count(len(outcome.refused), 'message')}, so Hearth could not take "
            "them down. Their text is already gone from Hearth. Ask a server moderator to delete them:"
        )
        shown = outcome.refused[:LINKS_SHOWN]  # the reply must fit Discord's 2,000 characters
        text.extend(f"• {left.what}: {_where(left)}" for left in shown)
        if len(outcome.refused) > len(shown):
            text.append(f"• and {len(outcome.refused) - len(shown)} more; a moderator can find them by those.")
    text.extend(outcome.notes)
    text.append("This cannot be undone.")
    return "\n".join(text)


class ConfirmDelete(HearthView):
    def __init__(self, cog: PrivacyCog, user_id: int, *, offers_text_choice: bool) -> None:
        super().__init__(timeout=120)
        self.cog = cog
        self.user_id = user_id
        self.message: discord.InteractionMessage | None = None
        if not offers_text_choice:
            self.remove_item(self.keep_text)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message("This confirmation is not yours.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label=ERASE_LABEL, style=discord.ButtonStyle.danger, custom_id="privacy:erase")
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        await self._erase(interaction, keep_anonymous_text=False)

    @discord.ui.button(label=KEEP_LABEL, style=discord.ButtonStyle.secondary, custom_id="privacy:erase-keep")
    async def keep_text(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        await self._erase(interaction, keep_anonymous_text=True)

    @discord.ui.button(label=CANCEL_LABEL, style=discord.ButtonStyle.secondary, custom_id="privacy:cancel")
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled. Nothing was erased.", view=None)

    async def _erase(self, interaction: discord.Interaction, *, keep_anonymous_text: bool) -> None:
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.cog.service.erase(self.cog.subject(self.user_id), keep_anonymous_text=keep_anonymous_text)
        await reply(interaction, erased_summary(outcome))
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content="Your data was erased.", view=None)

    async def on_timeout(self) -> None:
        if self.message is not None:
            # The ephemeral message is gone once its token expires; then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content="No answer, so nothing was erased.", view=None)
