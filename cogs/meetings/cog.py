"""Discord glue for /meeting: commands, the card, scheduled events, reminders and voice attendance.

Jobs: each meeting has at most one job (``meetings:m:<id>``) at its ``next_job_at`` (next reminder,
start or end). Only jobs due within ``HORIZON`` are held in the scheduler; one ``meetings:sweep``
job at the earliest later time loads the next slice. So a restart schedules a handful of jobs, not
one per meeting, and nothing is lost: the database is the truth.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import BadInput, HearthError
from bot.interactions import actor_of, reply
from bot.role_commands import FACILITATE
from bot.translator import server_language
from cogs.groups import api as groups
from cogs.groups.api.choices import group_choices, timezone_choices
from cogs.meetings import domain, texts
from cogs.meetings.jobs import tick_writer
from cogs.meetings.phrases import parse_schedule
from cogs.meetings.privacy import MeetingPrivacy
from cogs.meetings.publish import MeetingPublisher
from cogs.meetings.records import STATUSES, EditRequest, ScheduleRequest
from cogs.meetings.reminder_choice import choose_reminders, remember_language, reminder_state
from cogs.meetings.service import MeetingService
from cogs.meetings.views import answer_view, reminders_text, when_text
from cogs.meetings.welcome import next_meeting_line

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings")

HORIZON = timedelta(hours=6)
SWEEP_JOB = "meetings:sweep"

REPEAT_CHOICES = [
    app_commands.Choice(name="Once", value="once"),
    app_commands.Choice(name="Every week", value="weekly"),
    app_commands.Choice(name="Every N weeks (set `every`)", value="weeks"),
    app_commands.Choice(name="Monthly on this weekday (e.g. 2nd Thursday)", value="monthly"),
    app_commands.Choice(name="Custom RRULE (set `rrule`)", value="rrule"),
]
VoiceLike = discord.VoiceChannel | discord.StageChannel


def _job(meeting_id: int) -> str:
    return f"meetings:m:{meeting_id}"


class MeetingsCog(commands.Cog):
    meeting = app_commands.Group(name="meeting", description="Recurring group meetings", guild_only=True)
    agenda = app_commands.Group(name="agenda", description="A meeting's agenda", parent=meeting)
    planning = app_commands.Group(name="meeting", description="Schedule, change and cancel meetings", parent=FACILITATE)
    agenda_items = app_commands.Group(name="agenda", description="Add and remove agenda items", parent=FACILITATE)

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        settings = bot.settings.meetings
        self.service = MeetingService(
            bot.db,
            default_offsets=settings.reminder_offsets_minutes,
            attendance_share=settings.attendance_share,
            deliveries=bot.deliveries,
            language_of=lambda guild_id: server_language(bot, guild_id),
        )
        self.publish = MeetingPublisher(bot, self.service)
        # Jobs falling due together share one transaction (1,000 reminders at 19:45 = a few commits).
        self.ticks = tick_writer(self.service, lambda: self.bot.clock.now(), self.default_tz)
        self.window_end = bot.clock.now()
        self.privacy = MeetingPrivacy()
        bot.privacy.register(self.privacy)

    @property
    def default_tz(self) -> str:
        return self.bot.settings.groups.default_timezone

    async def cog_load(self) -> None:
        self.bot.interfaces.require(groups.GroupHooks).welcome.append(next_meeting_line)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel_prefix("meetings:")
        self.bot.privacy.unregister(self.privacy.name)
        hooks = self.bot.interfaces.get(groups.GroupHooks)
        if hooks is not None and next_meeting_line in hooks.welcome:
            hooks.welcome.remove(next_meeting_line)

    # --- jobs -----------------------------------------------------------------------------------------

    async def hearth_start(self) -> None:
        await self.refill()
        now = self.bot.clock.now()
        for meeting_id, guild_id, channel_id in await self.service.running():
            if self.bot.owns(guild_id):  # another process serves the other shards' guilds
                await self.service.voice_present(meeting_id, self._voice_members(guild_id, channel_id), now)

    async def refill(self) -> int:
        """Schedule every meeting due within the horizon, and a sweep for the slice after it."""
        now = self.bot.clock.now()
        self.window_end = now + HORIZON
        due = [(m, g, at) for m, g, at in await self.service.due_jobs(self.window_end) if self.bot.owns(g)]
        for meeting_id, guild_id, at in due:
            self._schedule(meeting_id, at, now, guild_id)
        later = await self.service.earliest_job_after(self.window_end)
        if later is None:
            self.bot.scheduler.cancel(SWEEP_JOB)
        else:
            self.bot.scheduler.at(SWEEP_JOB, later, self.refill)
        return len(due)

    def _schedule(self, meeting_id: int, at: datetime, now: datetime, guild_id: int | None = None) -> None:
        self.bot.scheduler.at(_job(meeting_id), max(at, now), self.run_job, meeting_id, guild_id)

    def place(self, meeting_id: int, at: datetime | None, guild_id: int | None = None) -> None:
        """After a change: hold the job if due within the horizon, else make sure a sweep comes by."""
        if at is None:
            self.bot.scheduler.cancel(_job(meeting_id))
            return
        if at <= self.window_end:
            self._schedule(meeting_id, at, self.bot.clock.now(), guild_id)
            return
        self.bot.scheduler.cancel(_job(meeting_id))
        sweep = self.bot.scheduler.next_run(SWEEP_JOB)
        if sweep is None or at < sweep:
            self.bot.scheduler.at(SWEEP_JOB, at, self.refill)

    async def run_job(self, meeting_id: int, guild_id: int | None = None) -> None:
        if guild_id is not None and not self.bot.owns(guild_id):  # its guild is another process's now
            return
        try:
            result = await self.ticks.run(meeting_id)
            view = result.view
            if view is None:
                return
            if result.started and view.voice_channel_id and not result.ended:
                members = self._voice_members(view.guild_id, view.voice_channel_id)
                await self.service.voice_present(view.id, members, self.bot.clock.now())
            if result.started or result.ended:
                view = await self.publish.sync_discord(view)
            self.place(meeting_id, result.next_job_at, view.guild_id)
        except Exception:
            log.exception("meeting job failed meeting=%s", meeting_id)
            # Try again shortly: the database still says what is due.
            self.bot.scheduler.after(_job(meeting_id), 60, self.run_job, meeting_id, guild_id)

    def _voice_members(self, guild_id: int, channel_id: int) -> list[int]:
        guild = self.bot.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if not isinstance(channel, (discord.VoiceChannel, discord.StageChannel)):
            return []
        return [m.id for m in channel.members if not m.bot]

    # --- checks ----------------------------------------------------------------------------------------

    def _check_voice(self, interaction: discord.Interaction, channel: Any | None) -> tuple[int | None, bool]:
        if channel is None:
            return None, False
        guild = interaction.guild
        real = guild.get_channel(channel.id) if guild else None
        if (
            guild is None
            or real is None
            or not isinstance(real, (discord.VoiceChannel, discord.StageChannel))
            or not real.permissions_for(guild.me).view_channel
        ):
            raise BadInput(texts.cannot_see_voice(channel.id))
        return real.id, isinstance(real, discord.StageChannel)

    def _problem_text(self, problem: str | None) -> str:
        return f"\n{texts.event_problem(problem)}" if problem else ""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Each /meeting command refreshes the language kept with the member's answers (their reminder DMs)."""
        if interaction.guild_id is not None:
            try:
                await remember_language(self.bot.db, interaction.user.id, str(interaction.locale))
            except Exception:  # a busy database must not cost the member their command
                log.warning("could not refresh a member's meeting language", exc_info=True)
        return True

    # --- autocomplete ----------------------------------------------------------------------------------

    async def group_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await group_choices(interaction, current, "mine", "facilitate")

    async def meeting_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            actor = actor_of(interaction)
        except HearthError:
            return []
        return [app_commands.Choice(name=n, value=v) for n, v in await self.service.suggest(actor, current)]

    async def when_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Echo back how Hearth reads the time, in the group's timezone, before the command is sent."""
        if not current.strip():
            return [app_commands.Choice(name=example, value=example) for example in texts.when_examples()]
        try:
            actor = actor_of(interaction)
            namespace = interaction.namespace
            tz_name = getattr(namespace, "timezone", None)
            if tz_name:
                zone = groups.parse_timezone(tz_name)
            else:
                zone = await self.service.group_zone(
                    actor, getattr(namespace, "group", None), interaction.channel_id, self.default_tz
                )
            label = texts.when_preview_ok(parse_schedule(current, self.bot.clock.now(), zone).describe())
        except (HearthError, domain.MeetingInputError) as error:
            label = texts.when_preview_bad(str(error))
        return [app_commands.Choice(name=label[:100], value=current[:100])]

    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    # --- commands --------------------------------------------------------------------------------------

    @planning.command(name="schedule", description="Schedule a (recurring) meeting for a group (facilitators)")
    @app_commands.describe(
        title="What the meeting is called",
        when="When, in the group's timezone: every Tuesday 7pm, every other Thursday 18:30, weekdays 8am, tomorrow 6pm",
        duration="Length in minutes (default 60)",
        repeat="How it repeats (default once)",
        every="For 'every N weeks': N",
        rrule="For custom: an RFC 5545 RRULE such as FREQ=MONTHLY;BYDAY=1SA",
        voice_channel="Voice or stage channel where it happens (attendance is taken there)",
        location="Or a place / link outside Discord",
        reminders="Minutes before to remind, e.g. '24h, 15m' (default from the server's config)",
        group="The group (default: this channel's group)",
        timezone="Timezone of the time you typed (default: the group's)",
        public_event="Show it in the server's Events (private groups: off unless turned on; neutral title)",
    )
    @app_commands.choices(repeat=REPEAT_CHOICES)
    @app_commands.autocomplete(group=group_autocomplete, when=when_autocomplete, timezone=timezone_autocomplete)
    async def schedule(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        when: str,
        duration: app_commands.Range[int, 0, 1440] = 60,
        repeat: str = "once",
        every: app_commands.Range[int, 1, 52] = 1,
        rrule: str | None = None,
        voice_channel: VoiceLike | None = None,
        location: str | None = None,
        reminders: str | None = None,
        group: str | None = None,
        timezone: str | None = None,
        public_event: bool | None = None,
    ) -> None:
        actor = actor_of(interaction)
        voice_id, is_stage = self._check_voice(interaction, voice_channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        view = await self.service.schedule(
            actor,
            ScheduleRequest(
                title=title,
                when=when,
                duration_minutes=duration,
                repeat=repeat,
                every=every,
                rrule=rrule,
                timezone=timezone,
                voice_channel_id=voice_id,
                voice_is_stage=is_stage,
                location=location,
                reminders=reminders,
                public_event=public_event,
                group=group,
                channel_id=interaction.channel_id,
            ),
            self.bot.clock.now(),
            self.default_tz,
        )
        problem = await self.publish.sync_event(view)
        card_problem = await self.publish.post_card(view)
        await self._place_async(view.id)
        before = [texts.duration(o) for o in view.offsets]
        text = texts.scheduled(
            view.title, view.group_name, view.recurrence_text, view.timezone, when_text(view), before
        )
        if not view.show_event and view.group_private:
            text += "\n" + texts.private_no_event()
        text += self._problem_text(problem)
        if card_problem:
            text += f"\n⚠️ {card_problem}"
        await reply(interaction, text)

    async def _place_async(self, meeting_id: int) -> None:
        self.place(meeting_id, await self.service.next_job(meeting_id))

    @meeting.command(name="list", description="A group's meetings and their next dates")
    @app_commands.describe(
        group="The group (default: this channel's group)", attendance="Facilitators: show attendance"
    )
    @app_commands.autocomplete(group=group_autocomplete)
    async def list_(self, interaction: discord.Interaction, group: str | None = None, attendance: bool = False) -> None:
        actor = actor_of(interaction)
        now = self.bot.clock.now()
        name, meetings, facilitator = await self.service.list_meetings(actor, group, interaction.channel_id, now)
        if attendance and not facilitator:
            raise BadInput(texts.only_facilitators_attendance())
        if not meetings:
            await reply(interaction, texts.no_meetings(name))
            return
        lines = [texts.meetings_of(name)]
        for view, upcoming in meetings:
            shown = [texts.short_date_time(u.astimezone(view.zone).replace(tzinfo=None)) for u in upcoming]
            dates = ", ".join(shown) or texts.no_further_dates()
            lines.append(texts.list_line(view.title, view.recurrence_text, view.timezone, dates))
            counts = ", ".join(f"{texts.status(key)} {view.counts.get(key, 0)}" for key in STATUSES)
            lines.append(texts.list_counts(counts))
            if facilitator and view.event_problem:
                lines.append(texts.list_event_problem(view.event_problem))
            if attendance:
                _, records = await self.service.attendance(actor, str(view.id))
                if not records:
                    lines.append(texts.no_attendance())
                by_date: dict[datetime, list[str]] = {}
                present: dict[datetime, int] = {}
                for record in records:
                    mark = "✓" if record.attended else "✗"
                    by_date.setdefault(record.occurrence_at, []).append(
                        f"<@{record.user_id}> {mark} {texts.minutes_long(record.minutes)}"
                    )
                    present[record.occurrence_at] = present.get(record.occurrence_at, 0) + int(record.attended)
                for at, entries in list(by_date.items())[:5]:
                    local = texts.day_month(at.astimezone(view.zone).replace(tzinfo=None))
                    lines.append(texts.attendance_line(local, present[at], ", ".join(entries)))
        await reply(interaction, "\n".join(lines)[:2000])

    @planning.command(name="edit", description="Change a meeting (facilitators)")
    @app_commands.describe(
        meeting="Which meeting",
        title="New title",
        when="New first date and time (later dates follow the same pattern)",
        duration="New length in minutes",
        voice_channel="New voice or stage channel",
        location="New place / link outside Discord",
        reminders="New reminder offsets, e.g. '24h, 15m'",
        public_event="Show it in the server's Events",
    )
    @app_commands.autocomplete(meeting=meeting_autocomplete, when=when_autocomplete)
    async def edit(
        self,
        interaction: discord.Interaction,
        meeting: str,
        title: app_commands.Range[str, 1, 100] | None = None,
        when: str | None = None,
        duration: app_commands.Range[int, 0, 1440] | None = None,
        voice_channel: VoiceLike | None = None,
        location: str | None = None,
        reminders: str | None = None,
        public_event: bool | None = None,
    ) -> None:
        actor = actor_of(interaction)
        voice_id, is_stage = self._check_voice(interaction, voice_channel)
        if duration == 0:
            raise BadInput(texts.duration_range())
        await interaction.response.defer(ephemeral=True, thinking=True)
        view = await self.service.edit(
            actor,
            meeting,
            EditRequest(
                title=title,
                when=when,
                duration_minutes=duration,
                voice_channel_id=voice_id,
                voice_is_stage=is_stage,
                location=location,
                reminders=reminders,
                public_event=public_event,
            ),
            self.bot.clock.now(),
        )
        problem = await self.publish.sync_event(view)
        await self.publish.refresh_card(await self.service.summary(view.id) or view)
        await self._place_async(view.id)
        await reply(interaction, texts.updated(view.title, when_text(view)) + self._problem_text(problem))

    @planning.command(name="cancel", description="Cancel a meeting and all its future dates (facilitators)")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def cancel(self, interaction: discord.Interaction, meeting: str) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        view = await self.service.cancel(actor, meeting, self.bot.clock.now())
        self.place(view.id, None)
        await self.publish.sync_event(view)
        await self.publish.refresh_card(view)
        await reply(interaction, texts.cancelled(view.title))

    @planning.command(name="skip", description="Skip one date of a recurring meeting (facilitators)")
    @app_commands.describe(meeting="Which meeting", date="Which date (default: the next one)")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def skip(self, interaction: discord.Interaction, meeting: str, date: str | None = None) -> None:
        actor = actor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        view, skipped = await self.service.skip(actor, meeting, date, self.bot.clock.now())
        await self.publish.sync_event(view)
        await self.publish.refresh_card(await self.service.summary(view.id) or view)
        await self._place_async(view.id)
        local = texts.date_time(skipped.astimezone(view.zone).replace(tzinfo=None))
        await reply(interaction, texts.skipped(view.title, local, when_text(view)))

    @agenda_items.command(name="add", description="Add an item to a meeting's agenda (facilitators)")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @app_commands.describe(meeting="The meeting (start typing its title)", item="What to talk about")
    async def agenda_add(self, interaction: discord.Interaction, meeting: str, item: str) -> None:
        view = await self.service.agenda_add(actor_of(interaction), meeting, item, self.bot.clock.now())
        await reply(interaction, texts.agenda_added(view.title, len(view.agenda)))
        await self.publish.refresh_card(view)

    @agenda_items.command(name="remove", description="Remove an agenda item by its number (facilitators)")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @app_commands.describe(
        meeting="The meeting (start typing its title)", number="The item number shown by agenda show"
    )
    async def agenda_remove(
        self, interaction: discord.Interaction, meeting: str, number: app_commands.Range[int, 1, 1000]
    ) -> None:
        view = await self.service.agenda_remove(actor_of(interaction), meeting, number)
        await reply(interaction, texts.agenda_removed(view.title, number))
        await self.publish.refresh_card(view)

    @agenda.command(name="show", description="Show a meeting's agenda")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def agenda_show(self, interaction: discord.Interaction, meeting: str) -> None:
        view = await self.service.agenda_show(actor_of(interaction), meeting)
        if not view.agenda:
            await reply(interaction, texts.agenda_empty(view.title))
            return
        items = "\n".join(f"{n}. {text}" for n, (_, text) in enumerate(view.agenda, start=1))
        await reply(interaction, texts.agenda_of(view.title, when_text(view), items))

    @meeting.command(name="export", description="Download a group's meetings as an iCalendar (.ics) file")
    @app_commands.autocomplete(group=group_autocomplete)
    @app_commands.describe(group="The group (empty: this channel's group)")
    async def export(self, interaction: discord.Interaction, group: str | None = None) -> None:
        actor = actor_of(interaction)
        name, payload = await self.service.export_ics(actor, group, interaction.channel_id, self.bot.clock.now())
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "group"
        file = discord.File(io.BytesIO(payload), filename=f"{slug}-meetings.ics")
        await reply(interaction, texts.export_ready(name), file=file)

    # --- RSVP (called by the persistent buttons) ------------------------------------------------------

    async def answer_rsvp(
        self, interaction: discord.Interaction, actor: Any, meeting_id: int, status: str, *, all_future: bool
    ) -> None:
        language = str(interaction.locale)  # kept with the answer: reminder DMs are sent later, in it
        now = self.bot.clock.now()
        view, at = await self.service.rsvp(actor, meeting_id, status, now, all_future=all_future, language=language)
        local = texts.day_time(at.astimezone(view.zone).replace(tzinfo=None))
        # Going or Maybe: the member chooses their own reminders right here (or turns them off).
        choice = await reminder_state(self.bot.db, actor, meeting_id) if status != "no" else None
        offsets, chosen = (choice.offsets, choice.chosen) if choice else ((), None)
        remind = f"\n{reminders_text(offsets if chosen is None else chosen)}" if choice else ""
        one = texts.answered_one(view.title, local, view.timezone)
        when = texts.answered_all_future(view.title) if all_future else one
        layout = answer_view(meeting_id, "" if all_future else status, offsets, chosen)
        await reply(interaction, texts.answered(texts.status(status), when, remind), view=layout)
        await self.publish.refresh_card(view)

    async def choose_reminders(
        self, interaction: discord.Interaction, actor: Any, meeting_id: int, chosen: list[int]
    ) -> None:
        choice = await choose_reminders(self.bot.db, actor, meeting_id, chosen, str(interaction.locale))
        await reply(interaction, texts.reminders_saved(choice.title, reminders_text(choice.chosen)))

    # --- attendance ------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        left = before.channel.id if before.channel else None
        joined = after.channel.id if after.channel else None
        if left == joined or member.bot:
            return
        await self.service.voice_moved(member.guild.id, member.id, left, joined, self.bot.clock.now())
