"""A job that raises is logged with a reference and retried with backoff; the scheduler and
every other job carry on."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from bot.scheduler import RETRY_DELAYS
from tests.conftest import Harness


class Recorder:
    def __init__(self) -> None:
        self.lags: list[tuple[str, float]] = []
        self.failures: list[tuple[str, bool]] = []
        self.missed: list[str] = []

    def job_lag(self, kind: str, seconds: float) -> None:
        self.lags.append((kind, seconds))

    def job_failed(self, kind: str, gave_up: bool) -> None:
        self.failures.append((kind, gave_up))

    def job_missed(self, kind: str) -> None:
        self.missed.append(kind)


async def test_a_failing_job_next_to_healthy_ones(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    scheduler = harness.bot.scheduler
    recorder = Recorder()
    scheduler.observer = recorder
    fired: list[str] = []
    attempts: list[object] = []

    async def healthy(tag: str) -> None:
        fired.append(tag)

    async def flaky(record_id: int) -> None:
        attempts.append(harness.clock.now())
        if len(attempts) < 3:
            raise RuntimeError("database is locked")
        fired.append(f"flaky-{record_id}")

    now = harness.clock.now()
    scheduler.at("test:before", now + timedelta(seconds=5), healthy, "before")
    scheduler.at("flaky:7", now + timedelta(seconds=10), flaky, 7)
    scheduler.at("test:same-time", now + timedelta(seconds=10), healthy, "same-time")
    scheduler.at("test:after", now + timedelta(seconds=20), healthy, "after")

    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await harness.env.advance_time(25)
    # The failure stopped nothing: every healthy job ran at its time.
    assert sorted(fired) == ["after", "before", "same-time"]
    assert len(attempts) == 1
    (record,) = [r for r in caplog.records if "job failed" in r.getMessage()]
    message = record.getMessage()
    assert re.search(r"ref=[0-9A-F]{6} job=flaky:7 attempt=1; retrying in 30s", message), message
    assert record.exc_info is not None  # the traceback is there for whoever looks the reference up

    # Backoff: the second try 30 s later (fails again), the third 60 s after that (succeeds).
    assert scheduler.next_run("flaky:7") is not None
    await harness.env.advance_time(RETRY_DELAYS[0] + 1)
    assert len(attempts) == 2
    await harness.env.advance_time(RETRY_DELAYS[1] - 20)  # t=96 s; the third try is due at 100 s
    assert len(attempts) == 2  # not hammering
    await harness.env.advance_time(10)
    assert len(attempts) == 3
    assert "flaky-7" in fired
    assert scheduler.next_run("flaky:7") is None  # done; nothing left behind
    assert recorder.failures == [("flaky", False), ("flaky", False)]
    assert {kind for kind, _ in recorder.lags} == {"test", "flaky"}

    # The scheduler still takes and runs new jobs.
    scheduler.after("test:later", 5, healthy, "later")
    await harness.env.advance_time(10)
    assert "later" in fired


async def test_a_job_that_always_fails_is_given_up_after_the_last_retry(harness: Harness) -> None:
    scheduler = harness.bot.scheduler
    recorder = Recorder()
    scheduler.observer = recorder
    attempts: list[int] = []

    async def broken() -> None:
        attempts.append(1)
        raise ValueError("bug")

    scheduler.after("broken:1", 1, broken)
    await harness.env.advance_time(sum(RETRY_DELAYS) + 3600)
    assert len(attempts) == 1 + len(RETRY_DELAYS)
    assert scheduler.next_run("broken:1") is None
    assert recorder.failures[-1] == ("broken", True)
    assert [gave_up for _, gave_up in recorder.failures].count(True) == 1


async def test_unsafe_and_self_rescheduling_jobs_are_not_retried(harness: Harness) -> None:
    scheduler = harness.bot.scheduler
    calls: list[str] = []

    async def send_once() -> None:
        calls.append("send")
        raise RuntimeError("failed after the message may have gone out")

    async def retention() -> None:
        calls.append("retention")
        try:
            raise RuntimeError("locked")
        finally:
            scheduler.after("retention:daily", 86400, retention)

    scheduler.after("send:1", 1, send_once, retry=False)
    scheduler.after("retention:daily", 1, retention)
    await harness.env.advance_time(2 * 3600)
    assert sorted(calls) == ["retention", "send"]  # no retry of either: one is unsafe, one knows its next time
    next_retention = scheduler.next_run("retention:daily")
    assert next_retention is not None
    assert next_retention - harness.clock.now() > timedelta(hours=20)
