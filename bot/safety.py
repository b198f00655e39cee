"""Safety keywords: spot words that suggest someone may be in danger, and the crisis resources to show them.

Pure text handling; a match never blocks a post. The author privately gets the resources and,
when configured, moderators get a flag (without the author's identity for anonymous posts).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot import defaults
from bot.config import SafetySettings


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(re.sub(r"[^\w'\- ]+", " ", text).split())


def parse_keywords(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class SafetyNet:
    keywords: tuple[str, ...]
    resources: str
    flag_for_moderators: bool = True

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
        )

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        phrases = sorted({_normalise(k) for k in self.keywords if _normalise(k)}, key=len, reverse=True)
        if not phrases:
            return None
        return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])")

    def matches(self, text: str) -> bool:
        """True when the text contains any keyword as whole words (case and punctuation ignored)."""
        return self._pattern is not None and self._pattern.search(_normalise(text)) is not None
