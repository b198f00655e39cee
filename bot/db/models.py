"""The core's own tables (nothing feature-specific)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake, UTCDateTime


class HearthState(Base):
    """Small facts Hearth remembers between starts, such as the synced command tree's hash."""

    __tablename__ = "hearth_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DeliveryRecord(Base):
    """One message Hearth sends on its own (bot/delivery.py): written before the send, in the same
    transaction as the change that causes it; the sender loop sends it and marks it.

    Scale-out: a process picks only its shards' deliveries (by ``guild_id``; none means shard 0) and
    leases what it is sending (``lease_owner``/``lease_until``), so two processes never send one record.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_pending", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "channel" (post), "dm" (direct message), "edit" / "delete" (a message Hearth posted).
    kind: Mapped[str] = mapped_column(String(10))
    # What it is for, e.g. "meetings.reminder"; finds the caller's give-up hook. Never text.
    purpose: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(60), nullable=True)  # the caller's opaque record id
    guild_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True)
    channel_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True)
    # The DM recipient, or whose data this is (erased on /privacy delete). Never set for an anonymous post.
    user_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True, index=True)
    message_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True)  # edit/delete target; the sent message
    content: Mapped[str | None] = mapped_column(Text, nullable=True)
    view: Mapped[str | None] = mapped_column(String(100), nullable=True)  # a registered view key, e.g. "prompt:12"
    ping_user_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True)  # the one mention allowed
    fallback_channel_id: Mapped[int | None] = mapped_column(Snowflake, nullable=True)
    fallback_content: Mapped[str | None] = mapped_column(Text, nullable=True)
    nonce: Mapped[str] = mapped_column(String(25))
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | given_up
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Who is sending it right now, and until when; an expired lease may be taken by its shards' process.
    lease_owner: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PacingSlots(Base):
    """Where the shared request budget stands (bot/pacing.py): processes on one PostgreSQL reserve
    blocks of send slots here, so together they stay under Discord's per-bot limit."""

    __tablename__ = "pacing_slots"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)  # the next free slot, in seconds since the epoch
