"""What rounds offer other features: read-only, inside the caller's session, ids and seconds only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.rounds.models import Round, RoundEntry

__all__ = ["SpeakingTime", "speaking_times"]


@dataclass(frozen=True)
class SpeakingTime:
    """How long one member held the stick in one finished round (never what they said)."""

    group_id: int
    user_id: int
    ended_at: datetime
    seconds: float
    turns: int


async def speaking_times(
    session: AsyncSession, group_ids: list[int], start: datetime, end: datetime
) -> list[SpeakingTime]:
    """Members who took a turn in rounds that ended in [start, end)."""
    rows = await session.execute(
        select(Round.group_id, RoundEntry.user_id, Round.ended_at, RoundEntry.seconds, RoundEntry.shared)
        .join(Round, Round.id == RoundEntry.round_id)
        .where(
            Round.group_id.in_(group_ids),
            Round.ended_at >= start,
            Round.ended_at < end,
            or_(RoundEntry.shared > 0, RoundEntry.seconds > 0),
        )
    )
    return [SpeakingTime(g, u, at, float(s), int(n)) for g, u, at, s, n in rows if at is not None]
