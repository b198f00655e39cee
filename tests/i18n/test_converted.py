"""Converted features keep their wording in their presentation module (``texts.py``): a reply, a post or
a refusal written as a literal elsewhere would reach every reader in English, and ``pybabel extract``
would not see it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Calls whose text a person reads: replies, posts, edits and the errors the tree turns into replies.
SPOKEN = {
    "reply",
    "send",
    "send_message",
    "edit_message",
    "edit",
    "BadInput",
    "NotFound",
    "Conflict",
    "NotAllowed",
    "RateLimited",
    "Transient",
    "HearthError",
    "__init__",  # an error class passing its own message up
}


# The shared runtime's modules that speak to members (their wording lives in bot/texts.py).
SHARED = ("bot/errors.py", "bot/interactions.py", "bot/buttons.py", "bot/audience.py", "bot/setup.py", "bot/help.py")


def converted_modules() -> list[Path]:
    """The modules babel.cfg extracts from (the converted features), minus their text modules."""
    patterns = re.findall(r"^\[hearth: (cogs/[^\]]+)\]$", (ROOT / "babel.cfg").read_text(), re.MULTILINE)
    ignored = set(re.findall(r"^\[ignore: (cogs/[^\]*]+)\]$", (ROOT / "babel.cfg").read_text(), re.MULTILINE))
    found = {path for pattern in patterns for path in ROOT.glob(pattern)}
    found |= {ROOT / path for path in SHARED}
    return sorted(p for p in found if p.name != "texts.py" and str(p.relative_to(ROOT)) not in ignored)


def literal_texts(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in SPOKEN:
            continue
        values = [*node.args, *(k.value for k in node.keywords if k.arg in {"content", "message"})]
        for value in values:
            if isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and re.search(r"[A-Za-z]{2}", value.value)
            ):
                problems.append(f"line {node.lineno}: {ast.unparse(value)[:60]}")
    return problems


def test_the_guard_sees_a_literal_reply() -> None:
    assert literal_texts('await reply(interaction, "Done!")\nraise BadInput(f"No {x}")') != []
    assert literal_texts("await reply(interaction, texts.done())") == []


def test_converted_features_say_nothing_outside_their_texts_module() -> None:
    modules = converted_modules()
    assert {p.parent.name for p in modules} >= {"rounds", "checkins", "groups", "help", "bot"}
    problems = {str(p.relative_to(ROOT)): literal_texts(p.read_text()) for p in modules}
    assert {path: found for path, found in problems.items() if found} == {}
