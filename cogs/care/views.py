"""Care's buttons, selects and forms. Persistent buttons are DynamicItems whose custom_id carries only an
action and a case id (never who the case is about); every press is checked again on the server."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.buttons import PersistentItem, feature_cog
from bot.interactions import HearthModal, HearthView
from cogs.care import domain, texts

if TYPE_CHECKING:
    from cogs.care.cog import CareCog
    from cogs.care.concern_cog import ConcernCog
    from cogs.care.service import Case

OFFER_LABELS = {
    "reach": ("I'd like someone here to reach out", discord.ButtonStyle.primary),
    "lines": ("Show me the helplines", discord.ButtonStyle.secondary),
    "okay": ("I'm okay, thanks", discord.ButtonStyle.secondary),
}
CASE_LABELS = {
    "claim": ("I'll reach out", discord.ButtonStyle.success),
    "contact": ("Contact made", discord.ButtonStyle.primary),
    "write": ("Write to them", discord.ButtonStyle.secondary),
    "handover": ("Hand over", discord.ButtonStyle.secondary),
    "bringin": ("Bring someone in", discord.ButtonStyle.secondary),
    "close": ("Close", discord.ButtonStyle.danger),
}
MEMBER_LABELS = {
    "answer": ("Answer", discord.ButtonStyle.primary),
    "okay": ("I'm okay now", discord.ButtonStyle.secondary),
    "done": ("Close my concern", discord.ButtonStyle.secondary),
    "reopen": ("Reopen", discord.ButtonStyle.primary),
}


CARE_UNAVAILABLE = "Care is restarting; try again in a moment. If you're in danger, call your emergency number."


def _cog(interaction: discord.Interaction) -> CareCog:
    return cast("CareCog", feature_cog(interaction.client, "CareCog", CARE_UNAVAILABLE))


class _CareButton(PersistentItem["CareCog"], template=r"care:[a-z]+:(?P<case>[0-9]+):(?P<act>[a-z]+)"):
    """One action on one case: ``care:<kind>:<case id>:<action>``. Subclasses (the ones registered with the
    bot) name the kind, their labels, a harmless default for a forged action, and the cog handler."""

    cog_name = "CareCog"
    unavailable = CARE_UNAVAILABLE

    KIND: str
    LABELS: dict[str, tuple[str, discord.ButtonStyle]]
    DEFAULT: str

    def __init__(self, case_id: int, action: str) -> None:
        action = action if action in self.LABELS else self.DEFAULT
        label, style = self.LABELS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"care:{self.KIND}:{case_id}:{action}"))
        self.case_id, self.action = case_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> _CareButton:
        return cls(int(match["case"]), match["act"])


class OfferButton(_CareButton, template=r"care:offer:(?P<case>[0-9]+):(?P<act>[a-z]+)"):
    """The member's choices under the crisis message."""

    KIND, LABELS, DEFAULT = "offer", OFFER_LABELS, "lines"  # never consent on a forged id

    async def pressed(self, interaction: discord.Interaction, cog: CareCog) -> None:
        await cog.on_offer(interaction, self.case_id, self.action)


class CaseButton(_CareButton, template=r"care:case:(?P<case>[0-9]+):(?P<act>[a-z]+)"):
    """An action on a case card (a facilitator's DM or the moderator queue)."""

    KIND, LABELS, DEFAULT = "case", CASE_LABELS, "claim"

    async def pressed(self, interaction: discord.Interaction, cog: CareCog) -> None:
        await cog.on_case(interaction, self.case_id, self.action)


class MemberButton(_CareButton, template=r"care:member:(?P<case>[0-9]+):(?P<act>[a-z]+)"):
    """The member's side of a case: answer the person reaching out, or close it."""

    KIND, LABELS, DEFAULT = "member", MEMBER_LABELS, "answer"

    async def pressed(self, interaction: discord.Interaction, cog: CareCog) -> None:
        await cog.on_member(interaction, self.case_id, self.action)


def offer_view(case_id: int, regions: list[str]) -> discord.ui.View:
    view = HearthView(timeout=None)
    for action in OFFER_LABELS:
        view.add_item(OfferButton(case_id, action))
    if len(regions) > 1:
        view.add_item(RegionSelect(regions))
    return view


def regions_view(regions: list[str]) -> discord.ui.View | None:
    if len(regions) < 2:
        return None
    view = HearthView(timeout=600)
    view.add_item(RegionSelect(regions))
    return view


def case_view(case: Case) -> discord.ui.View | None:
    if case.status == "closed":
        return None
    view = HearthView(timeout=None)
    actions = ["claim"] if case.owner_id is None else list(OWNER_ACTIONS)
    for action in actions:
        view.add_item(CaseButton(case.id, action))
    return view


# Views of messages sent through the delivery record (bot/delivery.py), rebuilt from a key with the case id.
ESCALATION_VIEW, OWNER_VIEW = "care-escalation", "care-owner"
OWNER_ACTIONS = ("contact", "write", "handover", "bringin", "close")


