"""Check-in use cases over the database; returns plain records; no ``discord`` here.

``CheckinService`` is the one object the cog holds; each use case lives in its own module and is
mixed in: ``submit`` (the form, submit, edit, delete, support), ``history``, ``summary``,
``reminders``, ``prompts``, ``alerts``. Records are in ``records``, privacy in ``privacy``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.clock import Clock
from bot.config import CheckinSettings
from bot.db import Database
from bot.db.batching import GroupCommit
from bot.delivery import Deliveries
from cogs.checkins.alerts import CheckinAlerts
from cogs.checkins.history import CheckinHistory
from cogs.checkins.models import Checkin
from cogs.checkins.prompts import CheckinPrompts
from cogs.checkins.records import SubmitOutcome, SubmitRequest
from cogs.checkins.reminders import CheckinReminders
from cogs.checkins.submit import CheckinSubmissions
from cogs.checkins.summary import CheckinSummaries


class CheckinService(
    CheckinSubmissions, CheckinHistory, CheckinSummaries, CheckinReminders, CheckinPrompts, CheckinAlerts
):
    def __init__(
        self,
        db: Database,
        settings: CheckinSettings,
        clock: Clock,
        *,
        retention_days: int,
        default_timezone: str,
        deliveries: Deliveries | None = None,
    ) -> None:
        self.db = db
        self.deliveries = deliveries
        self.settings = settings
        self.clock = clock
        self.retention_days = retention_days
        self.default_timezone = default_timezone
        # Check-ins submitted together are written in one transaction (group commit), each caller
        # still getting its own outcome or its own error: see bot/db/batching.py.
        self.writer: GroupCommit[SubmitRequest, SubmitOutcome] = GroupCommit(self._submit_many)

    # --- retention ---------------------------------------------------------------------------------------

    async def purge_expired(self) -> int:
        cutoff = self.clock.now() - timedelta(days=self.retention_days)
        async with self.db.write() as session:
            result = await session.execute(delete(Checkin).where(Checkin.created_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)
