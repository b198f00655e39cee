"""One normal form for stored text, a separate one for matching (bot/text.py)."""

from __future__ import annotations

import unicodedata

from bot.interactions import normalise_payload
from bot.text import clean, matching, shorten


def test_clean_removes_nul_and_control_characters_but_keeps_lines_and_tabs() -> None:
    assert clean("a\x00b\x07c\x1b[31m\x7f\x85d") == "abc[31m\nd"
    assert clean("line one\r\nline two\rthree\tend") == "line one\nline two\nthree\tend"


def test_clean_stores_nfc_and_keeps_what_members_wrote() -> None:
    decomposed = "Cafe\u0301 🌱 **bold** \u200bzero-width \u202eRTL"
    cleaned = clean(decomposed)
    assert cleaned == unicodedata.normalize("NFC", decomposed)
    assert "Café" in cleaned and "**bold**" in cleaned and "\u200b" in cleaned and "\u202e" in cleaned
    assert clean("Grüße, ÇA VA?") == "Grüße, ÇA VA?"  # case and letters untouched


def test_clean_drops_lone_surrogates_that_no_database_can_store() -> None:
    assert clean("ok\ud800ok") == "okok"
    clean("ok\ud800ok").encode("utf-8")


def test_clean_is_idempotent() -> None:
    for value in ["", "plain", "A\x00\u0065\u0301\r\n", "x" * 6000]:
        assert clean(clean(value)) == clean(value)


def test_matching_folds_case_width_and_invisible_characters() -> None:
    assert matching("ＧＲＩＥＦ  Circle") == matching("grief circle")
    assert matching("Gr\u200bief\u202e Circle") == "grief circle"
    assert matching("STRASSE") == matching("straße")


def test_shorten_quotes_at_most_the_limit_on_one_line() -> None:
    quoted = shorten("word " * 2000, 80)
    assert len(quoted) <= 80 and quoted.endswith("…") and "\n" not in quoted
    assert shorten("short") == "short"


def test_every_string_option_and_form_value_is_cleaned_in_the_payload() -> None:
    data = {
        "options": [
            {
                "type": 1,
                "name": "create",
                "options": [
                    {"type": 3, "name": "name", "value": "Grief\x00 circle"},
                    {"type": 4, "name": "minutes", "value": 5},
                ],
            }
        ],
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "note", "value": "a\x00b\r\nc"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "more", "value": "e\u0301"}},
        ],
    }
    normalise_payload(data)
    assert data["options"][0]["options"][0]["value"] == "Grief circle"
    assert data["options"][0]["options"][1]["value"] == 5
    assert data["components"][0]["components"][0]["value"] == "ab\nc"
    assert data["components"][1]["component"]["value"] == "é"


def test_the_safety_net_matches_on_the_same_form_and_sees_through_hidden_characters() -> None:
    from bot.safety import SafetyNet

    net = SafetyNet(keywords=("end my life",), resources="help")
    for text in ["I want to END MY LIFE", "i want to end\u200b my life", "ｅｎｄ ｍｙ ｌｉｆｅ", "end\u00a0my life"]:
        assert net.matches(text), text
    assert not net.matches("the end of my lifetime plans")


def test_group_names_match_whatever_their_case_width_or_hidden_characters() -> None:
    from cogs.groups.domain import name_key

    assert name_key("Grief Circle") == name_key("GRIEF  circle") == name_key("Ｇｒｉｅｆ Circle")
    assert name_key("Gr\u200bief Circle") == name_key("grief circle")