def escalation_key(case_id: int, role_id: int | None) -> str:
    return f"{ESCALATION_VIEW}:{case_id}:{role_id or 0}"


def card_view_key(case: Case) -> str | None:
    """A card's buttons as a delivery view key, for a card rewritten through the delivery record: take it when
    nobody has it, the owner's actions when someone does; a closed card keeps none."""
    if case.status == "closed":
        return None
    return escalation_key(case.id, None) if case.owner_id is None else f"{OWNER_VIEW}:{case.id}"


def escalation_view(arg: str) -> discord.ui.View:
    """An escalated card's one button: an escalated case is unclaimed by definition."""
    view = HearthView(timeout=None)
    view.add_item(CaseButton(int(arg.split(":")[0]), "claim"))
    return view


def escalation_mentions(arg: str) -> discord.AllowedMentions:
    """The moderator role, and nobody else, is pinged by an escalation."""
    role = int(arg.split(":")[1])
    return discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)] if role else False)


def owner_view(arg: str) -> discord.ui.View:
    """The owner's actions on a claimed case (the follow-up reminder)."""
    view = HearthView(timeout=None)
    for action in OWNER_ACTIONS:
        view.add_item(CaseButton(int(arg), action))
    return view


def member_view(case_id: int, *, answer: bool) -> discord.ui.View:
    view = HearthView(timeout=None)
    if answer:
        view.add_item(MemberButton(case_id, "answer"))
    view.add_item(MemberButton(case_id, "okay"))
    return view


def concern_view(case_id: int, *, closed: bool) -> discord.ui.View:
    """The member's side of a concern: answer and close it, or reopen it once closed."""
    view = HearthView(timeout=None)
    for action in ("reopen",) if closed else ("answer", "done"):
        view.add_item(MemberButton(case_id, action))
    return view


def case_card(case: Case, *, public: bool = False) -> str:
    """What the people handling a case see: group, severity, where it came from; never a private note.
    ``public``: the moderator queue channel can be read by others, so who it's about and where stay out."""
    if public:
        return domain.fit(
            f"**{'🟠 Urgent' if case.severity is domain.Severity.URGENT else '🟡 Gentle'} care request, case "
            f"#{case.id}**\nThis channel can be read by people who aren't moderators, so who it's about and where "
            "are left out. Moderators: see it in `/mod cases`, or take it with the button.\n"
            + (texts.HANDED_BACK_CARD + "\n" if case.handed_back else "")
            + (domain.claim_line(case.owner_id, case.helper_id) if case.owner_id or case.status != "closed" else "")
            + ("\nClosed." if case.status == "closed" else "")
        )
    title = "📨 A concern" if case.source == "concern" else None
    lines = [
        f"**{title}**"
        if title
        else f"**{'🟠 Urgent' if case.severity is domain.Severity.URGENT else '🟡 Gentle'}: someone may need support**",
        f"{case.label}, opened {discord.utils.format_dt(case.opened_at, 'R')}.",
    ]
    if case.source == "concern":
        lines.append(
            (
                "Someone raised a concern anonymously; you won't learn who they are."
                if case.anonymous
                else f"<@{case.member_id}> raised a concern."
            )
            + " Take it to read what they wrote; **Write to them** answers through Hearth."
        )
    elif case.source == "worried":
        lines.append(
            f"A member is worried about <@{case.member_id}>. They haven't asked for anything and nothing was sent "
            "to them: reach out gently, as yourself."
            if case.member_id
            else "A member is worried about the author of an anonymous post. Nothing was sent to them."
        )
    elif case.anonymous:
        lines.append(
            "They wrote anonymously and asked for someone to reach out. You won't learn who they are: "
            "**Write to them** sends your words through Hearth, and their answers come back here."
        )
    elif case.member_id is not None:
        lines.append(f"<@{case.member_id}> asked for someone here to reach out.")
    if case.handed_back:
        lines.append(texts.HANDED_BACK_CARD)
    elif case.escalated:
        lines.append("Nobody could take this in time, so it came to the moderators.")
    if case.status != "closed" or case.owner_id is not None:
        lines.append(domain.claim_line(case.owner_id, case.helper_id))
    if case.contact_made:
        lines.append("Contact made. ✔")
    if case.status == "closed":
        lines.append("Closed.")
    return domain.fit("\n".join(lines))


class RegionSelect(discord.ui.Select[Any]):
    """Pick the region whose helplines to show (the message only the member sees)."""

    def __init__(self, regions: list[str]) -> None:
        options = [discord.SelectOption(label=name[:100], value=name[:100]) for name in regions[:25]]
        super().__init__(placeholder="Helplines for another region…", options=options, custom_id="care:region")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_region(interaction, self.values[0])


