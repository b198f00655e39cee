"""The privacy protocol for check-ins: what is held about a person, a copy of it, and erasing it.

Erasing also takes a group-visible check-in's card off the group's channel (through the erase's durable
delivery record), so the mood and note shown there go with the row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally, count_each
from cogs.checkins.models import Checkin, CheckinAlert, CheckinReminder, CheckinSupport


class CheckinPrivacy:
    name = N_("check-ins")
    purpose = N_(
        "Your check-ins (mood, optional note, who may see it), support you sent, your reminder time and "
        "your low-mood alert choices, so you can see your own trend and your group can support you."
    )

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        kinds = (
            (Checkin, "checkins", plural("%(count)s check-in", "%(count)s check-ins")),
            (
                CheckinSupport,
                "support_sent",
                plural("%(count)s time you sent support", "%(count)s times you sent support"),
            ),
            (CheckinReminder, "reminders", plural("%(count)s daily reminder", "%(count)s daily reminders")),
            (
                CheckinAlert,
                "low_mood_alerts",
                plural("%(count)s low-mood alert choice", "%(count)s low-mood alert choices"),
            ),
        )
        numbers = await count_each(
            session, *(select(func.count()).where(model.user_id == subject.user_id) for model, _, _ in kinds)
        )
        return [Tally(key, label, n) for (_, key, label), n in zip(kinds, numbers, strict=True)]

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        user_id = subject.user_id
        checkins = await session.scalars(select(Checkin).where(Checkin.user_id == user_id).order_by(Checkin.created_at))
        supports = await session.scalars(select(CheckinSupport).where(CheckinSupport.user_id == user_id))
        reminders = await session.scalars(select(CheckinReminder).where(CheckinReminder.user_id == user_id))
        alerts = await session.scalars(select(CheckinAlert).where(CheckinAlert.user_id == user_id))
        return {
            "checkins": [
                {
                    "server_id": str(c.guild_id),
                    "group_id": c.group_id,
                    "mood": c.mood,
                    "note": c.note,
                    "visibility": c.visibility,
                    "created_at": c.created_at.isoformat(),
                    "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                }
                for c in checkins
            ],
            "support_sent": [{"checkin_id": s.checkin_id, "at": s.created_at.isoformat()} for s in supports],
            "reminders": [
                {"server_id": str(r.guild_id), "time": f"{r.hour:02d}:{r.minute:02d}", "active": r.active}
                for r in reminders
            ],
            "low_mood_alerts": [
                {"group_id": a.group_id, "threshold": a.threshold, "consecutive": a.consecutive} for a in alerts
            ],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        user_id = subject.user_id
        cards = await session.execute(
            select(Checkin.guild_id, Checkin.card_channel_id, Checkin.card_message_id).where(
                Checkin.user_id == user_id, Checkin.card_message_id.is_not(None)
            )
        )
        for guild_id, channel_id, message_id in cards.all():
            if channel_id is not None and message_id is not None:
                erasure.delete_message(
                    session,
                    channel_id,
                    message_id,
                    what=N_("check-in card"),
                    purpose="checkins.erase",
                    guild_id=guild_id,
                )
        mine = select(Checkin.id).where(Checkin.user_id == user_id)
        for statement in (
            delete(CheckinSupport).where(CheckinSupport.checkin_id.in_(mine)),
            delete(CheckinSupport).where(CheckinSupport.user_id == user_id),
            delete(Checkin).where(Checkin.user_id == user_id),
            delete(CheckinReminder).where(CheckinReminder.user_id == user_id),
            delete(CheckinAlert).where(CheckinAlert.user_id == user_id),
        ):
            await session.execute(statement)
