"""Pure rules: names, limits, neutral role names, channel names, paging, timezone suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadInput
from cogs.groups import domain
from cogs.groups.views import guidelines_prompt, guidelines_text


def test_names_are_trimmed_and_bounded() -> None:
    assert domain.clean_name("  Grief   Circle ") == "Grief Circle"
    assert domain.clean_name("ab") == "ab"
    assert domain.clean_name("x" * 50) == "x" * 50
    for bad in ("", " a ", "x" * 51, "@everyone", "new\x00line"):
        with pytest.raises(BadInput):
            domain.clean_name(bad)


def test_name_keys_ignore_case_and_spacing() -> None:
    assert domain.name_key("Grief  Circle") == domain.name_key("GRIEF circle") == "grief circle"
    assert domain.name_key("Straße") == domain.name_key("STRASSE")


def test_descriptions_and_guidelines_have_limits() -> None:
    assert domain.clean_description(None) == ""
    assert domain.clean_description("d" * 300) == "d" * 300
    with pytest.raises(BadInput, match="300"):
        domain.clean_description("d" * 301)
    with pytest.raises(BadInput):
        domain.clean_guidelines("   ")
    with pytest.raises(BadInput):
        domain.clean_guidelines("g" * (domain.GUIDELINES_MAX + 1))


def test_role_names_are_neutral_by_default() -> None:
    assert domain.role_name("Addiction Recovery", True, "a1b2") == "Hearth circle A1B2"
    assert domain.role_name("Addiction Recovery", False, "a1b2") == "Addiction Recovery"
    assert domain.role_token("Hearth circle A1B2") == "A1B2"
    assert domain.role_token("Addiction Recovery") is None


def test_channel_names_are_discord_shaped() -> None:
    assert domain.channel_name("Grief Circle") == "grief-circle"
    assert domain.channel_name("Café & Tea!") == "cafe-tea"
    assert domain.channel_name("!!!") == "group"


def test_private_groups_are_seen_by_members_and_facilitators_only() -> None:
    assert domain.may_see(False, member=False, facilitator=False)
    assert not domain.may_see(True, member=False, facilitator=False)
    assert domain.may_see(True, member=True, facilitator=False)
    assert domain.may_see(True, member=False, facilitator=True)


def test_paging() -> None:
    page = domain.paginate(list(range(23)), 2)
    assert page.items == [20, 21, 22] and page.count == 3 and page.has_previous and not page.has_next
    assert domain.paginate([], 5).count == 1
    assert domain.paginate(list(range(5)), -1).number == 0


@given(st.lists(st.integers(), max_size=60), st.integers(min_value=-3, max_value=10))
def test_pages_cover_every_item_exactly_once(items: list[int], start: int) -> None:
    first = domain.paginate(items, start)
    pages = [domain.paginate(items, n).items for n in range(first.count)]
    assert [item for page in pages for item in page] == items
    assert all(len(page) <= domain.PAGE_SIZE for page in pages)


@given(st.text(min_size=0, max_size=80))
def test_clean_name_either_refuses_or_returns_a_valid_name(raw: str) -> None:
    try:
        name = domain.clean_name(raw)
    except BadInput:
        return
    assert domain.NAME_MIN <= len(name) <= domain.NAME_MAX and name == name.strip()


def test_timezone_suggestions() -> None:
    assert domain.timezone_suggestions("berl") == ["Europe/Berlin"]
    assert "America/New_York" in domain.timezone_suggestions("new y")
    assert len(domain.timezone_suggestions("a")) == 25
    assert domain.timezone_suggestions("")[0] == "UTC"


class _Group:
    id = 7
    name = "Caregivers"
    guidelines = "g" * 3000
    guidelines_version = 3


def test_the_guidelines_prompt_fits_one_message_and_carries_only_ids() -> None:
    text, view = guidelines_prompt(_Group())
    assert len(text) <= 2000 and "version 3" in text
    (button,) = view.children
    assert button.custom_id == "groups:gl:7:3"  # type: ignore[attr-defined]
    assert guidelines_text(_Group()).endswith("meetings in this group.")
