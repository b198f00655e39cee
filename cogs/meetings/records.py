"""Plain records passed between the meeting use cases and the cog (no ``discord`` here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cogs.meetings import domain, texts
from cogs.meetings.domain import Recurrence

STATUSES = {"going": "Going", "maybe": "Maybe", "no": "Can't"}  # keys; shown as texts.status(key)
ALL_FUTURE = "*"


def occurrence_key(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class MeetingSummary:
    """What the cog needs to show a meeting, its card and its Discord event."""

    id: int
    guild_id: int
    group_id: int
    group_name: str
    group_private: bool
    group_channel_id: int | None
    title: str
    timezone: str
    start_local: datetime
    duration_minutes: int
    rrule: str | None
    voice_channel_id: int | None
    voice_is_stage: bool
    location: str | None
    offsets: tuple[int, ...]
    show_event: bool
    occurrence_at: datetime | None
    started: bool
    cancelled: bool
    card_channel_id: int | None
    card_message_id: int | None
    event_id: int | None
    event_problem: str | None
    agenda: tuple[tuple[int, str], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def ends_at(self) -> datetime | None:
        if self.occurrence_at is None:
            return None
        return self.occurrence_at + timedelta(minutes=self.duration_minutes)

    @property
    def recurrence_text(self) -> str:
        return domain.describe_recurrence(Recurrence(self.rrule), self.start_local)

    @property
    def event_title(self) -> str:
        """Anyone in the server sees events: a private group's event never names the group or topic."""
        return texts.neutral_event_title() if self.group_private else self.title[:100]

    @property
    def event_wanted(self) -> bool:
        return self.show_event and not self.cancelled and self.occurrence_at is not None


@dataclass(frozen=True)
class ScheduleRequest:
    title: str
    when: str
    duration_minutes: int = 60
    repeat: str = "once"
    every: int = 1
    rrule: str | None = None
    timezone: str | None = None
    voice_channel_id: int | None = None
    voice_is_stage: bool = False
    location: str | None = None
    reminders: str | None = None
    public_event: bool | None = None
    group: str | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class EditRequest:
    title: str | None = None
    when: str | None = None
    duration_minutes: int | None = None
    voice_channel_id: int | None = None
    voice_is_stage: bool = False
    location: str | None = None
    reminders: str | None = None
    public_event: bool | None = None


@dataclass(frozen=True)
class Reminder:
    user_id: int
    text: str  # in the member's timezone and language, without the countdown (Discord markup is the cog's)
    starts_at: datetime
    language: str = "en"  # the member's, as last seen when they answered (else the server's)


@dataclass
class TickResult:
    view: MeetingSummary | None = None
    reminders: list[Reminder] = field(default_factory=list)
    started: bool = False
    ended: bool = False
    next_job_at: datetime | None = None


@dataclass(frozen=True)
class AttendanceLine:
    occurrence_at: datetime
    user_id: int
    minutes: int
    attended: bool
