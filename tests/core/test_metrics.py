"""The metrics endpoint, scraped during a story: the names an operator alerts on are there, and no
label or value carries a member's id, name or words."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from pathlib import Path

import simcord
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_bot
from bot.clock import Clock
from bot.config import Settings
from bot.errors import HearthError
from bot.metrics import CARE_STATES
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import fail_on_unexpected_errors, make_settings, release
from tests.support.groups import make_group

ALLOWED_LABELS = {"command", "type", "kind", "job", "outcome", "state", "age", "source"}


async def scrape(port: int) -> str:
    def get() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            return response.read().decode()

    return await asyncio.to_thread(get)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_and_on_loopback_by_default(settings: Settings) -> None:
    assert settings.metrics.enabled is False
    assert settings.metrics.host == "127.0.0.1"


async def test_metrics_scraped_during_a_story(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings = type(settings)(**{**settings.__dict__, "metrics": type(settings.metrics)(enabled=True, port=0)})
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    try:
        port = bot.metrics.port
        assert port is not None

        # Features that own a number register a source (delivery record #12, care cases #11).
        async def deliveries() -> dict[str, int]:
            return {"pending": 3, "failed": 1}

        async def care_cases() -> list[tuple[str, float]]:
            return [("unclaimed", 120.0), ("unclaimed", 7200.0), ("claimed", 100_000.0)]

        bot.metrics.set_delivery_source(deliveries)
        bot.metrics.set_care_case_source(care_cases)

        guild = env.create_guild()
        alice = guild.add_member(env.create_user("alice_quietly"))
        group = await make_group(harness_like(bot, clock), guild, "Grief", members=[alice])
        secret_words = "my brother died in march and I cannot sleep"
        shown = await alice.slash(group.channel, "share")
        await alice.submit_modal(shown, {TEXT_ID: secret_words, WARNING_ID: ""})
        await alice.slash(group.channel, "group list")
        await alice.slash(group.channel, "group info", group="No such group")  # a refusal she can act on
        errors = env.errors
        assert isinstance(getattr(errors[-1], "original", errors[-1]), HearthError)

        async def broken() -> None:
            raise RuntimeError("boom")

        bot.scheduler.after("flaky:1", 1, broken)
        await env.advance_time(5)

        text = await scrape(port)
    finally:
        await env.shutdown()
        await release(bot)
    fail_on_unexpected_errors(env)

    found = samples(text)
    # Interaction latency per command, with real buckets.
    assert value(found, "hearth_interaction_seconds_count", command="share", type="application_command") == 1
    assert value(found, "hearth_interaction_seconds_count", command="group list", type="application_command") == 1
    assert value(found, "hearth_interaction_seconds_bucket", command="share", type="application_command", le="+Inf")
    # Errors by kind, scheduler lag and failures, gateway, pool, process memory.
    assert value(found, "hearth_errors_total", kind="interaction_refused") >= 1
    assert value(found, "hearth_errors_total", kind="job_failed") == 1
    assert value(found, "hearth_scheduler_job_failures_total", job="flaky", outcome="retrying") == 1
    assert value(found, "hearth_scheduler_lag_seconds_count", job="flaky") == 1
    assert any(name == "hearth_gateway_latency_seconds" for name, _ in found)
    assert any(name == "hearth_db_pool_connections" for name, _ in found)
    assert value(found, "process_resident_memory_bytes") > 0
    # Sources registered by features, bucketed.
    assert value(found, "hearth_deliveries", state="pending") == 3
    assert value(found, "hearth_deliveries", state="failed") == 1
    assert value(found, "hearth_care_cases_open", state="unclaimed", age="under_15m") == 1
    assert value(found, "hearth_care_cases_open", state="unclaimed", age="1h_to_4h") == 1
    assert value(found, "hearth_care_cases_open", state="claimed", age="over_24h") == 1
    assert value(found, "hearth_metrics_source_up", source="care_cases") == 1

    # Nothing about any member: no ids, names or words anywhere, only known label names.
    for needle in (str(alice.id), "alice", str(guild.id), str(group.channel.id), "brother", "sleep", "No such"):
        assert needle not in text, needle
    label_names = {label for (_, labels) in found for label, _ in labels} - {"le"}
    assert label_names <= ALLOWED_LABELS, label_names
    assert set(CARE_STATES) <= {v for (n, labels) in found if n == "hearth_care_cases_open" for k, v in labels}
    label_values = {v for (_, labels) in found for k, v in labels if k != "le"}
    assert not [v for v in label_values if re.search(r"\d{5,}", v)], "an id-like label value"


async def test_a_failing_source_is_reported_down_and_the_scrape_still_works(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings = type(settings)(**{**settings.__dict__, "metrics": type(settings.metrics)(enabled=True, port=0)})
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True)
    clock.use(env.now)
    await env.start()
    try:

        async def broken() -> dict[str, int]:
            raise RuntimeError("table missing")

        bot.metrics.set_delivery_source(broken)
        assert bot.metrics.port is not None
        text = await scrape(bot.metrics.port)
    finally:
        await env.shutdown()
        await release(bot)
    found = samples(text)
    assert value(found, "hearth_metrics_source_up", source="deliveries") == 0
    assert not any(name == "hearth_deliveries" for name, _ in found)
    assert any(name == "hearth_interaction_seconds" or name.startswith("process_") for name, _ in found)


class harness_like:  # noqa: N801 - make_group only needs .bot and .clock
    def __init__(self, bot: object, clock: Clock) -> None:
        self.bot = bot
        self.clock = clock
