"""Prometheus metrics: what an operator needs to see, and nothing about any member.

Off by default; ``[metrics] enabled = true`` serves ``/metrics`` on ``host:port`` (127.0.0.1:9108 by
default: the endpoint has no authentication). The ``Metrics`` object always exists, so code records
the same way whether or not anything scrapes it.

Labels come from small, fixed sets only: a command's name, a job's kind (the prefix of its id), an
error kind, a delivery state, a care case's state and age bucket. Never a user, guild, channel or
record id, and never anything a member typed.

Features that own a number register a source (an async callable run on the bot's loop at each scrape):

- ``metrics.set_delivery_source(fn)``: ``fn() -> {"pending": n, "failed": m, "refused": k}`` (the delivery
  record, #12; ``delivery_counts`` reads it and ``bot/app.py`` registers it)
- ``metrics.set_care_case_source(fn)``: ``fn() -> [(state, age_seconds), ...]`` one pair per open case
  (care cases, #11); ``state`` one of ``CARE_STATES``; ages are bucketed here, so no case is singled out.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.db.models import DeliveryRecord

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.db import Database

log = logging.getLogger(__name__)

# Seconds from an interaction arriving to Hearth being done with it (reply sent). Discord's own
# deadline for a first answer is 3 s.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# Seconds a job started after it was due.
LAG_BUCKETS = (0.05, 0.25, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
CARE_STATES = ("unclaimed", "claimed", "escalated")
CARE_AGES = ((900.0, "under_15m"), (3600.0, "15m_to_1h"), (14400.0, "1h_to_4h"), (86400.0, "4h_to_24h"))
CARE_OLDEST = "over_24h"
# pending: waiting to be sent (or retried); failed: given up on a transient error (out of retries) and
# refused: given up on 403/404 (DMs closed, channel gone), both in the last day.
DELIVERY_STATES = ("pending", "failed", "refused")
GIVEN_UP_WINDOW = timedelta(days=1)
SOURCE_TIMEOUT_SECONDS = 5.0

DeliverySource = Callable[[], Awaitable[Mapping[str, int]]]
CareCaseSource = Callable[[], Awaitable[Iterable[tuple[str, float]]]]


def care_age_bucket(age_seconds: float) -> str:
    for limit, name in CARE_AGES:
        if age_seconds < limit:
            return name
    return CARE_OLDEST


def delivery_counts(db: Database, clock: Clock) -> DeliverySource:
    """The delivery record's numbers for ``set_delivery_source``: pending now, and given up in the last day."""

    async def read() -> dict[str, int]:
        since = clock.now() - GIVEN_UP_WINDOW
        async with db.read() as session:
            pending = await session.scalar(
                select(func.count()).select_from(DeliveryRecord).where(DeliveryRecord.state == "pending")
            )
            given_up = await session.execute(
                select(DeliveryRecord.last_status, func.count())
                .where(DeliveryRecord.state == "given_up", DeliveryRecord.done_at >= since)
                .group_by(DeliveryRecord.last_status)
            )
            counts = {"pending": int(pending or 0), "failed": 0, "refused": 0}
            for status, count in given_up.all():
                counts["refused" if status in (403, 404) else "failed"] += int(count)
        return counts

    return read


