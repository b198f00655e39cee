"""Tables for check-ins, support given, reminders, low-mood alerts and group prompts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class Checkin(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_group_id_created_at", "group_id", "created_at"),
        Index("ix_checkins_user_id_guild_id_created_at", "user_id", "guild_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Snowflake)
    mood: Mapped[int] = mapped_column(SmallInteger)
    # Seen only by its author, and by the group on a group-visible card; never in a summary or a log.
    note: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The card in the group's channel (group-visible check-ins only).
    card_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)


class CheckinSupport(Base):
    """Someone pressed "send support" on a group-visible check-in (once per person)."""

    __tablename__ = "checkin_supports"

    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckinReminder(Base):
    """A daily DM at a local time in the member's timezone (one per member per server)."""

    __tablename__ = "checkin_reminders"
    __table_args__ = (UniqueConstraint("guild_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake, index=True)
    hour: Mapped[int] = mapped_column(SmallInteger)
    minute: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean)
    # Set when a reminder DM was refused (DMs closed): the member is told once, on their next /checkin.
    stopped_notice: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckinAlert(Base):
    """A member's own opt-in: after ``consecutive`` check-ins at or below ``threshold``, tell the
    group's facilitators privately so someone reaches out."""

    __tablename__ = "checkin_alerts"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    threshold: Mapped[int] = mapped_column(SmallInteger)
    consecutive: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckinPrompt(Base):
    """A group's daily or weekly "how are you?" post with a persistent Check in button."""

    __tablename__ = "checkin_prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), unique=True)
    # None: daily; 0 = Monday ... 6 = Sunday: weekly on that day.
    weekday: Mapped[int | None] = mapped_column(SmallInteger)
    hour: Mapped[int] = mapped_column(SmallInteger)
    minute: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PublishedWeek(Base):
    """The figures of one closed week as first shown to a facilitator (bot/aggregates.py), kept so later
    edits, deletions and erasures can't change them: two views of one week never differ. Holds no user ids."""

    __tablename__ = "checkin_published_weeks"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    figures: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
