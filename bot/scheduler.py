"""One APScheduler for the whole process, driven by the injected clock.

Jobs carry ids only (a round id, a reminder id); the database is the truth and each feature
rebuilds its jobs from it at start, so a restart loses nothing.

APScheduler 3 reads ``datetime.now`` itself when it decides what is due. Left alone, it ignores
the injected clock, and under SimCord's virtual time a job due in 60 s did not fire after
``advance_time(120)``. So the scheduler's modules are pointed at ``Clock.now`` here.

We keep the in-memory job store (its SQLAlchemy store is synchronous and stalled the loop ~1.1 s
with 1,000 due jobs). Misfire grace is set on purpose: APScheduler's default of 1 s dropped every
one of 1,000 jobs that came due at once; ours runs late jobs up to ``misfire_grace_seconds`` late,
and each job re-reads the database to decide whether it still matters.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

import apscheduler.executors.base as _executors_base
import apscheduler.schedulers.base as _schedulers_base
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_PAUSED, STATE_STOPPED, BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

_active_clock: Clock | None = None


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now()`` is the active scheduler's clock (APScheduler calls only ``now``)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        if _active_clock is None:
            return datetime.now(tz)
        current = _active_clock.now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


_schedulers_base.datetime = _ClockedDatetime  # type: ignore[misc,unused-ignore]
_executors_base.datetime = _ClockedDatetime  # type: ignore[misc,unused-ignore]


JobFunc = Callable[..., Awaitable[Any]]

# Housekeeping (retention) runs at a quiet hour; every job re-reads the database, so a missed run
# simply catches up at the next one.
QUIET_HOUR = time(3, 17)


class _BoundAsyncIOScheduler(AsyncIOScheduler):
    """Runs its timer and jobs in the context it was started in (the bot's own), whoever adds a job.

    A job added from elsewhere (a test driver, a thread) would otherwise arm the wake-up timer in
    the caller's context, which SimCord treats as outside the bot and never fires on virtual time.
    """

    _context: contextvars.Context | None = None

    def start(self, paused: bool = False) -> None:
        self._context = contextvars.copy_context()
        super().start(paused)

    def _start_timer(self, wait_seconds: float | None) -> None:
        self._stop_timer()
        if wait_seconds is not None:
            self._timeout = self._eventloop.call_later(wait_seconds, self._wakeup_now, context=self._context)

    def wakeup(self) -> None:
        self._eventloop.call_soon_threadsafe(self._wakeup_now, context=self._context)

    def _wakeup_now(self) -> None:
        if self.state == STATE_STOPPED:  # a wake-up queued before shutdown must not run jobs
            return
        self._stop_timer()
        self._start_timer(self._process_jobs())

    def shutdown(self, wait: bool = True) -> None:
        # AsyncIOScheduler defers its shutdown to a later loop turn, so an already queued wake-up
        # could still run due jobs; stop here and now instead.
        BaseScheduler.shutdown(self, wait)
        self._stop_timer()


class Scheduler:
    """A thin owner of one ``AsyncIOScheduler``: add by id, cancel by id or prefix."""

    def __init__(self, clock: Clock, *, misfire_grace_seconds: int = 3600) -> None:
        self.clock = clock
        self._scheduler = _BoundAsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "misfire_grace_time": misfire_grace_seconds or None,
                "coalesce": True,
                "max_instances": 1,
            },
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self, *, paused: bool = False) -> None:
        global _active_clock  # APScheduler's own modules read it
        _active_clock = self.clock
        if not self._scheduler.running:
            self._scheduler.start(paused=paused)

    def resume(self) -> None:
        """Run jobs (again); idempotent, so every READY after a reconnect may call it."""
        if self._scheduler.state == STATE_PAUSED:
            self._scheduler.resume()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def at(self, job_id: str, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run ``func(*args)`` once at ``when`` (aware); replaces a job with the same id."""
        if when.tzinfo is None:
            raise ValueError("scheduler times must be timezone-aware")
        self.add(job_id, DateTrigger(run_date=when), func, *args)

    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *args: Any) -> None:
        self._scheduler.add_job(func, trigger, args=args, id=job_id, replace_existing=True)

    def daily(self, job_id: str, func: JobFunc, *args: Any, at: time = QUIET_HOUR, times: int = 1) -> None:
        """Run ``func(*args)`` every day at ``at`` (UTC), or ``times`` a day evenly spaced from it.

        The one way features schedule recurring housekeeping. Replaces a job with the same id, so
        calling it again at every start is safe. A failing run is logged (by job id only: no
        arguments, which could carry members' data) and the job keeps its schedule.
        """
        if times < 1 or 24 % times:
            raise ValueError("times a day must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)")
        hours = sorted((at.hour + step * 24 // times) % 24 for step in range(times))
        trigger = CronTrigger(hour=",".join(map(str, hours)), minute=at.minute, second=at.second, timezone=UTC)

        async def guarded() -> None:
            try:
                await func(*args)
            except Exception:
                log.exception("scheduled job %s failed; it runs again at its next time", job_id)

        self.add(job_id, trigger, guarded)

    def after(self, job_id: str, seconds: float, func: JobFunc, *args: Any) -> None:
        self.at(job_id, self.clock.now() + timedelta(seconds=seconds), func, *args)

    def cancel(self, job_id: str) -> bool:
        job = self._scheduler.get_job(job_id)
        if job is None:
            return False
        job.remove()
        return True

    def cancel_prefix(self, prefix: str) -> int:
        """Cancel every job whose id starts with ``prefix`` (a cog unloading its jobs)."""
        jobs = [job for job in self._scheduler.get_jobs() if job.id.startswith(prefix)]
        for job in jobs:
            job.remove()
        return len(jobs)

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return None if job is None else job.next_run_time

    def job_ids(self, prefix: str = "") -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs() if job.id.startswith(prefix))
