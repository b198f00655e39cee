"""Pure moderation rules: offered actions, refusals, card text, excerpts, pages, retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadInput
from cogs.moderation import domain
from cogs.moderation.domain import ItemSnapshot

NOW = datetime(2026, 5, 1, tzinfo=UTC)
REPORT = ItemSnapshot(
    id=3, guild_id=1, kind="report", status="open", channel_id=2, message_id=4, post_id=None, post_code=None,
    author_id=9, excerpt="hello", report_count=2, created_at=NOW, reasons=["rude", "mean"],
)  # fmt: skip
ANONYMOUS = replace(REPORT, post_id=5, post_code="ABCDEFGHJKMN", author_id=None)


def test_actions_offered_per_kind() -> None:
    assert domain.available_actions(REPORT) == ["dismiss", "delete", "warn", "timeout"]
    assert domain.available_actions(ANONYMOUS) == ["dismiss", "delete", "warn", "block"]
    assert domain.available_actions(replace(ANONYMOUS, break_glass=True))[-1] == "reveal"
    held = replace(ANONYMOUS, kind="held", message_id=None)
    assert domain.available_actions(held) == ["approve", "reject", "block"]
    assert domain.available_actions(replace(REPORT, status="closed")) == []


@pytest.mark.parametrize(
    ("item", "action", "match"),
    [
        (ANONYMOUS, "timeout", "Block from anonymous sharing"),
        (REPORT, "block", "anonymous posts only"),
        (ANONYMOUS, "reveal", "break-glass is off"),
        (REPORT, "approve", "held for approval"),
        (replace(REPORT, status="closed", resolution="dismissed"), "dismiss", "already closed"),
        (replace(REPORT, message_id=None), "delete", "doesn't apply"),
    ],
)
def test_actions_an_item_does_not_offer_are_refused_with_a_reason(item: ItemSnapshot, action: str, match: str) -> None:
    with pytest.raises(BadInput, match=match):
        domain.require_action(item, action)


def test_card_shows_link_excerpt_reasons_and_count_but_no_reporter() -> None:
    card = domain.render_card(REPORT)
    assert "https://discord.com/channels/1/2/4" in card
    assert "> hello" in card and "• rude" in card and "Reported by 2 people" in card
    anonymous = domain.render_card(ANONYMOUS)
    assert "anonymous post `ABCDEFGHJKMN`" in anonymous and "<@" not in anonymous


def test_card_keeps_only_the_latest_reasons_and_fits_a_message() -> None:
    card = domain.render_card(replace(REPORT, reasons=[f"reason {n} " + "x" * 300 for n in range(40)]))
    assert "…and 35 more" in card and len(card) <= 2000


@given(st.text(max_size=1000))
def test_excerpt_is_one_line_within_the_limit(text: str) -> None:
    cut = domain.excerpt(text)
    assert len(cut) <= domain.EXCERPT_LIMIT and "\n" not in cut and cut


def test_reasons_and_timeouts_are_validated() -> None:
    assert domain.clean_reason("  rude  ") == "rude"
    for bad in ("", "   ", None, "x" * 501):
        with pytest.raises(BadInput):
            domain.clean_reason(bad)
    assert domain.timeout_minutes(60) == timedelta(hours=1)
    with pytest.raises(BadInput, match="isn't offered"):
        domain.timeout_minutes(999999)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=-5, max_value=200))
def test_pages_are_clamped(total: int, page: int) -> None:
    clamped = domain.clamp_page(page, total, domain.QUEUE_PAGE_SIZE)
    assert 0 <= clamped < domain.page_count(total, domain.QUEUE_PAGE_SIZE)


def test_retention_cutoff() -> None:
    assert domain.retention_cutoff(NOW, 30) == NOW - timedelta(days=30)
    with pytest.raises(ValueError, match="at least 1"):
        domain.retention_cutoff(NOW, 0)
