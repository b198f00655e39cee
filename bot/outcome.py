"""What one interaction has committed so far, so an error message can tell the truth about it.

The interaction hook (``bot/interactions.py``) opens an ``Outcome`` around discord.py's parsing of
each interaction; every task discord.py starts for it inherits the context. ``Database.write``
marks it saved when a transaction commits. Outside an interaction (timers, start-up) there is none.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass
class Outcome:
    saved: bool = False


_current: ContextVar[Outcome | None] = ContextVar("hearth_outcome", default=None)


def begin() -> Token[Outcome | None]:
    return _current.set(Outcome())


def end(token: Token[Outcome | None]) -> None:
    _current.reset(token)


def current() -> Outcome | None:
    return _current.get()


def note_saved() -> None:
    outcome = _current.get()
    if outcome is not None:
        outcome.saved = True
