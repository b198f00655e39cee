"""The confirmation step of /privacy delete, and the words of its answer."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from bot.interactions import HearthView, reply
from bot.privacy import Holding
from cogs.privacy import texts

if TYPE_CHECKING:
    from cogs.privacy.cog import PrivacyCog
    from cogs.privacy.service import EraseOutcome, Leftover

LINKS_SHOWN = 10


def holding_lines(holdings: list[Holding]) -> list[str]:
    return [texts.holding_line(h.name, h.described()) for h in holdings if h.described()]


def confirmation(holdings: list[Holding], *, offers_text_choice: bool) -> str:
    lines = holding_lines(holdings)
    if not lines:
        return texts.nothing_to_erase()
    text = [texts.erase_heading(), *lines, texts.erase_explained()]
    if offers_text_choice:
        text.extend(["", texts.text_choice()])
    text.extend(["", texts.cannot_be_undone_continue()])
    return "\n".join(text)


def _where(left: Leftover) -> str | None:
    if left.guild_id and left.channel_id and left.message_id:
        return f"https://discord.com/channels/{left.guild_id}/{left.channel_id}/{left.message_id}"
    return None


def erased_summary(outcome: EraseOutcome) -> str:
    """What was erased, what was kept on purpose, and what Discord did not let Hearth remove (yet)."""
    lines = holding_lines(outcome.erased)
    if not lines and not outcome.kept and not outcome.refused and not outcome.retrying:
        return texts.held_nothing()
    text = [texts.erased_everywhere() if lines else texts.done(), *lines]
    if outcome.kept:
        text.append(texts.kept_heading())
        text.extend(holding_lines(outcome.kept))
    if outcome.cleaned:
        text.append(texts.cleaned(outcome.cleaned))
    if outcome.retrying:
        text.append(texts.retrying(len(outcome.retrying), [left.what for left in outcome.retrying]))
    if outcome.refused:
        text.append(texts.refused(len(outcome.refused)))
        shown = outcome.refused[:LINKS_SHOWN]  # the reply must fit Discord's 2,000 characters
        text.extend(texts.refused_link(left.what, _where(left)) for left in shown)
        if len(outcome.refused) > len(shown):
            text.append(texts.refused_more(len(outcome.refused) - len(shown)))
    text.extend(outcome.notes)
    text.append(texts.cannot_be_undone())
    return "\n".join(text)


class ConfirmDelete(HearthView):
    def __init__(self, cog: PrivacyCog, user_id: int, *, offers_text_choice: bool) -> None:
        super().__init__(timeout=120)
        self.cog = cog
        self.user_id = user_id
        self.message: discord.InteractionMessage | None = None
        # Labels in the member's language (bound for this interaction), not the English of the decorators.
        self.confirm.label = texts.erase_button()
        self.keep_text.label = texts.keep_button()
        self.cancel.label = texts.cancel_button()
        if not offers_text_choice:
            self.remove_item(self.keep_text)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(texts.not_yours(), ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Yes, erase my data", style=discord.ButtonStyle.danger, custom_id="privacy:erase")
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        await self._erase(interaction, keep_anonymous_text=False)

    @discord.ui.button(
        label="Erase, but keep my anonymous posts' words",
        style=discord.ButtonStyle.secondary,
        custom_id="privacy:erase-keep",
    )
    async def keep_text(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        await self._erase(interaction, keep_anonymous_text=True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="privacy:cancel")
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.edit_message(content=texts.cancelled(), view=None)

    async def _erase(self, interaction: discord.Interaction, *, keep_anonymous_text: bool) -> None:
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.cog.service.erase(self.cog.subject(self.user_id), keep_anonymous_text=keep_anonymous_text)
        await reply(interaction, erased_summary(outcome))
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content=texts.erased_done(), view=None)

    async def on_timeout(self) -> None:
        if self.message is not None:
            # The ephemeral message is gone once its token expires; then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content=texts.timed_out(), view=None)
