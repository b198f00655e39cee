"""How features declare what they need and meet at run time.

Each feature package under ``cogs/`` may set, next to its ``setup()``:

    NEEDS: tuple[str, ...] = ("groups",)   # features that must be loaded first (load fails without them)
    USES: tuple[str, ...] = ("moderation",)  # features it links to when they are loaded (optional)

The bot loads features in dependency order (``load_order``) and refuses a set whose ``NEEDS`` are missing.
Features reach each other through typed interfaces offered on ``bot.interfaces``: the feature that
implements an interface registers it at load (``bot.interfaces.offer(ModerationQueue, impl)``), and a
feature that uses it asks at call time (``bot.interfaces.get(ModerationQueue)``), getting ``None`` when
the offering feature is not loaded. Asking whether a feature is *loaded*, not whether its module can be
*imported*, is the point: an importable but unloaded feature must behave as absent.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

T = TypeVar("T")


class FeatureError(Exception):
    """A feature set that cannot load: a missing dependency or a cycle."""


def declared(package: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(NEEDS, USES) of ``cogs.<name>``: feature names without the ``cogs.`` prefix."""
    module = importlib.import_module(package)
    return tuple(getattr(module, "NEEDS", ())), tuple(getattr(module, "USES", ()))


def load_order(wanted: Iterable[str], declarations: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> list[str]:
    """Order ``wanted`` so every feature comes after what it NEEDS and, when loaded too, what it USES.

    Raises FeatureError naming the first feature whose NEEDS are not in ``wanted``. Ties keep
    alphabetical order so the result is stable. USES links may form cycles (moderation and sharing
    use each other); those are broken alphabetically, since a used link is looked up at call time.
    """
    chosen = sorted(set(wanted))
    for name in chosen:
        missing = [n for n in declarations[name][0] if n not in chosen]
        if missing:
            raise FeatureError(f"feature {name!r} needs {', '.join(repr(m) for m in missing)}, which is not loaded")
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str, hard: bool) -> None:
        if name in order:
            return
        if name in visiting:
            if hard:
                raise FeatureError(f"features form a dependency cycle through {name!r}")
            return
        visiting.add(name)
        needs, uses = declarations[name]
        for dependency in sorted(needs):
            visit(dependency, True)
        for dependency in sorted(u for u in uses if u in chosen):
            visit(dependency, False)
        visiting.discard(name)
        order.append(name)

    for name in chosen:
        visit(name, True)
    return order


class Interfaces:
    """Typed registry of what loaded features offer one another."""

    def __init__(self) -> None:
        self._offered: dict[type[Any], Any] = {}

    def offer(self, kind: type[T], implementation: T) -> None:
        if kind in self._offered:
            raise FeatureError(f"{kind.__name__} is already offered")
        self._offered[kind] = implementation

    def withdraw(self, kind: type[Any]) -> None:
        """Called from a cog's ``cog_unload`` so an unloaded feature stops being found."""
        self._offered.pop(kind, None)

    def get(self, kind: type[T]) -> T | None:
        return cast("T | None", self._offered.get(kind))

    def require(self, kind: type[T]) -> T:
        found = self.get(kind)
        if found is None:
            raise FeatureError(f"{kind.__name__} is not offered: the feature providing it is not loaded")
        return found
