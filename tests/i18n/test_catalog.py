"""The catalogs: every string of a converted feature is extracted and translated in every shipped language,
with the same placeholders; plurals follow CLDR; a missing locale or a broken translation falls back."""

from __future__ import annotations

import gettext
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from bot import i18n
from cogs.rounds import texts as rounds_texts

ROOT = Path(__file__).resolve().parents[2]
POT = i18n.LOCALES_DIR / "hearth.pot"
LANGUAGES = i18n.shipped()[1:]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def _catalog(path: Path, language: str | None = None):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _key(message) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return message.context, msgid


def test_a_second_language_ships() -> None:
    assert "de" in LANGUAGES


def test_the_template_is_what_pybabel_extracts_now(tmp_path: Path) -> None:
    """A string added to a converted feature without re-extracting (and translating) fails here."""
    fresh = tmp_path / "hearth.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
    )
    extracted = {_key(m) for m in _catalog(fresh) if m.id}
    committed = {_key(m) for m in _catalog(POT) if m.id}
    assert extracted - committed == set(), "run pybabel extract (README, Languages)"
    assert committed - extracted == set(), "strings no longer used: run pybabel extract and update"
    for language in LANGUAGES:
        translated = {_key(m) for m in _catalog(i18n.LOCALES_DIR / language / "LC_MESSAGES" / "hearth.po") if m.id}
        assert extracted - translated == set(), f"{language}: run pybabel update and translate"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_with_the_same_placeholders(language: str) -> None:
    catalog = _catalog(i18n.LOCALES_DIR / language / "LC_MESSAGES" / "hearth.po", language)
    template = {_key(m) for m in _catalog(POT) if m.id}
    problems = []
    seen = set()
    for message in catalog:
        if not message.id:
            continue
        seen.add(_key(message))
        if message.fuzzy:
            problems.append(f"fuzzy (unreviewed): {message.id!r}")
        if message.pluralizable:
            forms = message.string
            assert isinstance(forms, tuple)
            if len(forms) != catalog.num_plurals or not all(forms):
                problems.append(f"missing plural forms: {message.id!r}")
                continue
            wanted = set(PLACEHOLDER.findall(message.id[1]))
            for form in forms:
                # A form may leave out the number itself ("one more minute"), never anything else.
                found = set(PLACEHOLDER.findall(form))
                if not (wanted - {"count"} <= found <= wanted):
                    problems.append(f"placeholders {sorted(found)} vs {sorted(wanted)}: {form!r}")
        else:
            if not message.string:
                problems.append(f"untranslated: {message.id!r}")
                continue
            wanted = set(PLACEHOLDER.findall(message.id))
            if set(PLACEHOLDER.findall(message.string)) != wanted:
                problems.append(f"placeholders differ: {message.string!r}")
            if "%" in message.string.replace("%%", "") and not PLACEHOLDER.search(message.string) and wanted:
                problems.append(f"malformed placeholder: {message.string!r}")
        if message.context == i18n.MENU_NAME and not 1 <= len(message.string or "") <= 32:
            problems.append(f"menu name {message.id!r}: {message.string!r} must be 1-32 characters")
        if message.context == i18n.COMMAND_NAME and not i18n.NAME_RULE.match(message.string or ""):
            problems.append(f"not a valid command name: {message.string!r}")
    assert template - seen == set()
    assert problems == []


@pytest.mark.parametrize("language", i18n.shipped())
def test_plural_forms_follow_cldr_for_0_1_2_and_5(language: str) -> None:
    rule = Locale.parse(language).plural_form
    with i18n.using(language):
        forms = {n: rounds_texts.not_in_queue_waiting(n) for n in (0, 1, 2, 5)}
    for n, text in forms.items():
        assert str(n) in text
    # Same CLDR category, same form; a different category, a different form.
    for a in forms:
        for b in forms:
            same_form = forms[a].replace(str(a), "#") == forms[b].replace(str(b), "#")
            assert same_form == (rule(a) == rule(b)), (language, a, b)


def test_plurals_read_naturally_in_english_and_german() -> None:
    expected = {
        "en": {0: "0 people are waiting", 1: "1 person is waiting", 2: "2 people are waiting", 5: "5 people are"},
        "de": {0: "0 Personen warten", 1: "1 Person wartet", 2: "2 Personen warten", 5: "5 Personen warten"},
    }
    for language, cases in expected.items():
        with i18n.using(language):
            for n, words in cases.items():
                assert words in rounds_texts.not_in_queue_waiting(n)
    with i18n.using("en"):
        assert rounds_texts.privacy_queues(1) == "a place in 1 live round queue"
        assert rounds_texts.privacy_queues(2) == "a place in 2 live round queues"
    with i18n.using("de"):
        assert rounds_texts.duration(161) == "2 Min. 41 Sek."
        assert "Gini 0,50" in rounds_texts.balance(0.5, 2)


def test_an_unknown_locale_falls_back_to_the_server_then_english() -> None:
    assert i18n.resolve("fr", "de") == "de"
    assert i18n.resolve("xx-YY", None) == "en"
    assert i18n.resolve("de-AT") == "de"
    assert i18n.resolve("en-GB", "de") == "en"
    assert i18n.resolve(None, "") == "en"
    with i18n.using("ko"):
        assert rounds_texts.thanks() == "Thank you for sharing."


def test_a_broken_translation_shows_english_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "Du bist auf Platz %(platz)s." if "number" in message else message

    monkeypatch.setattr(i18n, "translations", lambda language: Broken())
    with caplog.at_level(logging.WARNING, logger="hearth.i18n"), i18n.using("de"):
        assert rounds_texts.your_place(3) == "You're number 3 in the queue."
        assert rounds_texts.your_place(4) == "You're number 4 in the queue."
    assert len([r for r in caplog.records if "placeholders" in r.getMessage()]) == 1


def test_no_converted_text_says_s_in_brackets() -> None:
    for language in i18n.shipped():
        catalog = _catalog(i18n.LOCALES_DIR / language / "LC_MESSAGES" / "hearth.po") if language != "en" else None
        strings = [m.id for m in _catalog(POT) if m.id] if catalog is None else [m.string for m in catalog if m.id]
        flat = [s for item in strings for s in (item if isinstance(item, tuple) else (item,))]
        assert [s for s in flat if "(s)" in s or "(e)n" in s or "(n)" in s] == []
