"""The scheduler runs on the injected clock: moving SimCord's virtual time fires due jobs exactly once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.conftest import Harness


async def test_moving_virtual_time_fires_a_due_job_exactly_once(harness: Harness) -> None:
    fired: list[object] = []

    async def job(value: object) -> None:
        fired.append((value, harness.clock.now()))

    due = harness.clock.now() + timedelta(seconds=60)
    harness.bot.scheduler.at("test:once", due, job, "reminder-42")

    await harness.env.advance_time(30)
    assert fired == []  # not yet due

    await harness.env.advance_time(90)
    assert len(fired) == 1
    value, when = fired[0]  # type: ignore[misc]
    assert value == "reminder-42"
    assert when >= due

    await harness.env.advance_time(3600)
    assert len(fired) == 1  # never again
    assert harness.bot.scheduler.next_run("test:once") is None


async def test_many_jobs_due_at_once_all_fire(harness: Harness) -> None:
    fired: list[int] = []

    async def job(n: int) -> None:
        fired.append(n)

    due = harness.clock.now() + timedelta(minutes=5)
    for n in range(200):
        harness.bot.scheduler.at(f"test:bulk:{n}", due, job, n)

    await harness.env.advance_time(301)
    assert sorted(fired) == list(range(200))


async def test_cancelled_and_replaced_jobs(harness: Harness) -> None:
    fired: list[str] = []

    async def job(tag: str) -> None:
        fired.append(tag)

    scheduler = harness.bot.scheduler
    now = harness.clock.now()
    scheduler.at("test:a", now + timedelta(seconds=10), job, "a")
    scheduler.at("test:b", now + timedelta(seconds=10), job, "b")
    scheduler.at("test:b", now + timedelta(seconds=20), job, "b-replaced")  # same id replaces
    scheduler.at("other:c", now + timedelta(seconds=10), job, "c")
    assert scheduler.cancel("test:a")
    assert scheduler.cancel_prefix("other:") == 1
    assert not scheduler.cancel("test:missing")

    await harness.env.advance_time(30)
    assert fired == ["b-replaced"]


async def test_the_clock_follows_virtual_time(harness: Harness) -> None:
    before = harness.clock.now()
    await harness.env.advance_time(3 * 86400)
    assert harness.clock.now() - before >= timedelta(days=3)


async def test_a_stopped_scheduler_runs_nothing_even_with_a_wakeup_queued(harness: Harness) -> None:
    fired: list[str] = []

    async def job(tag: str) -> None:
        fired.append(tag)

    scheduler = harness.bot.scheduler
    scheduler.at("test:late", harness.clock.now() + timedelta(seconds=5), job, "late")
    scheduler.shutdown()  # the add above queued a wake-up; it must not run the job
    assert not scheduler.running
    await harness.env.advance_time(60)
    assert fired == []


async def test_jobs_wait_while_paused_and_run_on_resume(harness: Harness) -> None:
    """The bot starts its scheduler paused and resumes it on READY, when guild caches exist."""
    fired: list[str] = []

    async def job(tag: str) -> None:
        fired.append(tag)

    scheduler = harness.bot.scheduler
    scheduler._scheduler.pause()  # as between setup_hook and READY
    scheduler.at("test:overdue", harness.clock.now(), job, "overdue reminder")
    await harness.env.advance_time(60)
    assert fired == []
    scheduler.resume()
    scheduler.resume()  # a second READY (reconnect) changes nothing
    await harness.env.advance_time(1)
    assert fired == ["overdue reminder"]


async def test_a_daily_job_runs_at_its_times_each_day_and_survives_a_failing_run(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The one helper every feature's housekeeping (retention) uses."""
    fired: list[datetime] = []

    async def job(tag: str) -> None:
        fired.append(harness.clock.now())
        if len(fired) == 1:
            raise RuntimeError("the database was busy")

    harness.bot.scheduler.daily("test:daily", job, "purge", at=time(3, 17), times=2)
    start = harness.clock.now()
    for _ in range(2 * 24):
        await harness.env.advance_time(3600)

    # Twice a day, at 03:17 and 15:17 UTC, on schedule even after the first run failed.
    assert len(fired) == 4, fired
    assert {(moment.hour, moment.minute) for moment in fired} == {(3, 17), (15, 17)}
    assert all(moment > start for moment in fired)
    failures = [r for r in caplog.records if "test:daily failed" in r.getMessage()]
    assert len(failures) == 1 and "purge" not in failures[0].getMessage()  # its arguments stay out of logs


def test_daily_refuses_a_spacing_that_does_not_fit_a_day(harness: Harness) -> None:
    async def job() -> None:
        return None

    with pytest.raises(ValueError, match="divide 24"):
        harness.bot.scheduler.daily("test:bad", job, times=5)
