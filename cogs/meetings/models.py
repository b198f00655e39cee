"""Tables for meetings: the meeting, skipped dates, agenda, RSVPs, reminders sent, attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class Meeting(Base):
    """One (possibly recurring) meeting of a group.

    ``start_local`` is the first occurrence as wall-clock text (``2026-12-03T19:00``) in ``timezone``:
    recurrences are expanded in local time so DST never moves 19:00. ``occurrence_at`` is the
    occurrence Hearth is working on (not yet ended); ``next_job_at`` is when it next needs
    attention (a reminder, the start, the end), so restarts schedule one job per meeting.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    start_local: Mapped[str] = mapped_column(String(19))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(300))
    voice_channel_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    voice_is_stage: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(100))
    reminder_offsets: Mapped[str] = mapped_column(String(100))
    # Private groups: a Discord event only when the facilitator opts in (then with a neutral title).
    show_event: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The occurrence being tracked, and its progress.
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_done: Mapped[str] = mapped_column(String(100), default="")
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    next_job_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Discord side: the announcement card and the scheduled event of the tracked occurrence.
    card_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)
    event_id: Mapped[int | None] = mapped_column(Snowflake)
    event_problem: Mapped[str | None] = mapped_column(String(200))


class MeetingSkip(Base):
    __tablename__ = "meeting_skips"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)


class AgendaItem(Base):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(Snowflake, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rsvp(Base):
    """A member's answer for one occurrence (``occurrence_key`` = ISO UTC start) or ``*`` = all future."""

    __tablename__ = "meeting_rsvps"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    occurrence_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The member's own reminders for this answer: None follows the meeting's times, "" none, "60,1440" chosen.
    reminders: Mapped[str | None] = mapped_column(String(100))
    # The member's Discord language (``de``, ``pt-BR``) when they last used meetings: Discord tells a bot only
    # during an interaction, and reminders are sent later. Erased with the answer.
    locale: Mapped[str | None] = mapped_column(String(16))


class ReminderSent(Base):
    """One reminder delivered (or attempted) to one member: written before sending, so never twice."""

    __tablename__ = "meeting_reminders_sent"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    offset_minutes: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(Base):
    """Time a member spent in the meeting's voice channel during one occurrence."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    # Set while the member is in the channel; seconds accumulate when they leave or the meeting ends.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    # Decided when the occurrence ends (None while it runs).
    attended: Mapped[bool | None] = mapped_column(Boolean)


class GroupEvents(Base):
    """A group's choice about Discord scheduled events; no row means the default (private groups: none)."""

    __tablename__ = "group_events"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    # Private groups get no Discord scheduled events unless they opt in.
    public_events: Mapped[bool] = mapped_column(Boolean, default=False)