class Metrics:
    """One registry per bot (tests build many bots in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.interaction_seconds = Histogram(
            "hearth_interaction_seconds",
            "Time from an interaction arriving to Hearth having handled it, by command",
            ["command", "type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "hearth_errors",
            "Errors by kind: interaction_bug (the member saw a reference), interaction_transient (try again), "
            "interaction_refused (a clear message about their input), job_failed, job_missed",
            ["kind"],
            registry=r,
        )
        self.scheduler_lag = Histogram(
            "hearth_scheduler_lag_seconds",
            "How late jobs started, by job kind",
            ["job"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.job_failures = Counter(
            "hearth_scheduler_job_failures",
            "Jobs that raised, by job kind and outcome (retrying, or given_up)",
            ["job", "outcome"],
            registry=r,
        )
        self.gateway_latency = Gauge(
            "hearth_gateway_latency_seconds", "Discord gateway heartbeat latency (NaN when not connected)", registry=r
        )
        ProcessCollector(registry=r)  # process_resident_memory_bytes and friends
        self._live = _LiveCollector(self)
        r.register(self._live)
        self._delivery_source: DeliverySource | None = None
        self._care_source: CareCaseSource | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # --- wiring ---------------------------------------------------------------------------------------

    def bind(self, *, loop: asyncio.AbstractEventLoop, pool: Any, latency: Callable[[], float]) -> None:
        """Called once the bot's loop runs: where sources run, which pool and gateway to read."""
        self._loop = loop
        self._pool = pool
        self.gateway_latency.set_function(latency)

    def set_delivery_source(self, source: DeliverySource) -> None:
        self._delivery_source = source

    def set_care_case_source(self, source: CareCaseSource) -> None:
        self._care_source = source

    def serve(self, host: str, port: int) -> None:
        self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        self.port = int(self._server.server_port)
        log.info("metrics at http://%s:%d/metrics", host, self.port)
        if host not in {"127.0.0.1", "::1", "localhost"}:
            log.warning("metrics endpoint listens on %s: it has no authentication, keep it behind a firewall", host)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self.port = None

    # --- recording (the scheduler's observer, the command tree) ----------------------------------------

    def interaction(self, command: str, kind: str, seconds: float) -> None:
        self.interaction_seconds.labels(command=command, type=kind).observe(seconds)

    def error(self, kind: str) -> None:
        self.errors.labels(kind=kind).inc()

    def job_lag(self, kind: str, seconds: float) -> None:
        self.scheduler_lag.labels(job=kind).observe(seconds)

    def job_failed(self, kind: str, gave_up: bool) -> None:
        self.job_failures.labels(job=kind, outcome="given_up" if gave_up else "retrying").inc()
        self.error("job_failed")

    def job_missed(self, kind: str) -> None:
        self.error("job_missed")

    # --- values read at scrape time ---------------------------------------------------------------------

    async def read_sources(self) -> dict[str, Any]:
        """Run the registered sources (on the bot's loop); a failing one is reported down, not fatal."""
        values: dict[str, Any] = {}
        for name, source in (("deliveries", self._delivery_source), ("care_cases", self._care_source)):
            if source is None:
                continue
            try:
                result = await asyncio.wait_for(source(), SOURCE_TIMEOUT_SECONDS)
                values[name] = dict(result) if name == "deliveries" else list(result)  # type: ignore[arg-type]
            except Exception:
                log.warning("metrics source %s failed", name, exc_info=True)
                values[name] = None
        return values

    def _sources_now(self) -> dict[str, Any]:
        loop = self._loop
        if loop is None or loop.is_closed() or not (self._delivery_source or self._care_source):
            return {}
        try:
            if asyncio.get_running_loop() is loop:
                return {}  # called on the loop itself (a test rendering directly): can't wait here
        except RuntimeError:
            pass
        future = asyncio.run_coroutine_threadsafe(self.read_sources(), loop)
        try:
            return future.result(SOURCE_TIMEOUT_SECONDS + 1)
        except Exception:
            future.cancel()
            return {"deliveries": None, "care_cases": None}


class _LiveCollector(Collector):
    """Gauges computed at scrape time: the database pool and the registered sources."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> Iterable[Metric]:
        return []  # names vary with what is registered; skip the registry's collect-at-register

    def collect(self) -> Iterator[Metric]:
        yield from self._pool()
        sources = self.metrics._sources_now()
        up = GaugeMetricFamily(
            "hearth_metrics_source_up", "Whether a feature's metrics source answered", labels=["source"]
        )
        for name, value in sources.items():
            up.add_metric([name], 0.0 if value is None else 1.0)
        yield up
        deliveries = sources.get("deliveries")
        if deliveries is not None:
            family = GaugeMetricFamily(
                "hearth_deliveries", "Timer messages waiting to be sent, or given up", labels=["state"]
            )
            for state in DELIVERY_STATES:
                family.add_metric([state], float(deliveries.get(state, 0)))
            yield family
        cases = sources.get("care_cases")
        if cases is not None:
            ages = [name for _, name in CARE_AGES] + [CARE_OLDEST]
            counts = {(state, age): 0 for state in (*CARE_STATES, "other") for age in ages}
            for state, age_seconds in cases:
                counts[(state if state in CARE_STATES else "other", care_age_bucket(age_seconds))] += 1
            family = GaugeMetricFamily(
                "hearth_care_cases_open", "Open care cases by state and age bucket", labels=["state", "age"]
            )
            for (state, age), count in sorted(counts.items()):
                family.add_metric([state, age], float(count))
            yield family

    def _pool(self) -> Iterator[Metric]:
        pool = self.metrics._pool
        if pool is None:
            return
        family = GaugeMetricFamily("hearth_db_pool_connections", "Database connections by state", labels=["state"])
        for state, method in (("checked_out", "checkedout"), ("idle", "checkedin"), ("overflow", "overflow")):
            reader = getattr(pool, method, None)
            if reader is None:
                continue
            value = float(reader())
            family.add_metric([state], max(value, 0.0) if math.isfinite(value) else 0.0)
        yield family
        size = getattr(pool, "size", None)
        if size is not None:
            yield GaugeMetricFamily("hearth_db_pool_size", "Configured pool size", value=float(size()))
