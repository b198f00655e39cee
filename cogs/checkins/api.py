"""What check-ins offer other features: read-only, inside the caller's session, ids and figures only.

``/facilitate stats`` reads the weekly check-in figures from here, so it shows the very copy
``/facilitate checkin summary``
published for that week (bot/aggregates.py: frozen once published), never a second count that could
differ from the first by one person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.aggregates import Figures, Window
from cogs.checkins.summary import published_weeks

__all__ = ["weekly_figures"]


async def weekly_figures(
    session: AsyncSession, group_id: int, windows: list[Window], minimum: int, now: datetime
) -> list[Figures]:
    """Check-ins shared with facilitators, per closed week, as published (value = mood)."""
    return await published_weeks(session, group_id, windows, minimum, now)
