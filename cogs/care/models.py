"""Care's tables: cases (one owner each), where their alerts were posted, members' care preferences,
and each server's care settings. An anonymous author's case stores the post's id, never a user id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class CareCase(Base):
    """A request for a person: offered (the member hasn't chosen yet), open, claimed, or closed."""

    __tablename__ = "care_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    group_id: Mapped[int | None] = mapped_column(Integer)
    group_name: Mapped[str] = mapped_column(String(100), default="")
    severity: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Exactly one of these says who the case is about: a named member, or an anonymous post's author.
    member_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    post_id: Mapped[int | None] = mapped_column(Integer)
    # An anonymous concern: a keyed hash of (server, case, member), never shown. Hearth finds the member again
    # by recomputing it for the person pressing a button, or for the server's members when it must DM them.
    seal: Mapped[str | None] = mapped_column(String(64))
    # Who raised it when it wasn't the member (a worried report): kept only to answer them, erased with them.
    raised_by: Mapped[int | None] = mapped_column(Snowflake)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    helper_id: Mapped[int | None] = mapped_column(Snowflake)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owner's private closing note: seen by the people handling cases, never by the member's group.
    note: Mapped[str] = mapped_column(Text, default="")


class CareMessage(Base):
    """One message of a concern's conversation, kept so a member whose DMs are closed reads it in
    `/concern inbox:True`; it names no one (``from_member`` says which side wrote it), erased with its case."""

    __tablename__ = "care_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_cases.id", ondelete="CASCADE"), index=True)
    from_member: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class CareAlert(Base):
    """A message carrying a case's card (a facilitator's DM, the moderator queue), edited as the case moves."""

    __tablename__ = "care_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_cases.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    message_id: Mapped[int] = mapped_column(Snowflake)


class CarePreference(Base):
    """Per member and server: automatic crisis messages on or off, and the once-a-day limit's memory."""

    __tablename__ = "care_preferences"

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    automatic: Mapped[bool] = mapped_column(Boolean, default=True)
    last_day: Mapped[str | None] = mapped_column(String(10))
    last_severity: Mapped[int | None] = mapped_column(Integer)
    seen_disclosure: Mapped[bool] = mapped_column(Boolean, default=False)


class CareConfig(Base):
    """A server's care settings (/setup and /care-setup resources). A missing row means the defaults."""

    __tablename__ = "care_configs"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    duty_of_care: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_minutes: Mapped[int | None] = mapped_column(Integer)
    gentle_minutes: Mapped[int | None] = mapped_column(Integer)
    # The server's own regions, as "## Region" sections; shown before the shipped ones.
    resources: Mapped[str] = mapped_column(Text, default="")
    # The server's own reviewed crisis message per Discord language, as JSON {"de": {"crisis": ..., "low": ...}}:
    # shipped catalogs never translate crisis texts, so only these reach a member in another language.
    crisis_texts: Mapped[str] = mapped_column(Text, default="", server_default="")
