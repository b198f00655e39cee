"""The safety net's matching and care's pure rules: whole words after normalisation, false alarms, quotes,
the once-a-day rule, severity order, and the resource checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.errors import BadInput
from bot.safety import SafetyNet
from cogs.care import domain

NET = SafetyNet(
    keywords=("suicide", "kill myself", "want to die", "can't go on", "overdose", "cut myself"),
    resources="",
    false_alarms=(
        "suicide squad",
        "political suicide",
        "overdose of caffeine",
        "cut myself some slack",
        "can't go on holiday",
    ),
)


@pytest.mark.parametrize(
    "text",
    [
        "I want to DIE",
        "honestly I can’t go on like this",
        "thinking about suicídio… no, suicide",
        "I might kill myself",
    ],
)
def test_words_of_crisis_are_found_after_normalisation(text: str) -> None:
    assert NET.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "We watched Suicide Squad last night",
        "that vote was political suicide",
        "an overdose of caffeine before the exam",
        "I need to cut myself some slack",
        "I can't go on holiday this year",
        "suicidesquad was on",  # a keyword inside another word
        "skill myself up",
        "> I want to die\nthat line from the film stuck with me",  # a quotation
        'she said "I want to die" in the play',
    ],
)
def test_false_alarms_ordinary_words_and_quotations_do_not_fire(text: str) -> None:
    assert not NET.matches(text)


def test_a_real_match_next_to_a_false_alarm_still_fires() -> None:
    assert NET.matches("after watching suicide squad I thought about suicide")


def test_the_shipped_false_alarm_list_loads_and_works() -> None:
    from bot.config import SafetySettings

    shipped = SafetyNet.from_settings(SafetySettings())
    assert "suicide squad" in shipped.false_alarms
    assert not shipped.matches("Suicide Squad was fun")


def test_once_a_day_unless_more_pressing() -> None:
    today = date(2026, 12, 3)
    assert domain.may_message_today(last_day=None, last_severity=None, today=today, severity=domain.Severity.GENTLE)
    assert not domain.may_message_today(
        last_day="2026-12-03", last_severity=2, today=today, severity=domain.Severity.URGENT
    )
    assert domain.may_message_today(
        last_day="2026-12-03", last_severity=1, today=today, severity=domain.Severity.URGENT
    )
    assert domain.may_message_today(
        last_day="2026-12-02", last_severity=2, today=today, severity=domain.Severity.GENTLE
    )


def test_queues_are_ordered_by_severity_then_age() -> None:
    t = datetime(2026, 12, 3, tzinfo=UTC)
    order = domain.queue_order([(1, 1, t), (2, 2, t + timedelta(minutes=5)), (3, 2, t), (4, 1, t - timedelta(hours=1))])
    assert order == [3, 2, 4, 1]


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("", "Call 112", "Give the region a name"),
        ("Germany", "x" * 601, "keep it to 600"),
        ("Germany", "see ftp://example.org", "can't be used"),
        ("Germany", "[click](javascript:alert(1))", "can't be used"),
        ("Germany", "https://user:pw@", "can't be used"),
        ("Germany", "ask @everyone", "can't mention"),
    ],
)
def test_region_entries_are_checked(name: str, text: str, says: str) -> None:
    with pytest.raises(BadInput, match=says):
        domain.clean_region(name, text)


def test_the_crisis_message_fits_discord_and_puts_the_emergency_line_first() -> None:
    resources = domain.Resources(
        "Call 112 if you are in danger.", tuple(domain.Region(f"R{i}", "y" * 590) for i in range(10))
    )
    text = domain.crisis_message(resources, low_mood=False, duty_notice=None, first_time=True)
    assert len(text) <= 2000
    assert text.index("Call 112") < text.index("R0")
