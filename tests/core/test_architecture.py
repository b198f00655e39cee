"""The repository explains itself: ARCHITECTURE.md names only paths that exist, and lists every module
that has grown past the size a newcomer can read in one sitting, with its reason."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "ARCHITECTURE.md"
SIZE_LIMIT = 500  # lines
# A path the document names: `bot/...`, `cogs/...`, `tests/...`, `bench/...`, or a top-level file.
PATH = re.compile(r"`((?:bot|cogs|tests|bench|data|docs)/[\w./<>*-]*|[\w.-]+\.(?:md|toml|yaml|yml|lock|txt|ini|cfg))`")


def _tracked_python() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "bot", "cogs"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if name.endswith(".py") and "/migrations/" not in name]


def _named_paths() -> list[str]:
    return sorted(set(PATH.findall(DOC.read_text(encoding="utf-8"))))


def test_every_path_architecture_md_names_exists() -> None:
    missing = []
    for name in _named_paths():
        if "<" in name or "*" in name:  # a pattern such as cogs/<feature>/service.py
            continue
        if not (ROOT / name.rstrip("/")).exists():
            missing.append(name)
    assert _named_paths(), "ARCHITECTURE.md names no paths: the pattern or the document changed"
    assert missing == [], f"ARCHITECTURE.md names paths that do not exist: {missing}"


def _large_modules_listed() -> dict[str, str]:
    """Rows of the 'Large modules' table: `path` | reason."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Large modules", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|", section, flags=re.MULTILINE)
    return dict(rows)


def test_modules_over_the_size_limit_are_listed_with_a_reason() -> None:
    listed = _large_modules_listed()
    large = {
        str(p.relative_to(ROOT)): n
        for p in _tracked_python()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > SIZE_LIMIT
    }
    unlisted = sorted(set(large) - set(listed))
    assert unlisted == [], (
        f"modules over {SIZE_LIMIT} lines not listed in ARCHITECTURE.md 'Large modules' "
        f"(split them, or list them with a reason): {[(m, large[m]) for m in unlisted]}"
    )
    stale = sorted(path for path in listed if path not in large)
    assert stale == [], f"ARCHITECTURE.md lists modules that are no longer large (remove them): {stale}"
    assert all(len(reason) > 10 for reason in listed.values()), "every listed module needs a real reason"
