"""Discord glue for /round: commands, buttons, timers, voice mutes. The rules live in domain.py,
the use cases in service.py; this module turns Discord objects into ids and carries out effects."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot import i18n
from bot.errors import BadInput, NotAllowed
from bot.interactions import NO_MENTIONS, actor_of, reply
from bot.role_commands import FACILITATE
from bot.translator import server_language
from cogs.rounds import domain as d
from cogs.rounds import texts
from cogs.rounds.privacy import RoundsPrivacy
from cogs.rounds.service import RoundService, RoundSnapshot, Update, parse_order
from cogs.rounds.views import (
    ENDED_REFRESH,
    FACILITATOR_ACTIONS,
    build_panel,
    build_view,
    render,
    render_ended,
    render_panel,
    replace_ended,
)

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.rounds")

_MENTION = re.compile(r"<@!?([0-9]{15,21})>|\b([0-9]{15,21})\b")
VOICE_CHANNELS = (discord.VoiceChannel, discord.StageChannel)


class RoundsCog(commands.Cog, name="Rounds"):
    round = app_commands.Group(name="round", description="Talking-stick sharing rounds", guild_only=True)
    controls = app_commands.Group(name="round", description="Start and end a sharing round", parent=FACILITATE)

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.settings = bot.settings.rounds
        self.service = RoundService(bot.db, self.settings)
        self._locks: dict[int, asyncio.Lock] = {}
        self.privacy = RoundsPrivacy(self.service, language=lambda guild_id: server_language(bot, guild_id))
        # An erase rewrites an ended round's summary through the delivery record; old ones were embeds.
        bot.sender.register_refresh(ENDED_REFRESH, replace_ended)
        bot.privacy.register(self.privacy)

    # --- lifecycle: the database is the truth ------------------------------------------------------

    async def hearth_start(self) -> None:
        """Re-arm every live round's timers from the stored due time (the remaining time is what is
        left of it now). Buttons need nothing: they are DynamicItems keyed by round id. Voice mutes are
        reconciled once the server cache is ready (``on_ready``)."""
        for view in await self.service.live_rounds():
            if self.bot.owns(view.guild_id):  # another process serves the other shards' rounds
                self._arm(view)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel_prefix("rounds:")
        self.bot.privacy.unregister(self.privacy.name)
        # Never leave anyone muted while Hearth is away: undo every mute it set (they are re-applied
        # for live rounds when it is back). Best effort: the process may be going down.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._undo_all_mutes(), timeout=5)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self._reconcile_everything()

    # --- the one path every change takes ------------------------------------------------------------

    def _lock(self, round_id: int) -> asyncio.Lock:
        return self._locks.setdefault(round_id, asyncio.Lock())

    async def perform(self, round_id: int, operation: Callable[[], Awaitable[Update | None]]) -> Update | None:
        """Apply one change and its effects while holding the round's lock, so concurrent clicks and
        timers are applied one after the other against the stored state (which carries the turn)."""
        async with self._lock(round_id):
            update = await operation()
            if update is not None:
                await self._apply(update)
        if update is not None and not update.view.live:
            self._locks.pop(round_id, None)
        return update

    def _in_server_language(self, guild_id: int) -> contextlib.AbstractContextManager[str]:
        """What the round posts or edits in its channel speaks the server's language, whoever pressed."""
        return i18n.using(server_language(self.bot, guild_id))

    async def _apply(self, update: Update) -> None:
        with self._in_server_language(update.view.guild_id):
            await self._apply_here(update)

    async def _apply_here(self, update: Update) -> None:
        view = update.view
        self._arm(view)
        if any(isinstance(effect, (d.TurnEnded, d.Ended)) for effect in update.effects):
            await self._clear_notice(view)  # a warning or "it's back with you" belongs to the turn that ended
        for effect in update.effects:
            if isinstance(effect, d.WarnHolder):
                await self._warn(view, effect)
            elif isinstance(effect, d.CameBack):
                await self._notice(view, texts.came_back(f"<@{effect.user_id}>"), effect.user_id)
            elif isinstance(effect, d.HolderLeft):
                await self._say(view, texts.holder_left())
        if update.changed:
            await self._show(view, update.summary)
        if view.voice_mode or not view.live:
            await self._sync_voice(view)

    def _arm(self, view: RoundSnapshot) -> None:
        scheduler = self.bot.scheduler
        state = view.state
        now = self.bot.clock.now()
        idle_id = f"rounds:{view.id}:idle"
        idle_until = d.idle_until(state) if view.live else None
        if idle_until is None:
            scheduler.cancel(idle_id)
        else:
            scheduler.at(idle_id, max(idle_until, now), self._fire, view.id, "idle", state.turn)
        warn_id, expire_id = f"rounds:{view.id}:warn", f"rounds:{view.id}:expire"
        if not view.live or state.status is not d.Status.RUNNING or state.holder is None or state.due_at is None:
            scheduler.cancel(warn_id)
            scheduler.cancel(expire_id)
            return
        warn_at = state.due_at - timedelta(seconds=self.settings.warning_seconds)
        if state.warned or warn_at >= state.due_at:
            scheduler.cancel(warn_id)
        else:
            scheduler.at(warn_id, max(warn_at, now), self._fire, view.id, "warn", state.turn)
        scheduler.at(expire_id, state.due_at, self._fire, view.id, "expire", state.turn)

    async def _fire(self, round_id: int, kind: str, turn: int) -> None:
        try:
            await self.perform(round_id, lambda: self.service.timer(round_id, kind, turn, self.bot.clock.now()))
        except Exception:
            log.exception("round timer failed round=%s kind=%s", round_id, kind)

    # --- what people see -----------------------------------------------------------------------------

    def _channel(self, view: RoundSnapshot) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(view.channel_id, guild_id=view.guild_id)

    async def _show(self, view: RoundSnapshot, summary: d.Summary | None) -> None:
        if view.message_id is None:
            return
        message = self._channel(view).get_partial_message(view.message_id)
        try:
            if view.live:
                await message.edit(content=render(view, self.bot.clock.now()), view=build_view(view))
            else:
                await message.edit(content=render_ended(view, summary), embed=None, view=None)
        except discord.NotFound:
            if view.live:  # someone deleted the live message: post it again so the round carries on
                posted = await self._channel(view).send(
                    render(view, self.bot.clock.now()),
                    view=build_view(view) or discord.utils.MISSING,
                    allowed_mentions=NO_MENTIONS,
                )
                await self.service.attach_message(view.id, posted.id)
        except discord.HTTPException as error:
            log.warning("could not update round message round=%s status=%s", view.id, error.status)

    async def _warn(self, view: RoundSnapshot, effect: d.WarnHolder) -> None:
        left = max(0.0, (effect.due_at - self.bot.clock.now()).total_seconds())
        await self._notice(
            view, texts.warning(f"<@{effect.user_id}>", left, format_dt(effect.due_at, "R")), effect.user_id
        )

    async def _notice(self, view: RoundSnapshot, text: str, user_id: int) -> None:
        """Tell one person something in the channel, pinging only them. A round keeps one such notice:
        the new one replaces the last, so warnings never pile up in the channel."""
        only_them = discord.AllowedMentions(users=[discord.Object(user_id)], roles=False, everyone=False)
        try:
            posted = await self._channel(view).send(text, allowed_mentions=only_them)
        except discord.HTTPException as error:
            log.warning("could not post round notice round=%s status=%s", view.id, error.status)
            return
        await self._delete_message(view, await self.service.swap_notice(view.id, posted.id))

    async def _clear_notice(self, view: RoundSnapshot) -> None:
        await self._delete_message(view, await self.service.swap_notice(view.id, None))

    async def _delete_message(self, view: RoundSnapshot, message_id: int | None) -> None:
        if message_id is None:
            return
        with contextlib.suppress(discord.HTTPException):  # already gone, or no permission: nothing to undo
            await self._channel(view).get_partial_message(message_id).delete()

    async def _say(self, view: RoundSnapshot, text: str) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self._channel(view).send(text, allowed_mentions=NO_MENTIONS)

    # --- voice mode ------------------------------------------------------------------------------------

    async def _sync_voice(self, view: RoundSnapshot) -> None:
        """Mute those waiting who are in the voice channel; undo every mute this round no longer wants."""
        guild = self.bot.get_guild(view.guild_id)
        if guild is None:
            return  # not ready yet: on_ready reconciles
        channel = guild.get_channel(view.voice_channel_id) if view.voice_channel_id else None
        # voice_states (not .members): it needs no member cache, which is empty right after a start.
        present = dict(channel.voice_states) if isinstance(channel, VOICE_CHANNELS) else {}
        want = set(view.want_muted()) & present.keys() if view.live else set()
        owned = {user: round_id for _g, user, round_id in await self.service.mutes(guild.id)}
        for user in sorted(want):
            already = present[user].mute
            if user not in owned and already:
                continue  # muted by someone else: not Hearth's to set or undo
            if not already:
                try:
                    await self.bot.http.edit_member(
                        guild.id, user, mute=True, reason="Sharing round: waiting for their turn"
                    )
                except discord.Forbidden:
                    with self._in_server_language(view.guild_id):  # shown on the live message
                        note = texts.voice_permission_lost()
                    await self.service.turn_off_voice(view.id, note)
                    want = set()
                    break
                except discord.HTTPException:
                    continue
            if owned.get(user) != view.id:
                await self.service.own_mute(guild.id, user, view.id, self.bot.clock.now())
        for user, round_id in owned.items():
            if round_id in (view.id, None) and user not in want:
                await self._unmute(guild.id, user)

    async def _unmute(self, guild_id: int, user_id: int) -> None:
        """Undo a mute Hearth set. Discord refuses while they are not connected to voice: then it is
        kept as pending and undone when they next connect. Raw REST: works without the member cache."""
        try:
            await self.bot.http.edit_member(
                guild_id, user_id, mute=False, reason="Sharing round: Hearth undoes its own mute"
            )
        except discord.NotFound:  # no longer in the server: nothing left to undo
            await self.service.disown_mute(guild_id, user_id, undone=True)
            return
        except discord.HTTPException:
            await self.service.disown_mute(guild_id, user_id, undone=False)
            return
        await self.service.disown_mute(guild_id, user_id, undone=True)

    async def _undo_all_mutes(self) -> None:
        for guild_id, user_id, _round in await self.service.mutes():
            if self.bot.owns(guild_id):  # never another process's live rounds
                await self._unmute(guild_id, user_id)

    async def _reconcile_everything(self) -> None:
        for view in await self.service.live_rounds():
            if view.voice_mode and self.bot.owns(view.guild_id):
                async with self._lock(view.id):
                    await self._sync_voice(await self.service.view(view.id))
        for guild_id, user_id, round_id in await self.service.mutes():
            if round_id is None and self.bot.owns(guild_id):
                await self._unmute(guild_id, user_id)

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if before.channel == after.channel:
            return  # a mute or deafen change (including Hearth's own), not a move
        touched = {c.id for c in (before.channel, after.channel) if c is not None}
        for view in await self.service.live_rounds():
            if view.guild_id == member.guild.id and view.voice_mode and view.voice_channel_id in touched:
                async with self._lock(view.id):
                    await self._sync_voice(await self.service.view(view.id))
        if after.channel is not None:
            for _g, user_id, round_id in await self.service.mutes(member.guild.id):
                if user_id == member.id and round_id is None:
                    await self._unmute(member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        now = self.bot.clock.now()
        for round_id in await self.service.member_left(payload.guild_id, payload.user.id, now):
            await self._member_left(round_id, payload.user.id)

    async def _member_left(self, round_id: int, user_id: int) -> None:
        await self.perform(round_id, lambda: self.service.leave_server(round_id, user_id, self.bot.clock.now()))

    # --- buttons ------------------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, round_id: int, action: str, turn: int) -> None:
        actor = actor_of(interaction)
        user = actor.user_id
        if action == "controls":
            if not await self.service.can_facilitate(actor, round_id):
                raise NotAllowed(texts.facilitators_only_controls())
            view = await self.service.view(round_id)
            await reply(interaction, render_panel(view), view=build_panel(view) or discord.utils.MISSING)
            return
        actions: dict[str, d.Action] = {
            "join": d.Join(user),
            "leave": d.Leave(user),
            "pass": d.Pass(user),
            "passback": d.Pass(user, come_back=True),
            "done": d.Done(user, turn),
            "next": d.Next(turn),
            "skip": d.Skip(turn),
            "pause": d.Pause(),
            "resume": d.Resume(),
            "extend": d.Extend(turn),
            "end": d.End(),
        }
        chosen = actions[action]
        update = await self.perform(round_id, lambda: self.service.act(round_id, actor, chosen, self.bot.clock.now()))
        assert update is not None
        note = self._ended_note(update) if isinstance(chosen, d.End) else update.note or texts.note(action)
        message = interaction.message
        if action in FACILITATOR_ACTIONS and message is not None and message.flags.ephemeral:
            # Pressed on the panel: refresh it in place, with buttons for the new turn.
            panel = build_panel(update.view)
            await interaction.response.edit_message(content=render_panel(update.view, note), view=panel)
            return
        await reply(interaction, note)

    def _ended_note(self, update: Update) -> str:
        lines = [texts.ended_note(update.view.link())]
        if update.summary is not None:
            lines.append(texts.this_round(texts.balance(update.summary.gini)))
        lines.append(texts.balance(update.recent_gini, self.settings.balance_rounds))
        return "\n".join(lines)

    # --- commands -------------------------------------------------------------------------------------

    @controls.command(name="start", description="Start a talking-stick round in this group's channel (facilitators)")
    @app_commands.describe(
        topic="What the round is about, e.g. How was your week?",
        minutes="Minutes per turn",
        order="Who goes first: as people sign up, random, or those heard least recently first",
        present="Who is here: mention them (they are queued right away)",
        everyone_in_voice="Queue everyone in the voice channel",
        voice_mode="Mute those waiting in the voice channel until their turn (needs Mute Members)",
        voice_channel="The voice channel of the round (default: this channel, if it is a voice channel)",
    )
    @app_commands.choices(
        order=[
            app_commands.Choice(name="sign-up", value="signup"),
            app_commands.Choice(name="random", value="random"),
            app_commands.Choice(name="least heard first", value="least_heard"),
        ]
    )
    async def start(
        self,
        interaction: discord.Interaction,
        topic: str,
        minutes: app_commands.Range[int, 1, 1440] = 3,  # the server's own maximum is checked by the service
        order: str = "signup",
        present: str | None = None,
        everyone_in_voice: bool = False,
        voice_mode: bool = False,
        voice_channel: discord.VoiceChannel | None = None,
    ) -> None:
        actor = actor_of(interaction)
        guild = interaction.guild
        assert guild is not None
        assert interaction.channel_id is not None
        here = interaction.channel
        voice = voice_channel
        if voice is None and isinstance(here, discord.VoiceChannel):
            voice = here
        if voice is not None and not isinstance(voice, discord.VoiceChannel):  # pragma: no cover - typed option
            raise BadInput(texts.pick_voice_channel())
        if (voice_mode or everyone_in_voice) and voice is None:
            raise BadInput(texts.voice_needs_channel())
        note = stored_note = ""
        if voice_mode and voice is not None and not voice.permissions_for(guild.me).mute_members:
            voice_mode = False
            note = texts.voice_off_no_permission(f"<#{voice.id}>")
            with self._in_server_language(guild.id):  # kept on the live message, which speaks the server's
                stored_note = texts.voice_off_no_permission(f"<#{voice.id}>")
        people = [int(a or b) for a, b in _MENTION.findall(present or "")]
        if everyone_in_voice and voice is not None:
            people += [m.id for m in voice.members if not m.bot]
        started = await self.service.start(
            actor,
            channel_id=interaction.channel_id,
            topic=topic,
            minutes=minutes,
            order=parse_order(order),
            present=people,
            voice_channel_id=voice.id if voice is not None else None,
            voice_mode=voice_mode,
            voice_note=stored_note,
            now=self.bot.clock.now(),
        )
        update = started.update
        channel = self.bot.get_partial_messageable(interaction.channel_id, guild_id=guild.id)
        try:
            with self._in_server_language(guild.id):
                posted = await channel.send(
                    render(update.view, self.bot.clock.now()),
                    view=build_view(update.view) or discord.utils.MISSING,
                    allowed_mentions=NO_MENTIONS,
                )
        except BaseException:
            await self.service.discard(update.view.id)
            raise
        view = await self.service.attach_message(update.view.id, posted.id)
        async with self._lock(view.id):
            await self._apply(Update(view, update.effects, changed=False))
        lines = [texts.started(view.link())]
        if note:
            lines.append(note)
        elif voice_mode and voice is not None:
            lines.append(texts.voice_on(f"<#{voice.id}>"))
        if started.not_added:
            names = ", ".join(f"<@{u}>" for u in started.not_added)
            lines.append(texts.not_added(view.group_name, names, len(started.not_added)))
        await reply(interaction, "\n".join(lines))

    @round.command(name="status", description="See the round in this channel (facilitators also see balance)")
    async def status(self, interaction: discord.Interaction) -> None:
        actor = actor_of(interaction)
        assert interaction.channel_id is not None
        status = await self.service.status(actor, interaction.channel_id)
        lines: list[str] = []
        view = status.view
        if view is None:
            lines.append(texts.no_round_running())
        else:
            state = view.state
            lines.append(texts.status_topic(view.topic, view.link()))
            if state.holder is None:
                lines.append(texts.nobody_holds())
            else:
                ends = format_dt(state.due_at, "R") if state.due_at is not None else None
                lines.append(texts.panel_status(True, f"<@{state.holder}>", state.status is d.Status.PAUSED, ends, 0))
            me = actor.user_id
            if me == state.holder:
                lines.append(texts.you_hold())
            elif me in state.queue:
                lines.append(texts.your_place(state.queue.index(me) + 1))
            elif me in state.later:
                lines.append(texts.you_come_back())
            else:
                lines.append(texts.not_in_queue_waiting(len(state.waiting())))
        if status.facilitator:
            lines.append(texts.balance(status.recent_gini, status.recent_rounds))
        await reply(interaction, "\n".join(lines))

    @controls.command(name="end", description="End the round in this channel and post its summary (facilitators)")
    async def end(self, interaction: discord.Interaction) -> None:
        actor = actor_of(interaction)
        assert interaction.channel_id is not None
        round_id = await self.service.live_in_channel(actor.guild_id, interaction.channel_id)
        if round_id is None:
            raise BadInput(texts.no_round_here())
        update = await self.perform(round_id, lambda: self.service.act(round_id, actor, d.End(), self.bot.clock.now()))
        assert update is not None
        await reply(interaction, self._ended_note(update))
