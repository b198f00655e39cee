"""Safety keywords: spot words that suggest someone may be in danger, and the crisis resources to show them.

Pure text handling; a match never blocks a post. What happens after a match (a private, warm message
with choices; a person only with consent) is the care feature's job (``cogs/care``).

Matching is on whole words and phrases after normalisation (case, accents, curly quotes, punctuation),
so "skill myself" or "suicidesquad" never fire. Two things never count: a phrase from the shipped
false-alarm list ("killing it", "suicide squad"), and words the writer is quoting (a ``>`` quote line
or text inside quotation marks), since those are someone else's words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot import defaults
from bot.config import SafetySettings

# Quoted words are someone else's: a Markdown quote line, or a span inside straight or curly double quotes.
_QUOTE_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
_QUOTED_SPAN = re.compile(r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|«[^»\n]{1,300}»")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")
    # Accents go (so "suicídio" and "suicidio" are one word) but letters stay letters.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w'\- ]+", " ", text).split())


def without_quotes(text: str) -> str:
    """The writer's own words: quote lines and quoted spans removed."""
    return _QUOTED_SPAN.sub(" ", _QUOTE_LINE.sub(" ", text))


def parse_keywords(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({_normalise(p) for p in phrases if _normalise(p)}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in cleaned) + r")(?![\w'])")


@dataclass(frozen=True)
class SafetyNet:
    keywords: tuple[str, ...]
    resources: str
    flag_for_moderators: bool = True
    false_alarms: tuple[str, ...] = field(default=())

    @classmethod
    def from_settings(cls, settings: SafetySettings) -> SafetyNet:
        # The operator's own keywords and resources file win; otherwise the texts shipped in the package.
        keywords = settings.keywords or parse_keywords(defaults.read_text("safety_keywords.txt"))
        if settings.resources_file:
            resources = Path(settings.resources_file).read_text(encoding="utf-8")
        else:
            resources = defaults.read_text("crisis_resources.md")
        return cls(
            keywords=tuple(keywords),
            resources=resources.strip(),
            flag_for_moderators=settings.flag_for_moderators,
            false_alarms=tuple(parse_keywords(defaults.read_text("safety_false_alarms.txt"))),
        )

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        return _phrase_pattern(self.keywords)

    @cached_property
    def _false_pattern(self) -> re.Pattern[str] | None:
        return _phrase_pattern(self.false_alarms)

    def matches(self, text: str) -> bool:
        """True when the writer's own words contain a keyword as whole words, outside every false alarm."""
        if self._pattern is None or not text:
            return False
        normal = _normalise(without_quotes(text))
        harmless: list[tuple[int, int]] = []
        if self._false_pattern is not None:
            harmless = [m.span() for m in self._false_pattern.finditer(normal)]
        for match in self._pattern.finditer(normal):
            start, end = match.span()
            if not any(a <= start and end <= b for a, b in harmless):
                return True
        return False
