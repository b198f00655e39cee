"""Discord glue for `/concern`: the form, the blocked-from-anonymous check before anything is sent, the
member's inbox, and reaching the member (a DM; for an anonymous concern, found by its seal). Claiming,
handing over, closing and escalation are care's own (cogs/care/cog.py): one mechanism."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.errors import NotFound
from bot.interactions import NO_MENTIONS, HearthView, actor_of, reply
from bot.translator import server_language
from cogs.care import concern, domain
from cogs.care import concern_texts as texts
from cogs.care import texts as care_texts
from cogs.care.concern import Concerns
from cogs.care.service import Case
from cogs.care.views import ConcernForm, concern_view
from cogs.groups.api.choices import group_choices
from cogs.sharing.api import AnonymousPosts

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.care.cog import CareCog

log = logging.getLogger("hearth.care")


async def _my_groups(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await group_choices(interaction, current, "mine")


class ConcernCog(commands.Cog, name="ConcernCog"):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @property
    def care(self) -> CareCog:
        cog = self.bot.get_cog("CareCog")
        if cog is None:
            raise NotFound(texts.care_restarting())
        return cast("CareCog", cog)

    @property
    def concerns(self) -> Concerns:
        return Concerns(self.bot.db, self.care.service, self.bot.require_keys())

    async def _blocked(self, guild_id: int, user_id: int) -> bool:
        posts = self.bot.interfaces.get(AnonymousPosts)
        if posts is None:
            return False
        async with self.bot.db.read() as session:
            return await posts.is_blocked(session, guild_id, user_id)

    @app_commands.command(name="concern", description="Raise a concern privately with the moderators or facilitators")
    @app_commands.describe(
        to="Who should hear it (default: the server's moderators)",
        anonymous="Send it without your name (they can still answer you through Hearth)",
        group="For the facilitators: which group (default: yours)",
        inbox="Read and answer your concerns here instead of raising a new one",
    )
    @app_commands.choices(
        to=[
            app_commands.Choice(name="moderators", value="moderators"),
            app_commands.Choice(name="facilitators", value="facilitators"),
        ]
    )
    @app_commands.autocomplete(group=_my_groups)
    @app_commands.guild_only()
    async def concern_command(
        self,
        interaction: discord.Interaction,
        to: str = "moderators",
        anonymous: bool = False,
        group: app_commands.Range[str, 1, 100] | None = None,
        inbox: bool = False,
    ) -> None:
        actor = actor_of(interaction)
        if inbox:
            await self._inbox(interaction)
            return
        if anonymous and await self._blocked(actor.guild_id, actor.user_id):
            await reply(interaction, texts.blocked(), view=NamedInstead(to, group))
            return
        if to == "facilitators":
            await self.concerns.check_group(actor, group, interaction.channel_id)
        await interaction.response.send_modal(
            ConcernForm(actor.user_id, anonymous=anonymous, to=to, group=group if to == "facilitators" else None)
        )

    async def on_form(
        self, interaction: discord.Interaction, text: str, anonymous: bool, to: str, group: str | None
    ) -> None:
        actor = actor_of(interaction)
        if anonymous and await self._blocked(actor.guild_id, actor.user_id):
            await reply(interaction, texts.blocked(), view=NamedInstead(to, group))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await self.concerns.open(
            actor,
            text=text,
            anonymous=anonymous,
            to_group=to == "facilitators",
            group=group if to == "facilitators" else None,
            channel_id=interaction.channel_id if to == "facilitators" else None,
            now=self.bot.clock.now(),
        )
        who = await self.care._alert(case) or care_texts.UNREACHED_WHO
        self.care._arm(case)
        await reply(interaction, texts.sent(who, anonymous))

    async def _inbox(self, interaction: discord.Interaction) -> None:
        found = await self.concerns.mine(actor_of(interaction), self.bot.clock.now())
        if not found:
            await reply(interaction, texts.no_concerns())
            return
        latest = found[0]
        lines = [texts.inbox_heading(latest.id, latest.status == "closed")]
        for line in (await self.concerns.lines(latest.id))[-10:]:
            lines.append(texts.inbox_line(line.from_member, discord.utils.format_dt(line.at, "R"), line.text))
        if len(found) > 1:
            lines.append(texts.earlier(len(found) - 1))
        content = "\n".join(lines)
        if len(content) > 2000:  # keep the newest words: cut from the top
            content = "…" + content[-1999:]
        await reply(interaction, content, view=concern_view(latest.id, closed=latest.status == "closed"))

    # --- called by care's cog for cases whose source is "concern" ----------------------------------------

    async def tell_member(self, case: Case, text: str, view: discord.ui.View | None) -> bool:
        """DM the member who raised the concern; for an anonymous one, find them by the seal (the id stays here)."""
        user_id = case.member_id
        if case.anonymous:
            guild = self.bot.get_guild(case.guild_id)
            members = [m.id for m in guild.members] if guild is not None else []
            user_id = await self.concerns.find_member(case.id, members)
        if user_id is None:
            return False
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(domain.fit(text), view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.info("concern %s: could not DM the member (HTTP %s)", case.id, error.status)
            return False
        return True

    async def transcript(self, case_id: int) -> str:
        lines = [texts.transcript_line(line.from_member, line.text) for line in await self.concerns.lines(case_id)]
        text = "\n".join(lines)
        return text if len(text) <= 1700 else "…" + text[-1699:]

    async def member_answer(self, interaction: discord.Interaction, case_id: int, text: str) -> None:
        case = await self.concerns.member_says(case_id, interaction.user.id, text, self.bot.clock.now())
        if case.owner_id is None:
            await reply(interaction, texts.added_unclaimed())
            return
        with i18n.using(server_language(self.bot, case.guild_id)):  # a DM to the handler: the server's language
            message = texts.member_wrote(case.id, text.strip())
        try:
            owner = self.bot.get_user(case.owner_id) or await self.bot.fetch_user(case.owner_id)
            await owner.send(domain.fit(message), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            await reply(interaction, texts.added_undelivered())
            return
        await reply(interaction, texts.answer_sent())

    async def member_done(self, interaction: discord.Interaction, case_id: int) -> None:
        await self.concerns.member_check(case_id, interaction.user.id)
        case = await self.care.service.member_close(case_id, self.bot.clock.now())
        self.care._arm(case)
        await self.care._refresh_cards(case)
        await reply(interaction, texts.closed_by_member())

    async def member_reopen(self, interaction: discord.Interaction, case_id: int) -> None:
        case = await self.concerns.reopen(case_id, interaction.user.id, self.bot.clock.now())
        self.care._arm(case)
        await self.care._refresh_cards(case)
        if case.owner_id is None:
            who = await self.care._alert(case) or care_texts.UNREACHED_WHO
            await reply(interaction, texts.reopened_to(who))
            return
        with i18n.using(server_language(self.bot, case.guild_id)):  # a DM to the handler: the server's language
            note = texts.member_reopened(case.id)
        try:
            owner = self.bot.get_user(case.owner_id) or await self.bot.fetch_user(case.owner_id)
            await owner.send(note, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            pass
        await reply(interaction, texts.reopened())


class NamedInstead(HearthView):
    """After "anonymous isn't available": one press opens the same form under the member's own name."""

    def __init__(self, to: str, group: str | None) -> None:
        super().__init__(timeout=600)
        self.to, self.group = to, group
        self.named.label = texts.named_button()

    @discord.ui.button(label="Write it under my name", style=discord.ButtonStyle.primary)
    async def named(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(
            ConcernForm(interaction.user.id, anonymous=False, to=self.to, group=self.group)
        )


__all__ = ["ConcernCog", "concern"]
