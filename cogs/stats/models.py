"""/facilitate stats's one table: each metric's figures of a closed week as first published (bot/aggregates.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime


class PublishedStat(Base):
    """Kept so later edits, leaves and erasures can't change a week anyone has seen. Holds no user ids.
    Check-in figures are not here: they are check-ins' own published copy (cogs/checkins/api.py)."""

    __tablename__ = "stats_published_weeks"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    week_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    figures: Mapped[str] = mapped_column(Text)
    # Attendance only: meeting occurrences held that week (a count of meetings, not of people).
    meetings: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
