"""Buttons, selects and modals of moderation. Card buttons are DynamicItems whose custom_id carries
only the action and the item id, so they work after a restart; every press is re-checked on the server."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.utils import format_dt

from bot.buttons import PersistentItem, feature_cog
from bot.interactions import HearthModal, HearthView
from cogs.moderation import domain, texts
from cogs.moderation.domain import ItemSnapshot

if TYPE_CHECKING:
    from cogs.moderation.cog import ModerationCog
    from cogs.moderation.service import LogLine, Page

BUTTON_STYLES: dict[str, discord.ButtonStyle] = {
    "dismiss": discord.ButtonStyle.secondary,
    "delete": discord.ButtonStyle.danger,
    "warn": discord.ButtonStyle.primary,
    "timeout": discord.ButtonStyle.primary,
    "block": discord.ButtonStyle.danger,
    "approve": discord.ButtonStyle.success,
    "reject": discord.ButtonStyle.danger,
    "reveal": discord.ButtonStyle.secondary,
    "revealyes": discord.ButtonStyle.danger,
    "reachout": discord.ButtonStyle.success,
    "withthem": discord.ButtonStyle.primary,
}
BUTTON_ACTIONS = (*domain.BUTTON_ACTIONS, "revealyes")
KIND_ID = "mod:report:kind"  # the Report form's "what is it about?" choice (with care loaded)


def _cog(interaction: discord.Interaction) -> ModerationCog:
    return cast("ModerationCog", feature_cog(interaction.client, "ModerationCog", texts.unavailable()))


class ModButton(PersistentItem["ModerationCog"], template=r"mod:(?P<action>[a-z]+):(?P<item_id>[0-9]+)"):
    """One action on one queue item: ``mod:<action>:<item id>``."""

    cog_name = "ModerationCog"

    def unavailable_text(self) -> str:
        return texts.unavailable()

    def __init__(self, action: str, item_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.button_label(action),
                style=BUTTON_STYLES.get(action, discord.ButtonStyle.secondary),
                custom_id=f"mod:{action}:{item_id}",
            )
        )
        self.action = action
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ModButton:
        return cls(match["action"], int(match["item_id"]))

    async def pressed(self, interaction: discord.Interaction, cog: ModerationCog) -> None:
        await cog.on_button(interaction, self.action, self.item_id)


class TimeoutButton(PersistentItem["ModerationCog"], template=r"modto:(?P<item_id>[0-9]+):(?P<minutes>[0-9]+)"):
    """Time out the author of one item for one of the offered lengths: ``modto:<item id>:<minutes>``."""

    cog_name = "ModerationCog"

    def unavailable_text(self) -> str:
        return texts.unavailable()

    def __init__(self, item_id: int, minutes: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=texts.timeout_label(minutes),
                style=discord.ButtonStyle.primary,
                custom_id=f"modto:{item_id}:{minutes}",
            )
        )
        self.item_id = item_id
        self.minutes = minutes

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TimeoutButton:
        return cls(int(match["item_id"]), int(match["minutes"]))

    async def pressed(self, interaction: discord.Interaction, cog: ModerationCog) -> None:
        await cog.on_timeout(interaction, self.item_id, self.minutes)


def card_view(item: ItemSnapshot) -> discord.ui.View | None:
    actions = domain.available_actions(item)
    if not actions:
        return None
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(ModButton(action, item.id))
    return view


def timeout_view(item_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for minutes in domain.TIMEOUTS:
        view.add_item(TimeoutButton(item_id, minutes))
    return view


def reveal_view(item_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ModButton("revealyes", item_id))
    return view


# --- modals -------------------------------------------------------------------------------------------


class ReportModal(HearthModal):
    def __init__(
        self,
        cog: ModerationCog,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
        content: str,
        worry: bool = False,
    ) -> None:
        super().__init__(title=texts.report_title()[:45], timeout=900)
        self.cog = cog
        self.reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            label=texts.report_reason_label()[:45],
            custom_id="mod:report:reason",
            style=discord.TextStyle.paragraph,
            placeholder=texts.report_reason_placeholder()[:100],
            max_length=domain.REASON_LIMIT,
            required=True,
        )
        self.add_item(self.reason)
        self.kind: discord.ui.RadioGroup[ReportModal] | None = None
        if worry:  # care is loaded: a report can be about someone struggling, not a rule broken
            self.kind = discord.ui.RadioGroup(
                custom_id=KIND_ID,
                required=False,
                options=[
                    discord.RadioGroupOption(label=texts.report_kind_guidelines(), value="report", default=True),
                    discord.RadioGroupOption(  # care's path: English on purpose
                        label=texts.WORRIED_OPTION, value="worried", description=texts.WORRIED_DESCRIPTION
                    ),
                ],
            )
            self.reason.required = False  # a worried report needs no reason; a rule report is checked on submit
            self.add_item(discord.ui.Label(text=texts.report_kind_label(), component=self.kind))
        self.target: dict[str, Any] = {
            "channel_id": channel_id,
            "parent_id": parent_id,
            "message_id": message_id,
            "author_id": author_id,
            "author_is_bot": author_is_bot,
            "content": content,
        }

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.kind is not None and self.kind.value == "worried":
            await self.cog.submit_worry(interaction, **self.target)
            return
        await self.cog.submit_report(interaction, self.reason.value, **self.target)


class TextModal(HearthModal):
    """A one-field modal whose text goes to the cog (warnings, rejection reasons)."""

    def __init__(self, cog: ModerationCog, *, kind: str, item_id: int) -> None:
        default = domain.REACH_OUT_TEMPLATE if kind == "reachout" else None
        title, label, placeholder = texts.modal(kind)
        limit = {"reachout": domain.REACH_OUT_LIMIT, "warn": domain.WARNING_LIMIT, "reject": domain.REASON_LIMIT}[kind]
        super().__init__(title=title[:45], timeout=900)
        self.cog = cog
        self.kind = kind
        self.item_id = item_id
        self.text: discord.ui.TextInput[TextModal] = discord.ui.TextInput(
            label=label[:45],
            custom_id=f"mod:{kind}:text",
            style=discord.TextStyle.paragraph,
            placeholder=placeholder[:100],
            max_length=limit,
            required=True,
            default=default,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.kind == "reachout":
            await self.cog.submit_reach_out(interaction, self.item_id, self.text.value)
        elif self.kind == "warn":
            await self.cog.submit_warning(interaction, self.item_id, self.text.value)
        else:
            await self.cog.submit_rejection(interaction, self.item_id, self.text.value)


async def open_report_modal(interaction: discord.Interaction, channel_id: int, message_id: int) -> None:
    """For anonymous sharing's **Report** button: the same reason form as the context menu, for an
    anonymous post (found by its message id; the author is never known here)."""
    cog = _cog(interaction)
    channel = interaction.channel
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) and channel.id == channel_id else None
    await cog.start_report(
        interaction,
        channel_id=channel_id,
        parent_id=parent_id,
        message_id=message_id,
        author_id=None,
        author_is_bot=True,
        content="",
    )


# --- paginated lists ------------------------------------------------------------------------------------


class Pager(HearthView):
    """Previous / Next over a list the cog renders; only the member who asked can turn its pages."""

    def __init__(self, cog: ModerationCog, user_id: int, page: Page, render: Any, fetch: Any) -> None:
        super().__init__(timeout=600)
        self.cog = cog
        self.user_id = user_id
        self.page = page
        self.render = render
        self.fetch = fetch
        self.previous.label = texts.previous_button()
        self.next.label = texts.next_button()
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page.page <= 0
        self.next.disabled = self.page.page >= self.page.pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(texts.other_pages(), ephemeral=True)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = await self.fetch(self.page.page + step)
        self._sync()
        content, extra = self.render(self.page)
        self._set_extra(extra)
        await interaction.response.edit_message(
            content=content, view=self, allowed_mentions=discord.AllowedMentions.none()
        )

    def _set_extra(self, extra: discord.ui.Item[Any] | None) -> None:
        for child in list(self.children):
            if isinstance(child, discord.ui.Select):
                self.remove_item(child)
        if extra is not None:
            self.add_item(extra)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id="mod:page:previous")
    async def previous(self, interaction: discord.Interaction, _button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="mod:page:next")
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button[Pager]) -> None:
        await self._turn(interaction, 1)


class OpenItemSelect(discord.ui.Select[Pager]):
    """Pick an item on this page of /mod queue to see its card (with its buttons) privately."""

    def __init__(self, cog: ModerationCog, items: list[ItemSnapshot]) -> None:
        super().__init__(
            placeholder=texts.open_item_placeholder()[:150],
            custom_id="mod:queue:open",
            options=[
                discord.SelectOption(
                    label=f"#{item.id} {texts.kind_name(item.kind)}",
                    value=str(item.id),
                    description=domain.excerpt(item.excerpt, 90),
                )
                for item in items
            ],
        )
        self.cog = cog

    async def callback(self, interaction: discord.Interaction) -> None:
        await self.cog.show_item(interaction, int(self.values[0]))


def render_log(page: Page) -> str:
    header = texts.log_header(page.total, page.page + 1, page.pages)
    if not page.items:
        return header + "\n" + texts.log_nothing()
    lines = [header]
    for line in page.items:
        entry: LogLine = line
        who = f"<@{entry.actor_id}>" if entry.actor_id else texts.former_moderator()
        action, target = texts.log_action(entry.action), texts.log_target(entry.target)
        text = f"{format_dt(entry.created_at, 'f')} · {who} · **{action}** · {target}"
        if entry.subject_id:
            text += " · " + texts.log_author(f"<@{entry.subject_id}>")
        if entry.detail:
            text += f" · {domain.excerpt(texts.stored(entry.detail), 120)}"
        lines.append(text)
    return "\n".join(lines)[:2000]
