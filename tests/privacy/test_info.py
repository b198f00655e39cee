"""/privacy info in one private message: a line per feature with its counts, what each keeps and why behind
a menu; always under Discord's 2,000 characters, with every feature loaded and counts in the millions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import i18n
from bot.privacy import Holding, Subject
from cogs.privacy.views import MESSAGE_LIMIT, feature_details, info_message
from tests.conftest import Harness
from tests.privacy.test_behaviour import arrange


async def test_info_is_one_message_with_a_menu_for_the_details(harness: Harness) -> None:
    channel, alice, _ = await arrange(harness)
    result = await alice.slash(channel, "privacy info")
    assert result.ephemeral and result.response is not None
    assert result.followups == []  # one answer, not several
    content = result.response.content
    assert "• **Notes**: 2 notes" in content.splitlines()
    assert "• **Meetings**: nothing about you" in content.splitlines()  # every loaded feature, even when empty
    assert "Notes you wrote" not in content  # the why is behind the menu
    [menu] = [c for row in result.response.components for c in row["components"]]  # type: ignore[index]
    options = {o["label"]: o.get("description") for o in menu["options"]}  # type: ignore[index]
    assert options["Notes"] == "2 records"
    assert len(options) == len(harness.bot.privacy.providers)

    picked = await alice.select(result.response, ["notes"], custom_id="privacy:info")
    assert picked.ephemeral and picked.response is not None
    assert picked.response.content == "**Notes**: Notes you wrote, so you can read them later.\n• 2 notes"


async def everything_in_the_millions(harness: Harness) -> list[Holding]:
    """Every loaded feature's every tally, each counting 1,234,567 records."""
    subject = Subject(1, harness.bot.require_keys())
    holdings = []
    async with harness.bot.db.read() as session:
        for provider in harness.bot.privacy.providers:
            tallies = await provider.counts(session, subject)  # type: ignore[union-attr]
            holdings.append(Holding(provider.name, provider.purpose, [replace(t, count=1_234_567) for t in tallies]))
    return holdings


@pytest.mark.parametrize("language", ["en", "de"])
async def test_info_fits_one_message_with_every_feature_and_huge_counts(harness: Harness, language: str) -> None:
    holdings = await everything_in_the_millions(harness)
    assert len(holdings) >= 9 and sum(len(h.tallies) for h in holdings) >= 25
    with i18n.using(language):
        text = info_message(holdings)
        assert len(text) <= MESSAGE_LIMIT, len(text)
        for holding in holdings:  # every feature still has its line, with a total
            name = i18n._(holding.name)
            assert any(name[:1].upper() + name[1:] in line for line in text.splitlines()), holding.name
        assert "1,234,567" in text or "1.234.567" in text
        assert all(len(feature_details(h)) <= MESSAGE_LIMIT for h in holdings)


async def test_info_shows_each_count_when_it_fits(harness: Harness) -> None:
    holdings = await everything_in_the_millions(harness)
    few = [replace(h, tallies=h.tallies[:1]) if i < 3 else replace(h, tallies=[]) for i, h in enumerate(holdings)]
    text = info_message(few)
    assert few[0].tallies[0].line() in text  # the feature's own words for its records, not a bare total
    assert "nothing about you" in text
