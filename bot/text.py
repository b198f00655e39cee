"""Text at the boundary: one normal form for what Hearth stores, a separate form for matching.

``clean`` is applied once to every string option and every form value of every interaction before
any feature sees it (``bot/interactions.py``), so stored text is the same on SQLite and PostgreSQL
(PostgreSQL refuses NUL; SQLite would have stored it). ``matching`` is for comparing (keywords,
group names) and is never stored in place of what a member wrote. ``shorten`` is for quoting input
back in a reply: never the whole of it.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters except tab and newline (carriage returns become newlines first), and
# lone surrogates, which JSON can carry but no database can store as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Format characters that only hide or reorder text (zero-width, bidi overrides) do not matter when
# comparing names or keywords; they stay in stored text (a member's own emoji sequences use them).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: str) -> str:
    """What Hearth stores: Unicode NFC, newlines as ``\\n``, no NUL or other control characters
    (tabs and newlines kept). Idempotent; keeps emoji, accents, markdown and every script."""
    if value.isascii() and value.isprintable():
        return value  # the common case, without regex work
    value = _NEWLINES.sub("\n", value)
    return unicodedata.normalize("NFC", _CONTROL.sub("", value))


def matching(value: str) -> str:
    """The form for comparing, never for storing: compatibility-normalised, case-folded, invisible
    format characters removed, runs of white space made one space."""
    value = unicodedata.normalize("NFKC", _INVISIBLE.sub("", clean(value))).casefold()
    return " ".join(value.split())


def shorten(value: str, limit: int = 80) -> str:
    """``value`` on one line and at most ``limit`` characters, ending in "…" when cut (for quoting
    what someone typed back to them inside a reply)."""
    flat = " ".join(clean(value).split())
    if len(flat) <= limit:
        return flat
    return flat[: max(limit - 1, 0)].rstrip() + "…"


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters (keeping its lines), ending in "…" when cut."""
    if len(value) <= limit:
        return value
    return value[: max(limit - 1, 0)].rstrip() + "…"
