"""Hearth's texts in the reader's language: gettext catalogs (``bot/locales/<lang>/LC_MESSAGES/hearth.po``)
managed with Babel, with CLDR plural rules.

Presentation modules (``cogs/<feature>/texts.py``) write ``_("...", name=value)`` and
``ngettext("one ...", "%(count)s ...", n)``; the language is the one bound to the current task:

- for an interaction, the member's Discord locale, else the server's, else English (``bot/translator.py``
  binds it for every task discord.py starts for that interaction);
- for a message to a channel (a timer, the live round message), the server's: wrap it in ``using(...)``.

Catalogs are read from their ``.po`` files and compiled in memory at first use: no compiled artefact to
forget or to conflict on while features move their strings over. A translation whose placeholders don't
fit its English original is never shown: the English text is used and a warning logged once.

No ``discord`` import here: domain and service modules may name a text (the Discord side lives in
``bot/translator.py``).
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import hashlib
import io
import logging
import re
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger("hearth.i18n")

DOMAIN = "hearth"
LOCALES_DIR = Path(__file__).parent / "locales"
SOURCE_LANGUAGE = "en"  # the msgids are English: it needs no catalog

_NULL = gettext.NullTranslations()
_current: ContextVar[str] = ContextVar("hearth_locale", default=SOURCE_LANGUAGE)
_warned: set[tuple[str, str]] = set()


# --- catalogs ------------------------------------------------------------------------------------------


def _po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def shipped() -> tuple[str, ...]:
    """The languages Hearth speaks: English and every language with a catalog."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *found)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (``de``, ``pt_BR``); English and unknown ones translate nothing."""
    path = _po_path(language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return _NULL
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy (unreviewed) entry is never shown
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def fingerprint() -> str:
    """Changes whenever a shipped catalog changes (command localisations are part of the synced tree)."""
    digest = hashlib.sha256()
    for language in shipped()[1:]:
        digest.update(language.encode())
        digest.update(_po_path(language).read_bytes())
    return digest.hexdigest()[:16]


def resolve(*candidates: str | None) -> str:
    """The first candidate Hearth speaks (``pt-BR``, then ``pt``), else English. Discord's locales use a
    hyphen (``en-US``, ``es-ES``), catalogs an underscore."""
    languages = shipped()
    for candidate in candidates:
        if not candidate:
            continue
        code = str(candidate).replace("-", "_")
        for option in (code, code.split("_", 1)[0]):
            if option in languages:
                return option
    return SOURCE_LANGUAGE


# --- the current language ------------------------------------------------------------------------------


def current() -> str:
    return _current.get()


def bind(language: str) -> None:
    """Bind the language for the rest of this task (and tasks it starts)."""
    _current.set(language)


@contextlib.contextmanager
def using(*candidates: str | None) -> Iterator[str]:
    """Speak the first of ``candidates`` Hearth knows inside the block (a channel message: the server's)."""
    language = resolve(*candidates)
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def _format(language: str, msgid: str, translated: str, fallback: str, params: dict[str, object]) -> str:
    if not params:
        return translated
    try:
        return translated % params
    except (KeyError, ValueError, TypeError):
        if (language, msgid) not in _warned:
            _warned.add((language, msgid))
            log.warning("catalog %s: placeholders of %r don't fit; using English", language, msgid[:60])
        return fallback % params


def _(msgid: str, /, **params: object) -> str:
    """``msgid`` in the current language, with ``%(name)s`` placeholders filled from ``params``."""
    language = current()
    translated = translations(language).gettext(msgid)
    return _format(language, msgid, translated, msgid, params)


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form for ``n`` by the language's plural rule; ``%(count)s`` is ``n``."""
    language = current()
    translated = translations(language).ngettext(singular, plural, n)
    fallback = singular if n == 1 else plural
    return _format(language, singular, translated, fallback, {"count": n, **params})


def N_(msgid: str, /) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks ``msgid`` for extraction where it is stored and translated later with ``_(msgid)`` (a privacy
    provider's name and purpose: the English text is also its key)."""
    return msgid


def plural(singular: str, plural: str, /) -> tuple[str, str]:
    """Marks an English singular/plural pair (each with ``%(count)s``) for extraction, to be shown later
    with ``ngettext(*pair, n)`` (a privacy tally's label)."""
    return singular, plural


def pgettext(context: str, msgid: str) -> str:
    """``msgid`` as meant in ``context`` (command names: ``"command name"``)."""
    return translations(current()).pgettext(context, msgid)


def number(value: int) -> str:
    """A count as the current language writes it (1,200 in English, 1.200 in German)."""
    return format_decimal(value, format="#,##0", locale=current())


def day_month(day: date) -> str:
    """A short date as the current language writes it (3 Dec, 3. Dez.)."""
    return format_date(day, format="d MMM", locale=current())


def decimal(value: float, places: int = 1) -> str:
    """A number as the current language writes it (0.5 in English, 0,5 in German)."""
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(value, format=pattern, locale=current())


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: each reader sees it in their own language and timezone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


# --- clickable command mentions --------------------------------------------------------------------------

# Top-level command name -> its id on Discord, filled after sync (bot/app.py). One bot per process.
_command_ids: dict[str, int] = {}


def remember_commands(ids: dict[str, int]) -> None:
    _command_ids.clear()
    _command_ids.update(ids)


def command(qualified_name: str) -> str:
    """``</facilitate round start:id>``, a mention Discord shows clickable and in the reader's language; before the
    ids are known (never synced), the plain `/facilitate round start`."""
    command_id = _command_ids.get(qualified_name.split(" ", 1)[0])
    if command_id is None:
        return f"`/{qualified_name}`"
    return f"</{qualified_name}:{command_id}>"


# --- extraction (pybabel extract, see babel.cfg) ---------------------------------------------------------

COMMAND_NAME = "command name"  # msgctxt of command, group and option names (Discord's rules apply)
CHOICE_NAME = "choice"  # msgctxt of an option's choices
MENU_NAME = "menu name"  # msgctxt of a message menu's name (Discord allows spaces and capitals there)
_NAME_CALLS = {"command", "Group", "context_menu"}


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel extractor: ordinary ``_()``/``ngettext()`` calls, plus the strings of the command tree that
    discord.py hands the translator at sync (names, descriptions, ``describe``, choices), so those need no
    wrapping in every cog's decorators."""
    import ast

    from babel.messages.extract import extract_python

    source = fileobj.read()
    buffer = io.BytesIO(source)
    buffer.name = getattr(fileobj, "name", "(unknown)")  # for Babel's warnings
    yield from extract_python(buffer, keywords, comment_tags, options)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if called == "plural" and len(texts) == 2:
            yield node.lineno, "ngettext", texts, []
        for keyword in node.keywords:
            value = keyword.value
            text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
            if called in _NAME_CALLS and text is not None:
                if keyword.arg == "name":
                    yield node.lineno, "pgettext", [COMMAND_NAME, text], []
                elif keyword.arg == "description":
                    yield node.lineno, "_", [text], []
            elif called == "describe" and keyword.arg is not None:
                yield node.lineno, "pgettext", [COMMAND_NAME, keyword.arg], []
                if text is not None:
                    yield node.lineno, "_", [text], []
            elif called == "Choice" and keyword.arg == "name" and text is not None:
                yield node.lineno, "pgettext", [CHOICE_NAME, text], []
            elif called == "ContextMenu" and keyword.arg == "name" and text is not None:
                yield node.lineno, "pgettext", [MENU_NAME, text], []


# Discord's rule for command and option names in every locale (lowercase where the script has case).
NAME_RULE = re.compile(r"^[-_\w]{1,32}$")
