"""A member's own history: their mood trend and streaks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput
from cogs.checkins import domain, texts
from cogs.checkins.models import Checkin
from cogs.checkins.records import History
from cogs.groups import api as groups

HISTORY_DAYS = (30, 90)


class CheckinHistory:
    db: Database
    clock: Clock
    default_timezone: str

    async def history(self, actor: Actor, days: int) -> History:
        if days not in HISTORY_DAYS:
            raise BadInput(texts.bad_history_days())
        end = self.clock.now()
        start = end - timedelta(days=days)
        async with self.db.read() as session:
            zone = await groups.member_timezone(session, actor.user_id, actor.guild_id, self.default_timezone)
            rows = (
                await session.execute(
                    select(Checkin.created_at, Checkin.mood)
                    .where(Checkin.user_id == actor.user_id, Checkin.guild_id == actor.guild_id)
                    .order_by(Checkin.created_at)
                )
            ).all()
        everything = [(moment, mood) for moment, mood in rows]
        points = [(moment, mood) for moment, mood in everything if moment >= start]
        return History(
            days=days,
            zone=zone,
            start=start,
            end=end,
            points=points,
            average=domain.mean([mood for _, mood in points]),
            trend=domain.split_trend(points, start, end),
            streaks=domain.streaks((moment for moment, _ in everything), zone, end),
        )
