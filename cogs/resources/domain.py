"""Pure rules of the resource library: checking what a member typed, and turning a search into a safe query."""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from bot.errors import BadInput
from cogs.resources import texts

TITLE_MAX = 100
DESCRIPTION_MAX = 1000
URL_MAX = 2000
TAGS_MAX = 200
TAG_MAX = 30
TAGS_PER_RESOURCE = 8
QUERY_MAX = 200
PINNED_MAX = 10  # a short "start here" list
SEARCH_TERMS_MAX = 8
PREFIX_MIN = 3  # the last word matches as a prefix from 3 letters on; shorter prefixes match too much to rank

# Letters and digits only: whatever else was typed (quotes, *, ^, :, -, AND/OR/NOT/NEAR as operators)
# never reaches FTS5 or to_tsquery as syntax.
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def clean_title(title: str) -> tuple[str, str]:
    """(title as shown, key for the one-title-per-library rule)."""
    shown = " ".join(title.split())
    if not shown:
        raise BadInput(texts.title_needed())
    if len(shown) > TITLE_MAX:
        raise BadInput(texts.title_too_long(len(shown), TITLE_MAX))
    return shown, shown.casefold()


def clean_description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise BadInput(texts.description_too_long(len(text), DESCRIPTION_MAX))
    return text


def clean_url(url: str | None) -> str | None:
    """An http(s) link without credentials, or None when left empty."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > URL_MAX:
        raise BadInput(texts.link_too_long(len(url), URL_MAX))
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise BadInput(texts.not_a_link()) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise BadInput(texts.web_links_only())
    if parts.username is not None or parts.password is not None:
        raise BadInput(texts.link_with_login())
    if any(c.isspace() for c in url):
        raise BadInput(texts.link_with_spaces())
    return url


def domain_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def clean_tags(text: str | None) -> str:
    """Tags separated by commas or spaces, lower case, without repeats; stored space-separated."""
    tags: list[str] = []
    for raw in re.split(r"[,\s]+", (text or "").casefold()):
        raw = raw.strip("#")
        if not raw:
            continue
        if not _TAG.fullmatch(raw) or len(raw) > TAG_MAX:
            raise BadInput(texts.bad_tag(TAG_MAX))
        if raw not in tags:
            tags.append(raw)
    if len(tags) > TAGS_PER_RESOURCE:
        raise BadInput(texts.too_many_tags(TAGS_PER_RESOURCE))
    return " ".join(tags)[:TAGS_MAX]


def search_terms(query: str) -> list[str]:
    """The words of a search, lower case, letters and digits only, at most ``SEARCH_TERMS_MAX``."""
    return [w.casefold() for w in _WORD.findall(query[:QUERY_MAX])][:SEARCH_TERMS_MAX]


def fts5_query(terms: list[str], scopes: list[str], *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term (or, with ``any_term``, any of them; the last as a prefix, for
    search-as-you-type) inside the scopes. Each term is double-quoted and holds only letters and digits,
    so it is always a plain string, never syntax."""
    last = f'"{terms[-1]}"' + ("*" if len(terms[-1]) >= PREFIX_MIN else "")
    quoted = [*(f'"{t}"' for t in terms[:-1]), last]
    words = (" OR " if any_term else " AND ").join(quoted)
    scope = " OR ".join(f'"{s}"' for s in scopes)
    return "{scope} : (" + scope + ") AND {title tags description} : (" + words + ")"


def tsquery(terms: list[str], *, any_term: bool = False) -> str:
    """A ``to_tsquery`` string with the same meaning; terms are letters and digits only."""
    last = terms[-1] + (":*" if len(terms[-1]) >= PREFIX_MIN else "")
    return (" | " if any_term else " & ").join([*terms[:-1], last])


def close_tags(typed: str, vocabulary: list[str], limit: int = 10) -> list[str]:
    """Tags that start with, contain or nearly match what was typed (a typo or two), best first."""
    typed = typed.strip().casefold()
    if not typed:
        return vocabulary[:limit]
    found = [t for t in vocabulary if t.startswith(typed)]
    found += [t for t in vocabulary if typed in t and t not in found]
    found += [t for t in difflib.get_close_matches(typed, vocabulary, n=limit, cutoff=0.6) if t not in found]
    return found[:limit]


# --- ranking (SQLite) ----------------------------------------------------------------------------------

#: Weights of title, tags and description, as in the bm25() call they replace, and BM25's usual constants.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0)
BM25_K1, BM25_B = 1.2, 0.75
MATCH_MARK = "\x01"  # what FTS5's highlight() puts before each matched token


def rank(candidates: list[tuple[int, int, tuple[str, str, str]]], limit: int) -> list[int]:
    """Best ``limit`` ids of (id, helpful votes, (title, tags, description) with each match marked).

    BM25F's term-frequency part, per column, against the candidates' own average lengths: FTS5's bm25()
    first counts every row in the whole index holding each term (a word like "the" or "sleep" is in most
    of them: tens of milliseconds per search), while the candidates, one library's matches, are few.
    Every candidate holds every term (or, for any-term searches, more terms weigh more), so the
    server-wide rarity bm25() adds changes little here. Helpful votes lift a result up to x3 at 10 votes."""
    if not candidates:
        return []
    lengths = [[len(text.split()) or 1 for text in texts] for _, _, texts in candidates]
    averages = [sum(column) / len(column) for column in zip(*lengths, strict=True)]
    scored = []
    for (resource_id, helpful, columns), sizes in zip(candidates, lengths, strict=True):
        score = 0.0
        for weight, text, size, average in zip(COLUMN_WEIGHTS, columns, sizes, averages, strict=True):
            hits = text.count(MATCH_MARK)
            if hits:
                norm = BM25_K1 * (1 - BM25_B + BM25_B * size / average)
                score += weight * hits * (BM25_K1 + 1) / (hits + norm)
        scored.append((-score * (1.0 + min(helpful, 10) / 5.0), resource_id))
    return [resource_id for _, resource_id in sorted(scored)[:limit]]
