"""Plain records passed between the check-in use cases and the cog (no ``discord`` here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.actor import Actor
from bot.aggregates import Figures
from cogs.checkins import domain, texts
from cogs.checkins.domain import Visibility

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class FormTarget:
    group_id: int
    group_name: str


@dataclass(frozen=True)
class CheckinInfo:
    id: int
    group_id: int
    group_name: str
    user_id: int
    mood: int
    note: str | None
    visibility: Visibility
    created_at: datetime
    support_count: int = 0
    card_channel_id: int | None = None
    card_message_id: int | None = None


@dataclass(frozen=True)
class SubmitRequest:
    """One validated check-in waiting for the shared write transaction."""

    actor: Actor
    group_id: int
    mood: int
    note: str | None
    visibility: Visibility
    now: datetime


@dataclass(frozen=True)
class LowAlert:
    member_id: int
    group_name: str
    facilitator_ids: list[int]
    consecutive: int
    threshold: int


@dataclass(frozen=True)
class SubmitOutcome:
    checkin: CheckinInfo
    group_channel_id: int | None
    alert: LowAlert | None


@dataclass(frozen=True)
class EditOutcome:
    checkin: CheckinInfo
    group_channel_id: int | None
    old_card: tuple[int, int] | None


@dataclass(frozen=True)
class SupportOutcome:
    checkin: CheckinInfo
    added: bool


@dataclass(frozen=True)
class History:
    days: int
    zone: ZoneInfo
    start: datetime
    end: datetime
    points: list[tuple[datetime, int]]
    average: float | None
    trend: str
    streaks: domain.Streaks


@dataclass(frozen=True)
class Summary:
    """Closed weeks, newest first, each as bot/aggregates.py allows it to be shown."""

    group_name: str
    weeks: list[Figures]
    min_members: int
    trend: str | None  # between the two newest weeks, when both are shown
    quiet: list[int]  # joined before the newest week began, shared nothing in it
    timezone: str


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    user_id: int
    guild_id: int
    at: time
    zone: ZoneInfo


@dataclass(frozen=True)
class ReminderDue:
    send: bool
    user_id: int
    guild_id: int
    next_at: datetime


@dataclass(frozen=True)
class AlertInfo:
    group_id: int
    group_name: str
    threshold: int
    consecutive: int
    facilitator_count: int


@dataclass(frozen=True)
class PromptInfo:
    id: int
    group_id: int
    group_name: str
    at: time
    weekday: int | None
    zone: ZoneInfo
    guild_id: int  # whose shard's process fires it (bot.owns)

    @property
    def cadence(self) -> str:
        return texts.cadence(self.at, self.zone, self.weekday)


@dataclass(frozen=True)
class PromptDue:
    post: bool
    group_id: int
    group_name: str
    channel_id: int | None
    next_at: datetime
