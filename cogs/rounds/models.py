"""Tables of talking-stick rounds: the round, each person's place and tally, and mutes Hearth set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class Round(Base):
    """One sharing round. The row is the truth for timers: jobs carry only its id and turn."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    # Set to channel_id while the round is live, NULL once ended: one live round per channel.
    live_channel_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    topic: Mapped[str] = mapped_column(String(200))
    turn_seconds: Mapped[int] = mapped_column(Integer)
    order: Mapped[str] = mapped_column(String(16))
    voice_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    voice_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    voice_note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))
    holder_id: Mapped[int | None] = mapped_column(Snowflake)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    stretch_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remaining: Mapped[float | None] = mapped_column(Float)
    spoken: Mapped[float] = mapped_column(Float, default=0.0)
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
    # When a turn ended with nobody waiting: the round ends by itself a while later (rounds.auto_end_seconds).
    idle_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one notice in the channel (a time warning, "the stick is back with you"); replaced, never piled up.
    notice_message_id: Mapped[int | None] = mapped_column(Snowflake)
    started_by: Mapped[int | None] = mapped_column(Snowflake)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class RoundEntry(Base):
    """A person in a round: where they wait (if they do) and their speaking-time tally."""

    __tablename__ = "round_entries"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    # "holder", "queue", "later" or "out"; seat orders the queue and "later".
    place: Mapped[str] = mapped_column(String(8))
    seat: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    shared: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[bool] = mapped_column(Boolean, default=False)
    came_back: Mapped[bool] = mapped_column(Boolean, default=False)


class RoundMute(Base):
    """A server mute Hearth set in voice mode, kept until Hearth has undone it (even across restarts)."""

    __tablename__ = "round_mutes"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False, index=True)
    # The round that wants it; NULL once no round does and the unmute waits for them to reconnect.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"), index=True)
    muted_at: Mapped[datetime] = mapped_column(UTCDateTime)
