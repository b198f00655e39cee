"""Discord glue for /checkin: commands, the form, cards, reminders, prompts and the retention job."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot import i18n
from bot.delivery import GivenUp
from bot.errors import BadInput
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.role_commands import FACILITATE
from bot.translator import server_language
from cogs.care.api import CareDesk
from cogs.checkins import domain, texts
from cogs.checkins.domain import Visibility
from cogs.checkins.privacy import CheckinPrivacy
from cogs.checkins.prompts import PROMPT_VIEW
from cogs.checkins.records import CheckinInfo, LowAlert, PromptInfo, ReminderInfo
from cogs.checkins.reminders import REMINDER_PURPOSE
from cogs.checkins.service import CheckinService
from cogs.checkins.views import CheckinForm, RetryView, card_content, prompt_view, support_view
from cogs.groups.api.choices import group_choices, timezone_choices

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins")

JOB_PREFIX = "checkins:"
RETENTION_JOB = "checkins:retention"
REBUILD_SLICE = 500
# English names as choices; the translator shows them in each language (texts.weekday).
DAYS_OF_WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def reminder_job(reminder_id: int) -> str:
    return f"checkins:remind:{reminder_id}"


def prompt_job(prompt_id: int) -> str:
    return f"checkins:prompt:{prompt_id}"


class CheckinCog(commands.Cog):
    checkin = app_commands.Group(
        name="checkin", description="How are you, really? Check in, see your trend, set a reminder", guild_only=True
    )
    remind = app_commands.Group(name="remind", description="A daily check-in reminder by DM", parent=checkin)
    alerts = app_commands.Group(
        name="alerts", description="Let your facilitators know if you've been low (your choice)", parent=checkin
    )
    group_view = app_commands.Group(
        name="checkin", description="A group's check-ins in totals, and its scheduled prompt", parent=FACILITATE
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.settings = bot.settings.checkins
        self.service = CheckinService(
            bot.db,
            bot.settings.checkins,
            bot.clock,
            retention_days=bot.settings.retention.checkins_days,
            default_timezone=bot.settings.groups.default_timezone,
            deliveries=bot.deliveries,
        )
        bot.deliveries.on_given_up(REMINDER_PURPOSE, self._reminder_given_up)
        bot.sender.register_view(PROMPT_VIEW, self._prompt_view)
        self.privacy = CheckinPrivacy()

    @staticmethod
    def _prompt_view(argument: str) -> discord.ui.View:
        group_id, _sep, language = argument.partition(":")  # "<group id>:<language>"; older ones: no language
        return prompt_view(int(group_id), language or None)

    def _server(self, guild_id: int | None) -> contextlib.AbstractContextManager[str]:
        """Posts in a group's channel and DMs to others speak the server's language."""
        return i18n.using(server_language(self.bot, guild_id))

    def _language_of(self, guild_id: int) -> str:
        return server_language(self.bot, guild_id)

    # --- lifecycle ------------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.bot.privacy.register(self.privacy)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel_prefix(JOB_PREFIX)
        self.bot.deliveries.drop_hook(REMINDER_PURPOSE)
        self.bot.privacy.unregister(self.privacy.name)

    async def hearth_start(self) -> None:
        """Rebuild reminder, prompt and retention jobs from the database (the truth), in slices: only those
        of guilds on this process's shards (schedule_* skip the rest)."""
        now = self.bot.clock.now()
        reminders = await self.service.active_reminders()
        for index, info in enumerate(reminders):
            self.schedule_reminder(info, now)
            if index % REBUILD_SLICE == REBUILD_SLICE - 1:
                await asyncio.sleep(0)
        for prompt in await self.service.active_prompts():
            self.schedule_prompt(prompt, now)
        self.bot.scheduler.daily(RETENTION_JOB, self._retention)
        log.info("check-ins: %d reminders and prompts scheduled", len(reminders))

    # --- /checkin now and the form ----------------------------------------------------------------------

    async def group_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        command = interaction.command.qualified_name if interaction.command else ""
        facilitating = command.startswith("facilitate ")  # the summary and prompt: groups they facilitate
        return await group_choices(interaction, current, "mine", *(("facilitate",) if facilitating else ()))

    async def timezone_autocomplete(
        self, _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @checkin.command(name="now", description="Check in: how you feel (1–5), an optional note, who may see it")
    @app_commands.describe(group="Which group (default: this channel's group, or your only group)")
    @app_commands.autocomplete(group=group_autocomplete)
    async def now(self, interaction: discord.Interaction, group: str | None = None) -> None:
        actor = actor_of(interaction)
        target = await self.service.prepare(actor, group, interaction.channel_id)
        await interaction.response.send_modal(CheckinForm(self, group_id=target.group_id, group_name=target.group_name))
        await self._stopped_notice(interaction)

    async def _stopped_notice(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is not None and await self.service.take_stopped_notice(actor_of(interaction)):
            await interaction.followup.send(texts.reminder_stopped_dms_closed(), ephemeral=True)

    async def form_submitted(
        self, interaction: discord.Interaction, form: CheckinForm, mood: str, note: str, visibility: str
    ) -> None:
        actor = actor_of(interaction)
        try:
            self.service.validate(mood, note, visibility)
        except BadInput as problem:
            # Nothing is saved; the member keeps what they typed and can fix it in one click.
            kwargs: dict[str, Any] = {
                "group_id": form.group_id,
                "group_name": form.group_name,
                "editing": form.editing,
                "mood": int(mood) if mood.isdigit() else None,
                "note": note[: form.note.max_length or None],
                "visibility": Visibility(visibility) if visibility in Visibility._value2member_map_ else None,
            }
            await reply(interaction, texts.not_saved(problem.message), view=RetryView(self, kwargs, actor.user_id))
            return
        if form.editing:
            await self._edit_submitted(interaction, form.editing, mood, note, visibility)
            return
        outcome = await self.service.submit(actor, form.group_id, mood, note, visibility)
        checkin = outcome.checkin
        lines = [texts.checked_in(checkin.group_name, checkin.mood, checkin.visibility.value)]
        if outcome.alert is not None:
            lines.append(texts.telling_facilitators())
        lines.append(texts.change_window(self.settings.edit_window_minutes))
        await reply(interaction, "\n".join(lines))
        await self._after_note(interaction, checkin)
        if checkin.visibility is Visibility.GROUP:
            await self._post_card(interaction, checkin, outcome.group_channel_id)
        if outcome.alert is not None:
            await self._send_low_alert(interaction, outcome.alert)

    async def _after_note(self, interaction: discord.Interaction, checkin: CheckinInfo) -> None:
        """Words of crisis in the note, or the lowest mood: care answers privately, with choices. Without
        the care feature loaded, the crisis resources are still shown (only to the member)."""
        desk = self.bot.interfaces.get(CareDesk)
        if desk is not None:
            await desk.after_writing(
                interaction,
                source="checkin",
                group_id=checkin.group_id,
                group_name=checkin.group_name,
                text=checkin.note or "",
                mood=checkin.mood,
            )
        elif checkin.note and self.bot.safety.matches(checkin.note):
            await interaction.followup.send(self.bot.safety.resources[:2000], ephemeral=True)

    async def _post_card(self, interaction: discord.Interaction, checkin: CheckinInfo, channel_id: int | None) -> None:
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.abc.Messageable):
            await reply(interaction, texts.no_channel_for_card())
            return
        try:
            with self._server(interaction.guild_id):
                content, view = card_content(checkin), support_view(checkin.id)
            message = await channel.send(content, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not post check-in card %s in channel %s", checkin.id, channel_id)
            await reply(interaction, texts.card_not_posted())
            return
        await self.service.attach_card(checkin.id, message.channel.id, message.id)

    async def _send_low_alert(self, interaction: discord.Interaction, alert: LowAlert) -> None:
        guild_name = interaction.guild.name if interaction.guild else "Discord"
        with self._server(interaction.guild_id):  # a facilitator's own locale is unknown here
            text = texts.low_alert(
                f"<@{alert.member_id}>", alert.consecutive, alert.group_name, guild_name, alert.threshold
            )
        for facilitator_id in alert.facilitator_ids:
            try:
                dm = await self.bot.create_dm(discord.Object(facilitator_id))
                await dm.send(text, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.info("could not DM a low-mood alert to a facilitator of group %s", alert.group_name)

    # --- support ------------------------------------------------------------------------------------------

    async def support_clicked(self, interaction: discord.Interaction, checkin_id: int) -> None:
        outcome = await self.service.support(actor_of(interaction), checkin_id)
        if not outcome.added:
            await reply(interaction, texts.support_already())
            return
        with self._server(interaction.guild_id):
            content = card_content(outcome.checkin)
        await interaction.response.edit_message(content=content, allowed_mentions=NO_MENTIONS)
        await reply(interaction, texts.support_sent())

    # --- edit and delete ------------------------------------------------------------------------------------

    @checkin.command(name="edit", description="Change your latest check-in (for a short while after you made it)")
    async def edit(self, interaction: discord.Interaction) -> None:
        latest = await self.service.latest_editable(actor_of(interaction))
        await interaction.response.send_modal(
            CheckinForm(
                self,
                group_id=latest.group_id,
                group_name=latest.group_name,
                editing=latest.id,
                mood=latest.mood,
                note=latest.note,
                visibility=latest.visibility,
            )
        )

    async def _edit_submitted(
        self, interaction: discord.Interaction, checkin_id: int, mood: str, note: str, visibility: str
    ) -> None:
        outcome = await self.service.edit(actor_of(interaction), checkin_id, mood, note, visibility)
        checkin = outcome.checkin
        await reply(interaction, texts.updated(checkin.group_name, checkin.mood, checkin.visibility.value))
        await self._after_note(interaction, checkin)
        if checkin.visibility is Visibility.GROUP and outcome.old_card is not None:
            with self._server(interaction.guild_id):
                content = card_content(checkin)
            await self._edit_card(outcome.old_card, content=content)
        elif checkin.visibility is Visibility.GROUP:
            await self._post_card(interaction, checkin, outcome.group_channel_id)
        elif outcome.old_card is not None:
            await self._delete_card(outcome.old_card)

    async def _edit_card(self, card: tuple[int, int], *, content: str) -> None:
        channel_id, message_id = card
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            await channel.get_partial_message(message_id).edit(content=content, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.info("could not update check-in card %s", message_id)

    async def _delete_card(self, card: tuple[int, int]) -> None:
        channel_id, message_id = card
        try:
            await self.bot.get_partial_messageable(channel_id).get_partial_message(message_id).delete()
        except discord.HTTPException:
            log.info("could not delete check-in card %s", message_id)

    @checkin.command(name="delete", description="Delete your latest check-in (for a short while after you made it)")
    async def delete(self, interaction: discord.Interaction) -> None:
        removed = await self.service.delete_latest(actor_of(interaction))
        if removed.card_channel_id is not None and removed.card_message_id is not None:
            await self._delete_card((removed.card_channel_id, removed.card_message_id))
        await reply(interaction, texts.deleted(removed.group_name))

    # --- history -----------------------------------------------------------------------------------------

    @checkin.command(name="history", description="Your own check-ins over 30 or 90 days: a chart and a text summary")
    @app_commands.describe(days="How far back to look")
    async def history(self, interaction: discord.Interaction, days: Literal[30, 90] = 30) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.service.history(actor, days)
        text = texts.history_text(data)
        if not data.points:
            await reply(interaction, text)
            return
        daily = domain.daily_means(data.points, data.zone)
        # matplotlib costs ~25 MB and half a second to import: load it on the first chart, not at start.
        from cogs.checkins.chart import render_history

        png = await asyncio.to_thread(
            render_history,
            daily,
            domain.local_date(data.start, data.zone),
            domain.local_date(data.end, data.zone),
            texts.chart_title(days),
        )
        file = discord.File(io.BytesIO(png), filename="checkin-history.png", description=text[:1000])
        await reply(interaction, text, file=file)

    # --- summary -----------------------------------------------------------------------------------------

    @group_view.command(name="summary", description="Facilitators: a group's check-ins in totals (never private notes)")
    @app_commands.describe(
        group="Which group (default: this channel's group)", days="7: the last whole week; 30: the last four"
    )
    @app_commands.autocomplete(group=group_autocomplete)
    async def summary(
        self, interaction: discord.Interaction, group: str | None = None, days: Literal[7, 30] = 7
    ) -> None:
        actor = actor_of(interaction)
        data = await self.service.summary(actor, group, interaction.channel_id, days)
        await reply(interaction, texts.summary_text(data))

    # --- reminders ------------------------------------------------------------------------------------------

    @remind.command(name="set", description="A daily DM at a local time, unless you've already checked in that day")
    @app_commands.describe(
        time="Local time, e.g. 7:30, 07:30, 7pm or 19:00", timezone="Your timezone, e.g. Europe/Berlin"
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def remind_set(self, interaction: discord.Interaction, time: str, timezone: str | None = None) -> None:
        actor = actor_of(interaction)
        at, zone = await self.service.reminder_preview(actor, time, timezone)
        guild_name = interaction.guild.name if interaction.guild else "Discord"
        when = texts.clock_time(at, zone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            dm = await self.bot.create_dm(discord.Object(actor.user_id))
            await dm.send(texts.reminder_confirm_dm(when, guild_name))
        except discord.Forbidden:
            await reply(interaction, texts.dms_closed())
            return
        info = await self.service.set_reminder(actor, at, timezone)
        next_at = self.schedule_reminder(info, self.bot.clock.now())
        await reply(interaction, texts.reminder_set(when, format_dt(next_at, "R")))

    @remind.command(name="off", description="Stop your daily check-in reminder")
    async def remind_off(self, interaction: discord.Interaction) -> None:
        removed = await self.service.remove_reminder(actor_of(interaction))
        if removed is None:
            await reply(interaction, texts.no_reminder())
            return
        self.bot.scheduler.cancel(reminder_job(removed))
        await reply(interaction, texts.reminder_off())

    def schedule_reminder(self, info: ReminderInfo, now: datetime) -> datetime:
        next_at = domain.next_local_occurrence(now, info.at, info.zone)
        # With several processes, only the one serving the guild's shard fires it (issue 20).
        if self.bot.owns(info.guild_id):
            self.bot.scheduler.at(reminder_job(info.id), next_at, self._fire_reminder, info.id, info.guild_id)
        return next_at

    async def _fire_reminder(self, reminder_id: int, guild_id: int) -> None:
        if not self.bot.owns(guild_id):
            return  # another process serves this guild's shard and fires it
        try:
            due = await self.service.reminder_due(reminder_id, self._guild_name, self._language_of)
            if due is None:
                return
            # A DM due now was recorded with the reminder (bot/delivery.py sends it); only the next firing is ours.
            self.bot.scheduler.at(reminder_job(reminder_id), due.next_at, self._fire_reminder, reminder_id, guild_id)
        except Exception:
            log.exception("check-in reminder %s failed", reminder_id)

    def _guild_name(self, guild_id: int) -> str | None:
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild else None

    async def _reminder_given_up(self, given_up: GivenUp) -> None:
        """DMs closed: stop the reminder and tell the member next time they use /checkin."""
        if given_up.status == 403 and given_up.ref is not None:
            await self.service.stop_reminder_dms_closed(int(given_up.ref))
            self.bot.scheduler.cancel(reminder_job(int(given_up.ref)))
            log.info("reminder %s stopped: DMs closed", given_up.ref)

    # --- low-mood alerts ------------------------------------------------------------------------------------

    @alerts.command(name="on", description="After several low check-ins in a row, privately tell your facilitators")
    @app_commands.describe(
        below="A check-in counts as low at this mood or lower",
        in_a_row="How many low check-ins in a row",
        group="Which group's facilitators (default: this channel's group, or your only group)",
    )
    @app_commands.autocomplete(group=group_autocomplete)
    async def alerts_on(
        self,
        interaction: discord.Interaction,
        below: Literal[1, 2, 3] = 2,
        in_a_row: app_commands.Range[int, 2, 14] = 3,
        group: str | None = None,
    ) -> None:
        info = await self.service.set_alert(actor_of(interaction), group, interaction.channel_id, below, in_a_row)
        await reply(
            interaction, texts.alerts_on(info.consecutive, info.group_name, info.threshold, info.facilitator_count)
        )

    @alerts.command(name="off", description="Stop telling your facilitators when you've been low")
    @app_commands.describe(group="Only this group (default: all your groups here)")
    @app_commands.autocomplete(group=group_autocomplete)
    async def alerts_off(self, interaction: discord.Interaction, group: str | None = None) -> None:
        removed = await self.service.remove_alerts(actor_of(interaction), group)
        if not removed:
            await reply(interaction, texts.alerts_none())
            return
        await reply(interaction, texts.alerts_off(", ".join(f"**{name}**" for name in removed)))

    @alerts.command(name="show", description="See whether your facilitators are told when you've been low")
    async def alerts_show(self, interaction: discord.Interaction) -> None:
        chosen = await self.service.alerts_of(actor_of(interaction))
        if not chosen:
            await reply(interaction, texts.alerts_all_off())
            return
        lines = [texts.alert_line(a.group_name, a.consecutive, a.threshold, a.facilitator_count) for a in chosen]
        await reply(interaction, texts.alerts_list(lines))

    # --- group prompts -----------------------------------------------------------------------------------------

    @group_view.command(
        name="prompt", description="Facilitators: post a daily or weekly check-in prompt in the group's channel"
    )
    @app_commands.describe(
        time="Local time in the group's timezone, e.g. 9:00 or 7pm",
        day="A day of the week for a weekly prompt (leave empty for daily)",
        group="Which group (default: this channel's group)",
    )
    @app_commands.choices(day=[app_commands.Choice(name=d, value=d) for d in DAYS_OF_WEEK])
    @app_commands.autocomplete(group=group_autocomplete)
    async def prompt_set(
        self, interaction: discord.Interaction, time: str, day: str | None = None, group: str | None = None
    ) -> None:
        info = await self.service.set_prompt(actor_of(interaction), group, interaction.channel_id, time, day)
        next_at = self.schedule_prompt(info, self.bot.clock.now())
        await reply(interaction, texts.prompt_set(info.group_name, info.cadence, format_dt(next_at, "R")))

    @group_view.command(name="prompt_off", description="Facilitators: stop the group's scheduled check-in prompt")
    @app_commands.describe(group="Which group (default: this channel's group)")
    @app_commands.autocomplete(group=group_autocomplete)
    async def prompt_off(self, interaction: discord.Interaction, group: str | None = None) -> None:
        name, prompt_id = await self.service.remove_prompt(actor_of(interaction), group, interaction.channel_id)
        self.bot.scheduler.cancel(prompt_job(prompt_id))
        await reply(interaction, texts.prompt_off(name))

    def schedule_prompt(self, info: PromptInfo, now: datetime) -> datetime:
        next_at = domain.next_local_occurrence(now, info.at, info.zone, info.weekday)
        if self.bot.owns(info.guild_id):  # the process serving the guild's shard posts it
            self.bot.scheduler.at(prompt_job(info.id), next_at, self._fire_prompt, info.id, info.guild_id)
        return next_at

    async def _fire_prompt(self, prompt_id: int, guild_id: int) -> None:
        if not self.bot.owns(guild_id):
            return
        try:
            due = await self.service.prompt_due(prompt_id, self._language_of)
            if due is None:
                return
            # A post due now was recorded for delivery with the prompt; only the next firing is ours.
            self.bot.scheduler.at(prompt_job(prompt_id), due.next_at, self._fire_prompt, prompt_id, guild_id)
        except Exception:
            log.exception("check-in prompt %s failed", prompt_id)

    # --- retention -----------------------------------------------------------------------------------------

    async def _retention(self) -> None:
        removed = await self.service.purge_expired()
        log.info("check-in retention: deleted %d expired check-ins", removed)
