"""Discord glue for care: the private crisis message and its choices, case cards with one owner, the
two-way relay to an anonymous author, escalation timers, /care and the Report form's "I'm worried" reason.

Nothing here ever replies publicly to a member in distress: every word to them is ephemeral or a DM.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord
from apscheduler.triggers.interval import IntervalTrigger
from discord import app_commands
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.audience import Audience, for_audience
from bot.delivery import Delivery
from bot.errors import BadInput, NotFound
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.role_commands import FACILITATE, MODERATE
from cogs.care import domain, texts
from cogs.care.api import CareDesk
from cogs.care.privacy import CarePrivacy
from cogs.care.service import (
    ESCALATION_PURPOSE,
    FOLLOW_UP_PURPOSE,
    NOBODY_FREE_PURPOSE,
    CareService,
    Case,
    refuse_worry,
)
from cogs.care.settings import CareSetup
from cogs.care.views import (
    ESCALATION_VIEW,
    OWNER_VIEW,
    CasePicker,
    CrisisTextForm,
    PersonPicker,
    RegionForm,
    TextForm,
    WorryView,
    card_view_key,
    case_card,
    case_view,
    concern_view,
    escalation_key,
    escalation_mentions,
    escalation_view,
    member_view,
    offer_view,
    owner_view,
    regions_view,
)
from cogs.groups.api.choices import group_choices
from cogs.moderation.api import ModerationLink, QueueExtras, WorryDesk
from cogs.sharing.api import AnonymousPosts

# How often a process on some of the shards looks for cases opened elsewhere (a DM reaches shard 0) that
# are its own: an escalation is due at the earliest minutes after opening, so a minute's delay is harmless.
SWEEP_SECONDS = 60

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.care.concern_cog import ConcernCog

log = logging.getLogger("hearth.care")


async def _my_groups(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await group_choices(interaction, current, "mine")


class CareCog(commands.Cog, name="CareCog"):
    care = app_commands.Group(name="care", description="Reach a person here, or see helplines", guild_only=True)
    # Admins' care settings live in their own top-level command, hidden from members like /facilitate and /mod
    # (Discord applies default permissions to top-level commands only).
    care_setup = app_commands.Group(
        name="care-setup",
        description="Server admins: helplines, your own crisis message, and how quickly requests are picked up",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.service = CareService(
            bot.db,
            domain.parse_resources(bot.safety.resources),
            lambda: bot.interfaces.get(ModerationLink),
            bot.require_keys,
        )
        self.privacy = CarePrivacy(self._card_text, card_view_key, self._rearm)
        # Escalations and follow-ups go through the delivery record; their buttons are rebuilt from the key.
        bot.sender.register_view(ESCALATION_VIEW, escalation_view, mentions=escalation_mentions)
        bot.sender.register_view(OWNER_VIEW, owner_view)

    async def cog_load(self) -> None:
        self.bot.interfaces.offer(CareDesk, Desk(self))
        self.bot.interfaces.offer(QueueExtras, ModeratorsWork(self.service))
        self.bot.setup_sections.register(CareSetup())
        self.bot.privacy.register(self.privacy)
        self.bot.interfaces.offer(WorryDesk, self)  # the Report form's "I'm worried about this person"

    async def cog_unload(self) -> None:
        self.bot.interfaces.withdraw(CareDesk)
        self.bot.interfaces.withdraw(QueueExtras)
        self.bot.setup_sections.unregister("care")
        self.bot.privacy.unregister(self.privacy.name)
        self.bot.interfaces.withdraw(WorryDesk)
        self.bot.scheduler.cancel_prefix("care:")

    async def hearth_start(self) -> None:
        """Timers hold case ids only; the database says which escalations and follow-ups are still due."""
        self.bot.metrics.set_care_case_source(lambda: self.service.open_case_ages(self.bot.clock.now()))
        await self._arm_missing()
        self.bot.scheduler.daily("care:retention", self._purge)
        if self.bot.shard_plan.subset:  # a case opened from a DM (shard 0) may belong to this process's guilds
            sweep = IntervalTrigger(seconds=SWEEP_SECONDS, start_date=self.bot.clock.now())
            self.bot.scheduler.add("care:sweep", sweep, self._arm_missing)

    async def _arm_missing(self) -> None:
        for case in await self.service.pending_timers():
            armed = self.bot.scheduler.job_ids(f"care:escalate:{case.id}") or self.bot.scheduler.job_ids(
                f"care:follow:{case.id}"
            )
            if not armed:
                self._arm(case)

    async def _purge(self) -> None:
        await self.service.purge(self.bot.clock.now())

    def _arm(self, case: Case) -> None:
        if not self.bot.owns(case.guild_id):
            return  # the process on the guild's shard arms it (at start or in its sweep)
        now = self.bot.clock.now()
        if case.escalate_at is not None and case.status == "open":
            at = max(case.escalate_at, now)
            self.bot.scheduler.at(f"care:escalate:{case.id}", at, self._escalate, case.id, case.guild_id)
        else:
            self.bot.scheduler.cancel(f"care:escalate:{case.id}")
        if case.follow_up_at is not None and case.status != "closed":
            at = max(case.follow_up_at, now)
            self.bot.scheduler.at(f"care:follow:{case.id}", at, self._follow_up, case.id, case.guild_id)
        else:
            self.bot.scheduler.cancel(f"care:follow:{case.id}")

    def _rearm(self, cases: list[Case]) -> None:
        """Cases someone let go of by erasing their data: the moderators get them now (after the erase commits)."""
        for case in cases:
            self._arm(case)

    async def _card_text(self, session: AsyncSession, case: Case, channel_id: int) -> str:
        """A case's card for one message (the queue channel leaves out who and where when others can read it)."""
        moderation = self.bot.interfaces.get(ModerationLink)
        role = (await moderation.reach(session, case.guild_id))[1] if moderation is not None else None
        return case_card(case, public=self._public(case.guild_id, channel_id, role))

    # --- after a member wrote ------------------------------------------------------------------------

    async def after_writing(
        self,
        interaction: discord.Interaction,
        *,
        source: str,
        group_id: int | None,
        group_name: str,
        text: str = "",
        mood: int | None = None,
        post_id: int | None = None,
    ) -> None:
        matched = bool(text) and self.bot.safety.matches(text)
        lowest = mood == 1
        if (not matched and not lowest) or interaction.guild_id is None:
            return
        offer = await self.service.offer(
            guild_id=interaction.guild_id,
            writer_id=interaction.user.id,
            group_id=group_id,
            group_name=group_name,
            source=source if matched else "lowmood",
            post_id=post_id,
            now=self.bot.clock.now(),
            locale=interaction.locale.value,
        )
        if offer is None:
            return  # turned off by the member, or already shown today
        duty_notice = None
        if offer.duty:
            who = await self._alert(offer.case)
            template = texts.DUTY_NOTICE_ANONYMOUS if offer.case.anonymous else texts.DUTY_NOTICE
            duty_notice = (
                template.format(who=who, group=group_name or "this server") if who else texts.DUTY_NOBODY_REACHED
            )
            self._arm(offer.case)
        content = domain.crisis_message(
            offer.resources,
            low_mood=not matched,
            duty_notice=duty_notice,
            first_time=offer.first_time,
            own=offer.own_text,
        )
        regions = [region.name for region in offer.resources.regions]
        try:
            await interaction.followup.send(
                content, view=offer_view(offer.case.id, regions), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as error:
            log.warning("could not send the private care message case=%s status=%s", offer.case.id, error.status)

    # --- the member's choices ------------------------------------------------------------------------

    async def on_offer(self, interaction: discord.Interaction, case_id: int, action: str) -> None:
        if action == "okay":
            await self.service.decline(case_id)
            await reply(interaction, texts.OKAY_REPLY)
            return
        if action == "lines":
            await self._show_helplines(interaction)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            case = await self.service.consent(case_id, self.bot.clock.now())
        except NotFound:
            raise BadInput(texts.OFFER_GONE) from None
        if case.owner_id is not None or case.status == "closed":
            await reply(interaction, texts.ALREADY_TAKEN + domain.claim_line(case.owner_id, None))
            return
        await reply(interaction, await self._asked(case))

    async def _asked(self, case: Case) -> str:
        """Alert the people who help with an opened case; what the member is told, honestly."""
        who = await self._alert(case)
        self._arm(case)
        if who is None:
            return domain.fit(texts.NOBODY_REACHED.format(resources=await self._resources_for(case)))
        how = texts.ASKED_ANONYMOUS_HOW if case.anonymous else texts.ASKED_NAMED_HOW
        return texts.ASKED.format(who=who, how=how)

    async def _show_helplines(self, interaction: discord.Interaction, region: str | None = None) -> None:
        if interaction.guild_id is None:
            raise BadInput("Helplines are set per server: use this inside the server.")
        resources = await self.service.resources(interaction.guild_id)
        content = domain.fit(domain.resources_text(resources, region))
        names = [r.name for r in resources.regions]
        await reply(interaction, content, view=regions_view(names) or discord.utils.MISSING)

    async def on_region(self, interaction: discord.Interaction, region: str) -> None:
        await self._show_helplines(interaction, region)

    # --- reaching the people who help ------------------------------------------------------------------

    async def _alert(self, case: Case) -> str | None:
        """Send the case card to the group's facilitators privately, else the moderator queue. Returns who
        was reached, in words for the member; None when nobody could be (the caller tells them honestly)."""
        facilitators, queue, _role = await self.service.responders(case)
        reached = 0
        for user_id in facilitators if case.source != "worried" else []:
            if await self._dm_card(user_id, case):
                reached += 1
        if reached:
            return "this group's facilitators"
        if queue is not None and await self._post_card(queue, case, ping_role=None):
            return "the moderators"
        return None

    async def _dm_card(self, user_id: int, case: Case) -> bool:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            message = await user.send(
                case_card(case), view=case_view(case) or discord.utils.MISSING, allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as error:
            log.info("care case %s: could not DM a facilitator (HTTP %s)", case.id, error.status)
            return False
        await self.service.add_alert(case.id, message.channel.id, message.id)
        return True

    async def _post_card(self, channel_id: int, case: Case, *, ping_role: int | None) -> bool:
        channel = self.bot.get_partial_messageable(channel_id, guild_id=case.guild_id)
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(ping_role)])
            if ping_role
            else NO_MENTIONS
        )
        prefix = f"<@&{ping_role}> " if ping_role else ""
        _facilitators, _queue, role = await self.service.responders(case)
        content = case_card(case, public=self._public(case.guild_id, channel_id, role))
        try:
            message = await channel.send(
                prefix + content, view=case_view(case) or discord.utils.MISSING, allowed_mentions=mentions
            )
        except discord.HTTPException as error:
            log.warning("care case %s: could not post in the moderator queue (HTTP %s)", case.id, error.status)
            return False
        await self.service.add_alert(case.id, channel_id, message.id)
        return True

    def _public(self, guild_id: int, channel_id: int, moderator_role_id: int | None) -> bool:
        """A queue channel people other than moderators and admins can read (DMs never are)."""
        moderation = self.bot.interfaces.get(ModerationLink)
        return bool(moderation and moderation.queue_readers(guild_id, channel_id, moderator_role_id))

    async def _refresh_cards(self, case: Case) -> None:
        """Everyone holding a copy of the card sees who has the case now."""
        _facilitators, _queue, role = await self.service.responders(case)
        for channel_id, message_id in await self.service.alerts(case.id):
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            content = case_card(case, public=self._public(case.guild_id, channel_id, role))
            try:
                await message.edit(content=content, view=case_view(case))
            except discord.HTTPException:
                continue  # deleted by its reader, or a DM Hearth can no longer edit: the others still update

    async def _tell_member(self, case: Case, text: str, view: discord.ui.View | None = None) -> bool:
        """A private word to the person the case is about: a DM, or for an anonymous author through sharing
        (which alone can find them, and never says who they are)."""
        if case.source == "worried":
            return False  # they asked for nothing: nothing automatic goes to them
        if case.source == "concern":
            return await self._concerns().tell_member(case, text, view)
        if case.anonymous:
            posts = self.bot.interfaces.get(AnonymousPosts)
            post_id = await self.service.post_of(case.id)
            return bool(posts and post_id and await posts.dm_author(post_id, domain.fit(text), view))
        if case.member_id is None:
            return False
        try:
            user = self.bot.get_user(case.member_id) or await self.bot.fetch_user(case.member_id)
            await user.send(domain.fit(text), view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.info("care case %s: could not DM the member (HTTP %s)", case.id, error.status)
            return False
        return True

    async def _quiet_thread(self, case: Case, owner_id: int, text: str) -> bool:
        """A private thread in the group's channel with only the member and the one who took their case."""
        channel_id = await self.service.group_channel(case)
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel) or case.member_id is None:
            return False
        try:
            thread = await channel.create_thread(
                name="A quiet space", type=discord.ChannelType.private_thread, invitable=False
            )
            await thread.add_user(discord.Object(case.member_id))
            await thread.add_user(discord.Object(owner_id))
            await thread.send(
                f"<@{case.member_id}> " + domain.fit(text),
                view=member_view(case.id, answer=False),
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(case.member_id)]
                ),
            )
        except discord.HTTPException as error:
            log.info("care case %s: no private thread either (HTTP %s)", case.id, error.status)
            return False
        return True

    def _concerns(self) -> ConcernCog:
        cog = self.bot.get_cog("ConcernCog")
        if cog is None:
            raise NotFound("Concerns are restarting; try again in a moment.")
        return cast("ConcernCog", cog)

    async def _resources_for(self, case: Case) -> str:
        return domain.resources_text(await self.service.resources(case.guild_id))

    # --- timers ----------------------------------------------------------------------------------------

    async def _escalate(self, case_id: int, guild_id: int) -> None:
        """Unclaimed past its deadline. The queue card (pinging the moderator role) and a named member's
        "nobody is free yet" go through the delivery record, written with the escalation itself: a crash or a
        restart neither loses nor doubles them."""
        if not self.bot.owns(guild_id):
            return
        try:
            before = await self.service.case(case_id)
        except NotFound:
            return  # erased in the meantime
        _facilitators, queue, role = await self.service.responders(before)
        waiting = texts.HANDED_BACK if before.handed_back else texts.NOBODY_FREE
        nobody_free = domain.fit(waiting.format(resources=await self._resources_for(before)))

        def enqueue(session: AsyncSession, case: Case) -> None:
            if queue is not None:
                card = case_card(case, public=self._public(case.guild_id, queue, role))
                content = domain.fit((f"<@&{role}> " if role else "") + card)
                self.bot.deliveries.enqueue(
                    session,
                    Delivery.channel(
                        queue,
                        content,
                        purpose=ESCALATION_PURPOSE,
                        ref=str(case.id),
                        guild_id=case.guild_id,
                        view=escalation_key(case.id, role),
                    ),
                )
            if case.member_id is not None and case.source not in ("worried", "concern"):
                self.bot.deliveries.enqueue(
                    session,
                    Delivery.dm(
                        case.member_id,
                        nobody_free,
                        purpose=NOBODY_FREE_PURPOSE,
                        ref=str(case.id),
                        guild_id=case.guild_id,
                    ),
                )

        case = await self.service.escalate(case_id, self.bot.clock.now(), enqueue)
        if case is None:
            return  # claimed, closed or erased in the meantime
        await self._refresh_cards(case)
        if case.source != "worried" and (case.anonymous or case.source == "concern"):
            # Only sharing (or the concern's seal) can find them, and no record may hold who they are.
            await self._tell_member(case, nobody_free)
        if queue is None:
            log.warning("care case %s: unclaimed and no moderator queue to escalate to", case.id)

    async def _follow_up(self, case_id: int, guild_id: int) -> None:
        if not self.bot.owns(guild_id):
            return

        def enqueue(session: AsyncSession, case: Case) -> None:
            assert case.owner_id is not None
            text = (
                f"A gentle reminder: you made contact on {case.label.split(':')[0]} a day ago. "
                "How are they doing? A short check-in can mean a lot. Close the case when it feels right."
            )
            self.bot.deliveries.enqueue(
                session,
                Delivery.dm(
                    case.owner_id,
                    domain.fit(text),
                    purpose=FOLLOW_UP_PURPOSE,
                    ref=str(case.id),
                    guild_id=case.guild_id,
                    view=f"{OWNER_VIEW}:{case.id}",
                ),
            )

        await self.service.follow_up_done(case_id, enqueue)

    # --- the people handling a case --------------------------------------------------------------------

    async def _actor(self, interaction: discord.Interaction, guild_id: int, user_id: int | None = None) -> Actor:
        """The presser (or someone picked) as a member of the case's server, also from a DM."""
        if interaction.guild_id == guild_id and user_id is None:
            return actor_of(interaction)
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise NotFound("I can't see that server right now; try again in a moment.")
        target = user_id or interaction.user.id
        try:
            member = guild.get_member(target) or await guild.fetch_member(target)
        except discord.NotFound:
            raise BadInput("That person isn't in the server any more.") from None
        return Actor(
            guild_id=guild_id,
            user_id=member.id,
            role_ids=frozenset(role.id for role in member.roles),
            is_admin=guild.owner_id == member.id or member.guild_permissions.manage_guild,
        )

    async def on_case(self, interaction: discord.Interaction, case_id: int, action: str) -> None:
        case = await self.service.case(case_id)
        actor = await self._actor(interaction, case.guild_id)
        now = self.bot.clock.now()
        if action == "claim":
            case, won = await self.service.claim(case_id, actor, now)
            if not won:
                await reply(interaction, f"<@{case.owner_id}> already has this one. Thank you for being ready to help.")
                return
            self._arm(case)
            if case.source == "concern":
                await self._claim_concern(interaction, case)
                return
            await reply(
                interaction,
                "It's yours. Reach out kindly and in your own words; press **Contact made** once you've talked, "
                "and **Close** with a short private note when it feels right."
                + (" They're anonymous: use **Write to them**." if case.anonymous else ""),
            )
            await self._refresh_cards(case)
            guild = self.bot.get_guild(case.guild_id)
            where = guild.name if guild else "the server"
            owner = interaction.user.display_name
            if case.anonymous:
                text = texts.CLAIMED_ANONYMOUS.format(guild=where, owner=owner)
            else:
                text = texts.CLAIMED.format(guild=where, owner=owner)
            if await self._tell_member(case, text, member_view(case.id, answer=case.anonymous)):
                return
            if case.source != "worried" and not case.anonymous and case.member_id is not None:
                # Their DMs are closed (50007): a private thread with just the two of them, else say so plainly.
                if await self._quiet_thread(case, interaction.user.id, text):
                    await reply(
                        interaction, "Their direct messages are closed, so I opened a private thread for you two."
                    )
                else:
                    await reply(
                        interaction,
                        "I couldn't reach them: their direct messages are closed and I couldn't open a private thread. "
                        "Please reach out another way (say hello in the group), gently.",
                    )
            return
        if action == "write":
            await interaction.response.send_modal(
                TextForm(
                    "write",
                    case_id,
                    interaction.user.id,
                    title="Write to them",
                    label="Your message",
                    limit=domain.RELAY_LIMIT,
                )
            )
            return
        if action == "close":
            await interaction.response.send_modal(
                TextForm(
                    "close",
                    case_id,
                    interaction.user.id,
                    title="Close this case",
                    label="A short private note (case handlers only)",
                    limit=domain.NOTE_LIMIT,
                )
            )
            return
        if action in {"handover", "bringin"}:
            await reply(interaction, "Who?", view=PersonPicker(case_id, action))
            return
        case = await self.service.contact_made(case_id, actor, now)
        self._arm(case)
        await self._refresh_cards(case)
        await reply(interaction, "Noted: contact made. I'll remind you to follow up tomorrow.")

    async def _claim_concern(self, interaction: discord.Interaction, case: Case) -> None:
        """A concern taken: the taker reads it (only they do, ephemerally), the member is told who has it."""
        transcript = await self._concerns().transcript(case.id)
        await reply(
            interaction,
            domain.fit(
                "It's yours. What they wrote:\n" + transcript + "\n\n**Write to them** answers through Hearth; "
                "**Close** with a short private note when it's resolved."
            ),
        )
        await self._refresh_cards(case)
        guild = self.bot.get_guild(case.guild_id)
        where = guild.name if guild else "the server"
        await self._tell_member(
            case,
            f"**{interaction.user.display_name}** from **{where}** has taken your concern #{case.id}"
            + (" (they don't know who you are)" if case.anonymous else "")
            + ". Their answers will come here and to `/concern inbox:True`.",
            concern_view(case.id, closed=False),
        )

    async def on_pick(self, interaction: discord.Interaction, case_id: int, kind: str, picked: object) -> None:
        case = await self.service.case(case_id)
        actor = await self._actor(interaction, case.guild_id)
        other = await self._actor(interaction, case.guild_id, getattr(picked, "id", None))
        if kind == "handover":
            case = await self.service.hand_over(case_id, actor, other)
            await self._dm_card(other.user_id, case)
            note = f"Handed over to <@{other.user_id}>; they have the card now."
        else:
            case = await self.service.bring_in(case_id, actor, other)
            await self._dm_card(other.user_id, case)
            note = f"<@{other.user_id}> is on this case with you now."
        await self._refresh_cards(case)
        await reply(interaction, note)

    async def on_form(self, interaction: discord.Interaction, kind: str, case_id: int, text: str) -> None:
        case = await self.service.case(case_id)
        if kind == "answer" and case.source == "concern":
            await self._concerns().member_answer(interaction, case_id, text)
            return
        if kind == "answer":  # the member answers the person reaching out
            if case.owner_id is None or case.status == "closed":
                raise BadInput(texts.CONVERSATION_CLOSED)
            message = texts.RELAYED_TO_OWNER.format(
                case=case.id, text=domain.clean_note(text, what="answer", limit=domain.RELAY_LIMIT)
            )
            try:
                owner = self.bot.get_user(case.owner_id) or await self.bot.fetch_user(case.owner_id)
                await owner.send(
                    domain.fit(message), view=case_view(case) or discord.utils.MISSING, allowed_mentions=NO_MENTIONS
                )
            except discord.HTTPException:
                raise BadInput(texts.ANSWER_NOT_PASSED_ON) from None
            await reply(interaction, texts.ANSWER_SENT)
            return
        actor = await self._actor(interaction, case.guild_id)
        if kind == "close":
            case = await self.service.close(case_id, actor, text, self.bot.clock.now())
            self._arm(case)
            await self._refresh_cards(case)
            if case.source == "concern":
                await self._tell_member(
                    case,
                    f"Your concern #{case.id} has been closed by the person handling it. If there's more to say, "
                    "press **Reopen**.",
                    concern_view(case.id, closed=True),
                )
            else:
                await self._tell_member(case, texts.HANDLER_CLOSED)
            await reply(interaction, "Closed. Thank you for being there for them.")
            return
        if case.source == "concern":
            await self._write_concern(interaction, case, actor, text)
            return
        words = domain.clean_note(text, what="message", limit=domain.RELAY_LIMIT)
        guild = self.bot.get_guild(case.guild_id)
        await self.service.check_owner(case_id, actor)
        relayed = texts.RELAYED_TO_MEMBER.format(
            owner=interaction.user.display_name, guild=guild.name if guild else "the server", text=words
        )
        if not await self._tell_member(case, relayed, member_view(case.id, answer=True)):
            raise BadInput(
                "I couldn't reach them: their messages from server members are closed, or they've left. Your words "
                "weren't kept. They have the helplines; you could try again later."
            )
        await reply(interaction, "Sent through Hearth. Their answer will come to your messages.")

    async def _write_concern(self, interaction: discord.Interaction, case: Case, actor: Actor, text: str) -> None:
        """The handler answers a concern: kept for the member's inbox first, then a DM when it can reach them."""
        words = await self._concerns().concerns.staff_says(case.id, actor, text, self.bot.clock.now())
        guild = self.bot.get_guild(case.guild_id)
        template = (
            texts.RELAYED_TO_MEMBER if case.anonymous else "**{owner}** from **{guild}** wrote to you:\n>>> {text}"
        )
        relayed = template.format(
            owner=interaction.user.display_name, guild=guild.name if guild else "the server", text=words
        )
        if await self._tell_member(case, relayed, concern_view(case.id, closed=False)):
            await reply(interaction, "Sent through Hearth. Their answer will come to your messages.")
        else:
            await reply(
                interaction,
                "Their messages are closed, so it's waiting in their `/concern` inbox; their answer will come to "
                "your messages.",
            )

    async def on_member(self, interaction: discord.Interaction, case_id: int, action: str) -> None:
        if action == "done":
            await self._concerns().member_done(interaction, case_id)
            return
        if action == "reopen":
            await self._concerns().member_reopen(interaction, case_id)
            return
        if action == "answer":
            await interaction.response.send_modal(
                TextForm(
                    "answer",
                    case_id,
                    interaction.user.id,
                    title="Answer",
                    label="Your answer",
                    limit=domain.RELAY_LIMIT,
                )
            )
            return
        case = await self.service.member_close(case_id, self.bot.clock.now())
        self._arm(case)
        await self._refresh_cards(case)
        if case.owner_id is not None:
            try:
                owner = self.bot.get_user(case.owner_id) or await self.bot.fetch_user(case.owner_id)
                await owner.send(f"Case #{case.id}: the member said they're okay now and closed it. Thank you.")
            except discord.HTTPException:
                pass
        await reply(interaction, texts.MEMBER_CLOSED)

    async def on_region_form(self, interaction: discord.Interaction, name: str, lines: str) -> None:
        resources = await self.service.set_region(actor_of(interaction), name, lines)
        listed = ", ".join(r.name for r in resources.regions)
        await reply(interaction, f"Saved. Members can now choose from: {listed}.")

    # --- commands --------------------------------------------------------------------------------------

    @care.command(name="ask", description="Ask for someone here to reach out to you, privately")
    @app_commands.describe(group="The group whose facilitators you'd like to hear from (default: yours)")
    @app_commands.autocomplete(group=_my_groups)
    async def ask(self, interaction: discord.Interaction, group: app_commands.Range[str, 1, 100] | None = None) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await self.service.ask(actor, group, interaction.channel_id, self.bot.clock.now())
        if case.owner_id is not None:
            await reply(interaction, texts.ALREADY_ASKED.format(owner=f"<@{case.owner_id}>"))
            return
        await reply(interaction, await self._asked(case))

    @care.command(name="helplines", description="Crisis lines and helplines you can reach right now")
    async def helplines(self, interaction: discord.Interaction) -> None:
        await self._show_helplines(interaction)

    @care.command(name="off", description="Stop the automatic private messages when you write something hard")
    async def off(self, interaction: discord.Interaction) -> None:
        await self.service.set_automatic(actor_of(interaction), False)
        await reply(interaction, texts.TURNED_OFF)

    @care.command(name="on", description="Turn the automatic private messages back on")
    async def on(self, interaction: discord.Interaction) -> None:
        await self.service.set_automatic(actor_of(interaction), True)
        await reply(interaction, texts.TURNED_ON)

    @for_audience(Audience.HELPERS)
    @FACILITATE.command(
        name="cases", description="Facilitators and moderators: open care requests, most pressing first"
    )
    async def cases(self, interaction: discord.Interaction) -> None:
        found = await self.service.open_cases(actor_of(interaction))
        if not found:
            await reply(interaction, "No open care requests you can take. Thank you for checking.")
            return
        lines = [f"{c.label} · {domain.claim_line(c.owner_id, c.helper_id)}" for c in found[:15]]
        await reply(
            interaction,
            domain.fit("\n".join([*lines, "", "Open one below to take it or act on it."])),
            view=CasePicker([(c.id, c.label) for c in found[:25]]),
        )

    # The same list among the moderators' own commands: escalated requests come to them too.
    mod_cases = for_audience(Audience.HELPERS)(
        app_commands.Command(
            name="cases",
            description="Care requests that reached the moderators, most pressing first",
            callback=cases.callback,
            parent=MODERATE,
        )
    )

    async def show_case(self, interaction: discord.Interaction, case_id: int) -> None:
        """A case's card, privately, with its buttons (from `/facilitate cases`)."""
        case = await self.service.case(case_id)
        if case_id not in {c.id for c in await self.service.open_cases(actor_of(interaction))}:
            raise BadInput(
                "That request isn't one you can take (it may have been closed). `/facilitate cases` (moderators: "
                "`/mod cases`) shows what is current."
            )
        await reply(interaction, case_card(case), view=case_view(case) or discord.utils.MISSING)

    @for_audience(Audience.ADMINS)
    @care_setup.command(name="resources", description="Server admins: set the helplines of a region members can pick")
    @app_commands.default_permissions(manage_guild=True)
    async def resources(self, interaction: discord.Interaction) -> None:
        if not actor_of(interaction).is_admin:
            raise BadInput("Only server admins (Manage Server) can change the crisis resources.")
        await interaction.response.send_modal(RegionForm(interaction.user.id))

    @for_audience(Audience.ADMINS)
    @care_setup.command(
        name="crisis-message", description="Server admins: your own reviewed crisis message for one language"
    )
    @app_commands.describe(language="The members' Discord language, e.g. de for German")
    @app_commands.default_permissions(manage_guild=True)
    async def crisis_message(
        self, interaction: discord.Interaction, language: app_commands.Range[str, 1, 40] = "de"
    ) -> None:
        actor = actor_of(interaction)
        if not actor.is_admin:
            raise BadInput("Only server admins (Manage Server) can change the crisis messages.")
        code = domain.language_code(language)
        current = await self.service.crisis_text(actor.guild_id, code)
        await interaction.response.send_modal(CrisisTextForm(interaction.user.id, code, current))

    @crisis_message.autocomplete("language")
    async def _languages(self, _interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()
        return [
            app_commands.Choice(name=f"{name} ({code})", value=code)
            for code, name in domain.LANGUAGES.items()
            if wanted in code.lower() or wanted in name.lower()
        ][:25]

    async def on_crisis_form(self, interaction: discord.Interaction, code: str, crisis: str, low: str) -> None:
        languages = await self.service.set_crisis_text(actor_of(interaction), code, crisis, low)
        name = domain.LANGUAGES[code]
        if code not in languages:
            await reply(interaction, f"Removed. Members using Discord in {name} get the English crisis message.")
            return
        await reply(
            interaction,
            f"Saved. Members using Discord in {name} now get your text, followed by the helplines; everyone "
            "else gets the English one. Here is what they'll see first:\n\n" + domain.fit(crisis.strip(), 1500),
        )

    @for_audience(Audience.ADMINS)
    @care_setup.command(name="figures", description="Server admins: how quickly care requests are picked up (no names)")
    async def figures(self, interaction: discord.Interaction) -> None:
        figures = await self.service.figures(actor_of(interaction), self.bot.clock.now())
        if figures.claim_median_minutes is None:
            await reply(interaction, f"{figures.cases} care requests in the last 90 days: too few to show timings.")
            return
        lines = [
            f"Care requests in the last 90 days: {figures.cases}; picked up: {figures.claimed}; "
            f"went to the moderators: {figures.escalated}.",
            f"Time to pick up: median {figures.claim_median_minutes:.0f} min, 90% within "
            f"{figures.claim_p90_minutes:.0f} min.",
        ]
        if figures.contact_median_minutes is not None:
            lines.append(f"Time to contact: median {figures.contact_median_minutes:.0f} min.")
        await reply(interaction, "\n".join(lines))

    async def worried(
        self,
        interaction: discord.Interaction,
        *,
        channel_id: int,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
    ) -> None:
        """The Report form's "I'm worried about this person": a case for the moderators, nothing to that person."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._open_worry(actor_of(interaction), message_id, author_id, author_is_bot)
        await reply(interaction, texts.WORRIED_THANKS)

    async def outside_groups(
        self,
        interaction: discord.Interaction,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
    ) -> bool:
        """Report on a message outside group channels: only a worry applies there, offered with one button."""
        actor = actor_of(interaction)
        if await self.service.in_group_channel(actor.guild_id, channel_id, parent_id):
            return False
        refuse_worry(actor, member_id=author_id, is_bot=author_is_bot or author_id is None)
        assert author_id is not None
        await reply(interaction, texts.WORRIED_ELSEWHERE, view=WorryView(message_id, author_id))
        return True

    async def worried_elsewhere(self, interaction: discord.Interaction, message_id: int, author_id: int) -> None:
        """The button under ``outside_groups``' answer: the case, then that answer becomes the thank-you."""
        await self._open_worry(actor_of(interaction), message_id, author_id, False)
        await interaction.response.edit_message(content=texts.WORRIED_THANKS, view=None)

    async def _open_worry(self, actor: Actor, message_id: int, author_id: int | None, author_is_bot: bool) -> None:
        post_id = None
        posts = self.bot.interfaces.get(AnonymousPosts)
        if posts is not None:  # an anonymous post is Hearth's message: the case follows the post, never its writer
            async with self.bot.db.read() as session:
                found = await posts.post_by_message(session, actor.guild_id, message_id)
            post_id = found.id if found else None
        anonymous = post_id is not None
        case = await self.service.worried(
            actor,
            member_id=None if anonymous else author_id,
            post_id=post_id,
            is_bot=author_is_bot and not anonymous,
            now=self.bot.clock.now(),
        )
        self._arm(case)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        for case in await self.service.owner_left(payload.guild_id, payload.user.id, self.bot.clock.now()):
            self._arm(case)
            await self._refresh_cards(case)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """Someone lost a role (facilitator, moderator): cases they may no longer handle go back to the pool."""
        if not {r.id for r in before.roles} - {r.id for r in after.roles}:
            return
        guild = after.guild
        actor = Actor(
            guild_id=guild.id,
            user_id=after.id,
            role_ids=frozenset(role.id for role in after.roles),
            is_admin=guild.owner_id == after.id or after.guild_permissions.manage_guild,
        )
        for case in await self.service.roles_changed(actor, self.bot.clock.now()):
            self._arm(case)
            await self._refresh_cards(case)


class ModeratorsWork:
    """Care's part of `/mod queue` (``QueueExtras``): open concerns, and care requests that came to the moderators."""

    def __init__(self, service: CareService) -> None:
        self.service = service

    async def queue_lines(self, actor: Actor) -> list[str]:
        found = [c for c in await self.service.open_cases(actor) if c.source == "concern" or c.escalated]
        if not found:
            return []
        lines = [f"- {c.label} · {domain.claim_line(c.owner_id, c.helper_id)}" for c in found[:10]]
        more = [f"- …and {len(found) - 10} more"] if len(found) > 10 else []
        return ["**Concerns and care requests** · take them in `/mod cases`", *lines, *more]


class Desk:
    """Care as other features reach it (``bot.interfaces.get(CareDesk)``)."""

    def __init__(self, cog: CareCog) -> None:
        self.cog = cog

    def matches(self, text: str) -> bool:
        return self.cog.bot.safety.matches(text)

    async def after_writing(
        self,
        interaction: discord.Interaction,
        *,
        source: str,
        group_id: int | None,
        group_name: str,
        text: str = "",
        mood: int | None = None,
        post_id: int | None = None,
    ) -> None:
        try:
            await self.cog.after_writing(
                interaction,
                source=source,
                group_id=group_id,
                group_name=group_name,
                text=text,
                mood=mood,
                post_id=post_id,
            )
        except Exception:
            # The member's own words already went through; never turn that into an error for them.
            log.exception("care follow-up failed for a %s", source)
