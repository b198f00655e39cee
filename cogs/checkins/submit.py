"""Writing a check-in: the form, submitting (group commit), editing or deleting one's latest, support."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.db.batching import GroupCommit
from bot.errors import BadInput, Conflict, HearthError, NotFound
from cogs.checkins import domain, texts
from cogs.checkins.alerts import alert_choices, low_alert
from cogs.checkins.domain import Visibility
from cogs.checkins.models import Checkin, CheckinSupport
from cogs.checkins.queries import checkin_info, support_count
from cogs.checkins.records import CheckinInfo, EditOutcome, FormTarget, SubmitOutcome, SubmitRequest, SupportOutcome
from cogs.groups import api as groups
from cogs.groups.api import GroupRef


class CheckinSubmissions:
    db: Database
    settings: CheckinSettings
    clock: Clock
    writer: GroupCommit[SubmitRequest, SubmitOutcome]

    async def prepare(self, actor: Actor, group_name: str | None, channel_id: int | None) -> FormTarget:
        """Which group the form is for; refuses before the form opens when the member may not check in."""
        async with self.db.read() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_participant(session, group, actor.user_id)
            return FormTarget(group.id, group.name)

    async def prepare_for_group(self, actor: Actor, group_id: int) -> FormTarget:
        async with self.db.read() as session:
            group = await groups.group(session, actor.guild_id, group_id)
            await groups.require_participant(session, group, actor.user_id)
            return FormTarget(group.id, group.name)

    def validate(self, mood: str | int, note: str | None, visibility: str) -> tuple[int, str | None, Visibility]:
        return (
            domain.parse_mood(mood),
            domain.clean_note(note, self.settings.note_max_length),
            domain.parse_visibility(visibility),
        )

    async def submit(
        self, actor: Actor, group_id: int, mood_raw: str | int, note_raw: str | None, visibility_raw: str
    ) -> SubmitOutcome:
        mood, note, visibility = self.validate(mood_raw, note_raw, visibility_raw)
        return await self.writer.run(SubmitRequest(actor, group_id, mood, note, visibility, self.clock.now()))

    async def _submit_many(self, requests: Sequence[SubmitRequest]) -> list[SubmitOutcome | HearthError]:
        """Write a batch of check-ins in one transaction; a refused one gets its error, the rest are saved.

        Every request passes exactly the checks a lone submit does (``get_group``,
        ``require_participant``) and sees the same rows for its low-mood alert, so the outcome of each
        equals what it would be had the batch been written one check-in after another.
        """
        async with self.db.write() as session:
            # Every request's group, membership and acceptance in three queries, whatever the batch size.
            found = await groups.participations(session, {(r.group_id, r.actor.user_id) for r in requests})
            answers: list[SubmitOutcome | HearthError | None] = []
            written: list[tuple[int, Checkin, GroupRef, SubmitRequest]] = []
            for request in requests:
                try:
                    participation = found.get((request.group_id, request.actor.user_id))
                    if participation is None or participation.group.guild_id != request.actor.guild_id:
                        raise NotFound(texts.group_gone())
                    participation.require()
                    group = participation.group
                except HearthError as refusal:  # raised before anything of this request is written
                    answers.append(refusal)
                    continue
                checkin = Checkin(
                    guild_id=request.actor.guild_id,
                    group_id=group.id,
                    user_id=request.actor.user_id,
                    mood=request.mood,
                    note=request.note,
                    visibility=request.visibility.value,
                    created_at=request.now,
                )
                session.add(checkin)
                written.append((len(answers), checkin, group, request))
                answers.append(None)  # its outcome, once the batch is flushed
            if written:
                await self._finish(session, answers, written)
            return [answer for answer in answers if answer is not None]

    async def _finish(
        self,
        session: AsyncSession,
        answers: list[SubmitOutcome | HearthError | None],
        written: list[tuple[int, Checkin, GroupRef, SubmitRequest]],
    ) -> None:
        await session.flush()  # one multi-row INSERT ... RETURNING for the whole batch
        choices = await alert_choices(session, [(group.id, r.actor.user_id) for _, _, group, r in written])
        for index, checkin, group, request in written:
            choice = choices.get((group.id, request.actor.user_id))
            alert = await low_alert(session, group, checkin, choice, request.now)
            answers[index] = SubmitOutcome(checkin_info(checkin, group.name), group.channel_id, alert)

    async def attach_card(self, checkin_id: int, channel_id: int | None, message_id: int | None) -> None:
        async with self.db.write() as session:
            checkin = await session.get(Checkin, checkin_id)
            if checkin is not None:
                checkin.card_channel_id = channel_id
                checkin.card_message_id = message_id

    # --- edit and delete one's latest ---------------------------------------------------------------

    async def _latest(self, session: AsyncSession, actor: Actor, *, lock: bool = False) -> Checkin:
        query = (
            select(Checkin)
            .where(Checkin.user_id == actor.user_id, Checkin.guild_id == actor.guild_id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(1)
        )
        checkin = await session.scalar(query.with_for_update() if lock else query)
        if checkin is None:
            raise NotFound(texts.no_checkins_yet())
        window = timedelta(minutes=self.settings.edit_window_minutes)
        if self.clock.now() - checkin.created_at > window:
            raise Conflict(texts.too_old_to_change(self.settings.edit_window_minutes))
        return checkin

    async def latest_editable(self, actor: Actor) -> CheckinInfo:
        async with self.db.read() as session:
            checkin = await self._latest(session, actor)
            group = await groups.group(session, actor.guild_id, checkin.group_id)
            return checkin_info(checkin, group.name)

    async def edit(
        self, actor: Actor, checkin_id: int, mood_raw: str | int, note_raw: str | None, visibility_raw: str
    ) -> EditOutcome:
        mood, note, visibility = self.validate(mood_raw, note_raw, visibility_raw)
        async with self.db.write() as session:
            checkin = await self._latest(session, actor, lock=True)
            if checkin.id != checkin_id:
                raise Conflict(texts.not_latest())
            group = await groups.group(session, actor.guild_id, checkin.group_id)
            old_card = (
                (checkin.card_channel_id, checkin.card_message_id)
                if checkin.card_channel_id is not None and checkin.card_message_id is not None
                else None
            )
            checkin.mood, checkin.note, checkin.visibility = mood, note, visibility.value
            checkin.edited_at = self.clock.now()
            if visibility is not Visibility.GROUP:
                checkin.card_channel_id = checkin.card_message_id = None
            count = await support_count(session, checkin.id)
            return EditOutcome(checkin_info(checkin, group.name, count), group.channel_id, old_card)

    async def delete_latest(self, actor: Actor) -> CheckinInfo:
        async with self.db.write() as session:
            checkin = await self._latest(session, actor, lock=True)
            group = await groups.group(session, actor.guild_id, checkin.group_id)
            view = checkin_info(checkin, group.name)
            await session.delete(checkin)
            return view

    # --- support -----------------------------------------------------------------------------------

    async def support(self, actor: Actor, checkin_id: int) -> SupportOutcome:
        async with self.db.write() as session:
            checkin = await session.get(Checkin, checkin_id)
            if checkin is None or checkin.guild_id != actor.guild_id or checkin.visibility != Visibility.GROUP:
                raise NotFound(texts.checkin_gone())
            group = await groups.group(session, actor.guild_id, checkin.group_id)
            if checkin.user_id == actor.user_id:
                raise BadInput(texts.own_checkin_support())
            await groups.require_active_member(session, group, actor.user_id)
            added = await session.get(CheckinSupport, (checkin.id, actor.user_id)) is None
            if added:
                session.add(CheckinSupport(checkin_id=checkin.id, user_id=actor.user_id, created_at=self.clock.now()))
                await session.flush()
            count = await support_count(session, checkin.id)
            return SupportOutcome(checkin_info(checkin, group.name, count), added)
