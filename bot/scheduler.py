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

A job that raises never reaches APScheduler (whose logger would print the exception and carry on
silently): it is logged once with a short reference, counted, and a one-shot job is tried again
with backoff (30 s, 1 min, 2 min, ... ``RETRY_DELAYS``) unless it already rescheduled itself or its
caller said retrying is unsafe (``retry=False``, e.g. a send that has no delivery record). A recurring
job simply runs again at its next time. Either way the scheduler and every other job carry on.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, Protocol

import apscheduler.executors.base as _executors_base
import apscheduler.schedulers.base as _schedulers_base
from apscheduler.events import EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED, JobEvent, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_PAUSED, STATE_STOPPED, BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

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
# ``exclusive(name, job)``: run ``job`` unless another process runs ``name`` now; False when skipped.
Exclusive = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[bool]]

# Housekeeping (retention) runs at a quiet hour; every job re-reads the database, so a missed run
# simply catches up at the next one.
QUIET_HOUR = time(3, 17)

# Seconds to wait before each retry of a failed one-shot job; after the last one it is given up.
RETRY_DELAYS = (30, 60, 120, 300, 600)


class SchedulerObserver(Protocol):
    """Who wants to know how jobs fare (bot/metrics.py); ``kind`` is the job id's prefix, never a record id."""

    def job_lag(self, kind: str, seconds: float) -> None: ...

    def job_failed(self, kind: str, gave_up: bool) -> None: ...

    def job_missed(self, kind: str) -> None: ...


def job_kind(job_id: str) -> str:
    """``meeting:42`` -> ``meeting``: bounded, and carries no id (used in logs' summaries and metrics)."""
    return job_id.split(":", 1)[0]


class _BoundAsyncIOScheduler(AsyncIOScheduler):  # type: ignore[misc]  # APScheduler 3 ships no types
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

    def __init__(self, clock: Clock, *, misfire_grace_seconds: int = 3600, exclusive: Exclusive | None = None) -> None:
        self.clock = clock
        # Runs a daily job unless another process sharing the database is running it (bot/db/locks.py).
        self.exclusive = exclusive
        self.observer: SchedulerObserver | None = None
        self._scheduler = _BoundAsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "misfire_grace_time": misfire_grace_seconds or None,
                "coalesce": True,
                "max_instances": 1,
            },
        )
        self._scheduler.add_listener(self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED)

    def _on_event(self, event: JobEvent) -> None:
        if self.observer is None:
            return
        kind = job_kind(event.job_id)
        if isinstance(event, JobSubmissionEvent):
            if event.scheduled_run_times:
                lag = (self.clock.now() - max(event.scheduled_run_times)).total_seconds()
                self.observer.job_lag(kind, max(lag, 0.0))
        else:
            self.observer.job_missed(kind)

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

    def at(
        self, job_id: str, when: datetime, func: JobFunc, *args: Any, retry: bool = True, overlap: bool = False
    ) -> None:
        """Run ``func(*args)`` once at ``when`` (aware); replaces a job with the same id.

        ``retry=False`` when running it twice could do harm (see the module docstring). ``overlap=True`` for a
        job that arms itself again while it runs (the delivery loop): APScheduler otherwise skips a run that
        comes due before the running one has returned, and the job never runs again."""
        if when.tzinfo is None:
            raise ValueError("scheduler times must be timezone-aware")
        self._add(job_id, DateTrigger(run_date=when), func, args, retry=retry, attempt=0, overlap=overlap)

    def add(self, job_id: str, trigger: BaseTrigger, func: JobFunc, *args: Any) -> None:
        """A job on any trigger (cron, interval); a failed run waits for its next time."""
        self._add(job_id, trigger, func, args, retry=False, attempt=0)

    def every(self, job_id: str, seconds: float, func: JobFunc, *args: Any) -> None:
        """Run ``func(*args)`` every ``seconds`` in this process (a cheap look, not housekeeping: see daily)."""
        self.add(job_id, IntervalTrigger(seconds=seconds, timezone=UTC), func, *args)

    def daily(self, job_id: str, func: JobFunc, *args: Any, at: time = QUIET_HOUR, times: int = 1) -> None:
        """Run ``func(*args)`` every day at ``at`` (UTC), or ``times`` a day evenly spaced from it.

        The one way features schedule recurring housekeeping. Replaces a job with the same id, so
        calling it again at every start is safe. A failing run is logged with a reference (never its
        arguments) and the job keeps its schedule.
        """
        if times < 1 or 24 % times:
            raise ValueError("times a day must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)")
        hours = sorted((at.hour + step * 24 // times) % 24 for step in range(times))
        trigger = CronTrigger(hour=",".join(map(str, hours)), minute=at.minute, second=at.second, timezone=UTC)
        self.add(job_id, trigger, self._once_across_processes, job_id, func, args)

    async def _once_across_processes(self, job_id: str, func: JobFunc, args: tuple[Any, ...]) -> None:
        """Every process schedules the same housekeeping; with several on one database, one runs it."""
        if self.exclusive is None:
            await func(*args)
            return
        if not await self.exclusive(f"daily:{job_id}", lambda: func(*args)):
            log.info("daily job %s skipped: another process is running it", job_kind(job_id))

    def after(self, job_id: str, seconds: float, func: JobFunc, *args: Any, retry: bool = True) -> None:
        self.at(job_id, self.clock.now() + timedelta(seconds=seconds), func, *args, retry=retry)

    def _add(
        self,
        job_id: str,
        trigger: BaseTrigger,
        func: JobFunc,
        args: tuple[Any, ...],
        *,
        retry: bool,
        attempt: int,
        overlap: bool = False,
    ) -> None:
        self._scheduler.add_job(
            self._guarded,
            trigger,
            args=(job_id, func, args, retry, attempt),
            id=job_id,
            name=job_kind(job_id),  # APScheduler logs the name: no record ids or arguments there
            replace_existing=True,
            max_instances=2 if overlap else 1,
        )

    async def _guarded(self, job_id: str, func: JobFunc, args: tuple[Any, ...], retry: bool, attempt: int) -> None:
        try:
            await func(*args)
        except Exception:
            reference = secrets.token_hex(3).upper()
            kind = job_kind(job_id)
            # A job that rescheduled itself (e.g. in a finally) already knows when to run next.
            rescheduled = self._scheduler.get_job(job_id) is not None
            again = retry and attempt < len(RETRY_DELAYS) and not rescheduled and self.running
            if again:
                delay = RETRY_DELAYS[attempt]
                when = self.clock.now() + timedelta(seconds=delay)
                self._add(job_id, DateTrigger(run_date=when), func, args, retry=retry, attempt=attempt + 1)
                log.exception(
                    "job failed ref=%s job=%s attempt=%d; retrying in %ds", reference, job_id, attempt + 1, delay
                )
            else:
                log.exception("job failed ref=%s job=%s attempt=%d; not retried", reference, job_id, attempt + 1)
            if self.observer is not None:
                self.observer.job_failed(kind, gave_up=not (again or rescheduled))

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
