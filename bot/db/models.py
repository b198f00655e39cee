"""The core's own tables (nothing feature-specific)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class HearthState(Base):
    """Small facts Hearth remembers between starts, such as the synced command tree's hash."""

    __tablename__ = "hearth_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
