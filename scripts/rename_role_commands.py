"""Rename mentions and test invocations of the facilitator commands that moved under ``/facilitate``
(issue 14). Replayable on a branch written against the old names:

    python scripts/rename_role_commands.py $(git ls-files '*.py' '*.md')

Only a command name right after a quote, a backtick or a slash is renamed (``"round start"``,
`` `/round start` ``, ``</round start:id>``), so prose such as "the round ends" stays as it is; "stats"
only as ``/stats``, ``command("stats")``, ``in_group=("stats",)`` or a test's ``.slash(channel, "stats")``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MOVED = {
    "round start": "facilitate round start",
    "round end": "facilitate round end",
    "meeting schedule": "facilitate meeting schedule",
    "meeting edit": "facilitate meeting edit",
    "meeting cancel": "facilitate meeting cancel",
    "meeting skip": "facilitate meeting skip",
    "meeting agenda add": "facilitate agenda add",
    "meeting agenda remove": "facilitate agenda remove",
    "checkin summary": "facilitate checkin summary",
    "checkin prompt set": "facilitate checkin prompt",
    "checkin prompt off": "facilitate checkin prompt_off",
    "group create": "facilitate group create",
    "group edit": "facilitate group edit",
    "group archive": "facilitate group archive",
    "group unarchive": "facilitate group unarchive",
    "group facilitators": "facilitate facilitators",
    "resource settings": "facilitate resource settings",
    "care cases": "facilitate cases",
    "stats": "facilitate stats",
}

# Longest first, so "meeting agenda add" wins over any shorter name it starts with. A slash counts only
# where a command starts (not in a path such as cogs/stats/).
_NAMES = sorted(MOVED, key=len, reverse=True)
_PATTERN = re.compile(
    r"""(?P<lead>["'`]|(?<![\w./])/)(?P<name>"""
    + "|".join(re.escape(n) for n in _NAMES if n != "stats")
    + r""")(?![\w-])"""
)
# "stats" alone is also a help topic and a migration branch: only as a command.
_STATS = re.compile(
    r"(?<![\w./])/stats(?![\w/-])"
    r'|(?<=command\()"stats"|(?<=in_group=\()"stats"'
    r'|(?<=\.slash\()[^()"]*?,\s*"stats"'
)


def rename(text: str) -> str:
    text = _PATTERN.sub(lambda m: m["lead"] + MOVED[m["name"]], text)
    return _STATS.sub(
        lambda m: m[0][: m[0].rindex("stats")] + "facilitate stats" + m[0][m[0].rindex("stats") + 5 :], text
    )


def main(paths: list[str]) -> int:
    for path in map(Path, paths):
        if path.suffix not in {".py", ".md"} or "locales" in path.parts or path.name == Path(__file__).name:
            continue
        before = path.read_text(encoding="utf-8")
        after = rename(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(path)  # noqa: T201  (which files changed: the point of the script)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
