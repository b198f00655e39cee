"""The single source of "now".

Every time-dependent piece (rounds, reminders, retention, the scheduler) asks a ``Clock``.
Production reads the wall clock; tests point the clock at SimCord's virtual time and move it,
instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class Clock:
    """An injectable, timezone-aware UTC clock."""

    def __init__(self, source: Callable[[], datetime] = _wall_clock) -> None:
        self._source = source

    def now(self) -> datetime:
        value = self._source()
        if value.tzinfo is None:
            raise ValueError("the clock source returned a naive datetime; Hearth works in aware UTC")
        return value.astimezone(UTC)

    def use(self, source: Callable[[], datetime]) -> None:
        """Point this clock at another source (tests: SimCord's virtual time)."""
        self._source = source
