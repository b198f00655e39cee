"""Safety keywords: spot words that suggest someone may be in danger, and the crisis resources to show them.

Pure text handling; a match never blocks a post. The author privately gets the resources and,
when configured, moderators get a flag (without the author's identity for anonymous posts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.config import REPO_ROOT, SafetySettings
from bot.text import matching

DATA_DIR = REPO_ROOT / "data"


def _normalise(text: str) -> str:
    # The shared matching form (case, width and hidden characters ignored: "sui\u200bcide" matches).
    text = matching(text).replace("’", "'")
    return " ".join(re.sub(r"[^\w'\- ]+", " ", text).split())


def load_keywords(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class SafetyNet:
    keywords: tuple[str, ...]
    resources: str
    flag_for_moderators: bool = True

    @classmethod
    def from_settings(cls, settings: SafetySettings) -> SafetyNet:
        keywords = settings.keywords or load_keywords(DATA_DIR / "safety_keywords.txt")
        resources_path = Path(settings.resources_file) if settings.resources_file else DATA_DIR / "crisis_resources.md"
        return cls(
            keywords=tuple(keywords),
            resources=resources_path.read_text(encoding="utf-8").strip(),
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
