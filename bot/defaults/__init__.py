"""Texts Hearth ships (safety keywords, crisis resources, default guidelines), read from the installed package.

They live inside the package, not in ``data/``, so a non-editable install or the Docker image finds them
wherever it runs from, and an upgrade updates them; ``data/`` holds only the database and the operator's files.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def path(name: str) -> Traversable:
    """A shipped file, e.g. ``path("crisis_resources.md")``."""
    return files(__name__) / name


def read_text(name: str) -> str:
    return path(name).read_text(encoding="utf-8")