class TextForm(HearthModal):
    """One short text: a message to relay, an answer, or a closing note. Its id is per case and person."""

    def __init__(self, kind: str, case_id: int, user_id: int, *, title: str, label: str, limit: int) -> None:
        super().__init__(title=title, custom_id=f"care:form:{kind}:{case_id}:{user_id}", timeout=900)
        self.kind, self.case_id = kind, case_id
        default = texts.REACH_OUT_TEMPLATE if kind == "write" else None
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=label, style=discord.TextStyle.paragraph, max_length=limit, custom_id="text", default=default
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_form(interaction, self.kind, self.case_id, self.text.value)


class ConcernForm(HearthModal):
    """`/concern`: what the member wants to raise. Its id is per person, so two members' forms never collide."""

    def __init__(self, user_id: int, *, anonymous: bool, to: str, group: str | None) -> None:
        super().__init__(title="Raise a concern", custom_id=f"care:concern:{user_id}", timeout=900)
        self.anonymous, self.to, self.group = anonymous, to, group
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What would you like them to know?"[:45],
            style=discord.TextStyle.paragraph,
            max_length=1500,
            custom_id="text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        unavailable = "Concerns are restarting; try again in a moment. Your words weren't kept."
        cog = cast("ConcernCog", feature_cog(interaction.client, "ConcernCog", unavailable))
        await cog.on_form(interaction, self.text.value, self.anonymous, self.to, self.group)


class RegionForm(HearthModal):
    """Admins: one region's helplines (write "remove" as the helplines to take a region out)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(title="Crisis resources for a region", custom_id=f"care:regionform:{user_id}", timeout=900)
        self.name: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Region (e.g. Germany, Spanish speakers)", max_length=domain.REGION_NAME_LIMIT, custom_id="name"
        )
        self.lines: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Helplines: names, numbers, https:// links",
            style=discord.TextStyle.paragraph,
            max_length=domain.REGION_TEXT_LIMIT,
            custom_id="lines",
        )
        self.add_item(self.name)
        self.add_item(self.lines)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_region_form(interaction, self.name.value, self.lines.value)


class CrisisTextForm(HearthModal):
    """Admins: the server's own reviewed crisis message for one language (write "remove" to drop it)."""

    def __init__(self, user_id: int, code: str, current: domain.CrisisText | None) -> None:
        name = domain.LANGUAGES[code]
        super().__init__(title=f"Crisis message in {name}"[:45], custom_id=f"care:crisisform:{user_id}", timeout=900)
        self.code = code
        self.crisis: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Shown first, then the helplines"[:45],
            style=discord.TextStyle.paragraph,
            placeholder="Reviewed by a native speaker: acknowledge, no judgement, invite them to choose below.",
            max_length=domain.CRISIS_TEXT_LIMIT,
            default=current.crisis if current else None,
            custom_id="crisis",
        )
        self.low: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="After a very low check-in (optional)"[:45],
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=domain.CRISIS_TEXT_LIMIT,
            default=current.low if current and current.low else None,
            custom_id="low",
        )
        self.add_item(self.crisis)
        self.add_item(self.low)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_crisis_form(interaction, self.code, self.crisis.value, self.low.value)


class CasePicker(HearthView):
    """`/facilitate cases`: open one case's card (with its buttons) privately."""

    def __init__(self, cases: list[tuple[int, str]]) -> None:
        super().__init__(timeout=600)
        select: discord.ui.Select[Any] = discord.ui.Select(
            placeholder="Open a request…",
            custom_id="care:cases:open",
            options=[discord.SelectOption(label=label[:100], value=str(case_id)) for case_id, label in cases[:25]],
        )
        select.callback = self._picked  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _picked(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).show_case(interaction, int(self.select.values[0]))


class PersonPicker(HearthView):
    """Hand a case over, or bring a second person in: pick them (the server checks they may)."""

    def __init__(self, case_id: int, kind: str) -> None:
        super().__init__(timeout=600)
        self.case_id, self.kind = case_id, kind
        select: discord.ui.UserSelect[Any] = discord.ui.UserSelect(
            placeholder="Hand over to…" if kind == "handover" else "Bring in…", custom_id=f"care:pick:{kind}:{case_id}"
        )
        select.callback = self._picked  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _picked(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_pick(interaction, self.case_id, self.kind, self.select.values[0])


class WorryView(HearthView):
    """Report on a message outside group channels: the one choice that applies there. It carries the message and
    its author only in memory, for the reporter's own ephemeral answer (never in a custom_id)."""

    def __init__(self, message_id: int, author_id: int) -> None:
        super().__init__(timeout=900)
        self.message_id, self.author_id = message_id, author_id
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=texts.WORRIED_BUTTON, style=discord.ButtonStyle.primary
        )
        button.callback = self._pressed  # type: ignore[method-assign]
        self.add_item(button)

    async def _pressed(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).worried_elsewhere(interaction, self.message_id, self.author_id)
