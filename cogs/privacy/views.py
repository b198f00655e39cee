"""The confirmation step of /privacy delete, and the words of its answer."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from bot.interactions import HearthView, reply
from bot.privacy import Holding, KeepChoice
from cogs.privacy import texts

if TYPE_CHECKING:
    from cogs.privacy.cog import PrivacyCog
    from cogs.privacy.service import EraseOutcome, Leftover

LINKS_SHOWN = 10


MESSAGE_LIMIT = 2000  # Discord's limit for a message's content


def info_message(holdings: list[Holding]) -> str:
    """/privacy info in one message: one line per feature with its counts, the details behind the menu.
    When every feature's counts would not fit, each line shortens to a total ("12 records")."""
    head = [texts.intro(), ""]
    tail = ["", texts.info_pick(), texts.info_footer()]
    full = [texts.feature_line(h.name, ", ".join(h.described()) or texts.nothing_about_you()) for h in holdings]
    text = "\n".join([*head, *full, *tail])
    if len(text) <= MESSAGE_LIMIT:
        return text
    short = [texts.feature_line(h.name, _total(h)) for h in holdings]
    return "\n".join([*head, *short, *tail])[:MESSAGE_LIMIT]


def _total(holding: Holding) -> str:
    n = sum(t.count for t in holding.tallies) + len(holding.lines)
    return texts.records(n) if n else texts.nothing_about_you()


def feature_details(holding: Holding) -> str:
    """What one feature keeps and why, with its counts: the menu's answer."""
    lines = [texts.provider_heading(holding.name, holding.purpose)]
    lines.extend(f"• {line}" for line in holding.described() or [texts.nothing_about_you()])
    return "\n".join(lines)[:MESSAGE_LIMIT]


class FeatureMenu(discord.ui.Select["InfoView"]):
    def __init__(self, holdings: list[Holding]) -> None:
        self.holdings = {h.name: h for h in holdings}
        options = [
            discord.SelectOption(
                label=texts.feature_name(h.name)[:100], value=h.name[:100], description=_total(h)[:100]
            )
            for h in holdings[:25]  # Discord's limit per menu
        ]
        super().__init__(custom_id="privacy:info", placeholder=texts.info_menu()[:150], options=options)

    async def callback(self, interaction: discord.Interaction) -> None:
        await reply(interaction, feature_details(self.holdings[self.values[0]]))


class InfoView(HearthView):
    """The menu under /privacy info (the counts as they were when asked; asking again counts again)."""

    def __init__(self, holdings: list[Holding]) -> None:
        super().__init__(timeout=900)  # an interaction's token lives 15 minutes
        if holdings:
            self.add_item(FeatureMenu(holdings))


def holding_lines(holdings: list[Holding]) -> list[str]:
    return [texts.holding_line(h.name, h.described()) for h in holdings if h.described()]


def confirmation(holdings: list[Holding], choices: list[KeepChoice]) -> str:
    lines = holding_lines(holdings)
    if not lines:
        return texts.nothing_to_erase()
    text = [texts.erase_heading(), *lines, texts.erase_explained()]
    if choices:
        text.extend(["", texts.choices_intro(), *(texts.translated(c.explained) for c in choices)])
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


class KeepMenu(discord.ui.Select["ConfirmDelete"]):
    """What to keep for the group, unlinked from them; nothing unless they pick it."""

    def __init__(self, choices: list[KeepChoice]) -> None:
        options = [discord.SelectOption(label=texts.translated(c.option)[:100], value=c.key) for c in choices]
        super().__init__(
            custom_id="privacy:keep",
            placeholder=texts.choices_placeholder()[:150],
            min_values=0,
            max_values=len(options),
            options=options,
            row=0,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        self.view.keeps = frozenset(self.values)
        for option in self.options:  # the menu keeps showing what they picked
            option.default = option.value in self.view.keeps
        await interaction.response.edit_message(view=self.view)


class ConfirmDelete(HearthView):
    def __init__(self, cog: PrivacyCog, user_id: int, choices: list[KeepChoice]) -> None:
        super().__init__(timeout=120)
        self.cog = cog
        self.user_id = user_id
        self.message: discord.InteractionMessage | None = None
        self.keeps: frozenset[str] = frozenset()  # nothing kept unless they pick it: removing is the default
        # Labels in the member's language (bound for this interaction), not the English of the decorators.
        self.confirm.label = texts.erase_button()
        self.cancel.label = texts.cancel_button()
        if choices:
            self.add_item(KeepMenu(choices))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(texts.not_yours(), ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Yes, erase my data", style=discord.ButtonStyle.danger, custom_id="privacy:erase", row=1)
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.cog.service.erase(self.cog.subject(self.user_id), keeps=self.keeps)
        await reply(interaction, erased_summary(outcome))
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content=texts.erased_done(), view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="privacy:cancel", row=1)
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[ConfirmDelete]) -> None:
        self.stop()
        await interaction.response.edit_message(content=texts.cancelled(), view=None)

    async def on_timeout(self) -> None:
        if self.message is not None:
            # The ephemeral message is gone once its token expires; then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content=texts.timed_out(), view=None)
