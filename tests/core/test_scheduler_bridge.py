"""Fails loudly if an APScheduler upgrade changes what ``bot/scheduler.py`` relies on.

The bridge to the injected clock swaps the ``datetime`` name in two APScheduler modules and
overrides private members of ``AsyncIOScheduler``. Each test names one of those assumptions, so an
upgrade that breaks one says which, instead of reminders silently firing at the wrong time.
"""

from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime, timedelta

import apscheduler.executors.base as executors_base
import apscheduler.schedulers.base as schedulers_base
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot import scheduler as bridge
from bot.clock import Clock


class FrozenClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def test_apscheduler_is_the_major_version_the_bridge_was_written_for() -> None:
    import apscheduler

    major = int(apscheduler.__version__.split(".")[0])
    assert major == 3, f"APScheduler {apscheduler.__version__}: bot/scheduler.py targets 3.x; 4.x has another API"


def test_the_modules_that_decide_what_is_due_read_datetime_now_by_module_name() -> None:
    # The bridge replaces the module-level name ``datetime``; if APScheduler imported it differently
    # (``from datetime import datetime as dt``, ``time.time()``) virtual time would stop moving jobs.
    assert "datetime.now(" in inspect.getsource(BaseScheduler._process_jobs)
    assert "datetime.now(" in inspect.getsource(BaseScheduler.add_job) or "datetime.now(" in inspect.getsource(
        BaseScheduler._real_add_job
    )
    assert "datetime.now(" in inspect.getsource(executors_base)
    assert schedulers_base.datetime is bridge._ClockedDatetime
    assert executors_base.datetime is bridge._ClockedDatetime


def test_the_private_members_the_bound_scheduler_overrides_still_exist() -> None:
    for name in ("_start_timer", "_stop_timer", "_process_jobs", "wakeup", "_eventloop", "_timeout"):
        assert hasattr(AsyncIOScheduler, name) or name in inspect.getsource(AsyncIOScheduler), name
    # Our _start_timer/_wakeup_now replace the parent's; they must keep the parent's signature.
    parent = inspect.signature(AsyncIOScheduler._start_timer)
    ours = inspect.signature(bridge._BoundAsyncIOScheduler._start_timer)
    assert list(parent.parameters) == list(ours.parameters)


def test_a_job_is_due_by_the_injected_clock_not_the_wall_clock() -> None:
    # A clock years away from the wall clock: with the bridge working, a job due one second after the
    # clock's "now" is pending, not long overdue, and becomes due when the clock moves.
    clock = FrozenClock(datetime(2040, 1, 1, 12, 0, tzinfo=UTC))
    runs: list[datetime] = []

    async def job() -> None:
        runs.append(clock.now())

    async def story() -> None:
        scheduler = bridge.Scheduler(clock)
        scheduler.start()
        try:
            scheduler.at("guard:1", clock.now() + timedelta(seconds=1), job)
            wait = scheduler._scheduler._process_jobs()
            assert runs == [] and wait is not None and 0 < wait <= 1.0, wait
            clock.current += timedelta(seconds=2)
            scheduler._scheduler._process_jobs()
            await asyncio.sleep(0.05)  # the executor runs the coroutine job as a task
            assert runs == [clock.current]
        finally:
            scheduler.shutdown()

    asyncio.run(story())


def test_date_triggers_compute_their_fire_time_from_the_time_they_are_given() -> None:
    # The bridge never patches triggers: they must take "now" as an argument, not read it.
    trigger = DateTrigger(run_date=datetime(2040, 1, 1, tzinfo=UTC))
    assert "now" in inspect.signature(trigger.get_next_fire_time).parameters
