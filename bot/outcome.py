"""What one interaction has committed so far, so an error message can tell the truth about it.

The interaction hook (``bot/interactions.py``) opens an ``Outcome`` around discord.py's parsing of
each interaction; every task discord.py starts for it inherits the context. ``Database.write``
marks it saved when a transaction commits, and ``Database.undo`` unsaved again when a later one
takes it all back. Outside an interaction (timers, start-up) there is none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass
class Outcome:
    saved: bool = False
    # Something the member or others can see was sent or changed on Discord (an answer other than a
    # defer, a message, a role...): running the interaction again would do it twice.
    spoke: bool = False
    retries: int = 0  # quiet retries after a busy database (bot/interactions.py)
    # Set by the interaction layer: answers (defers) the interaction if nothing has yet, because
    # what follows may wait on a lock longer than Discord waits for an answer. ``contended`` says
    # another write is already in progress in this process.
    before_wait: Callable[[bool], Awaitable[None]] | None = None


_current: ContextVar[Outcome | None] = ContextVar("hearth_outcome", default=None)


def begin() -> Token[Outcome | None]:
    return _current.set(Outcome())


def end(token: Token[Outcome | None]) -> None:
    _current.reset(token)


def current() -> Outcome | None:
    return _current.get()


async def before_wait(*, contended: bool) -> None:
    """Called before work that can wait on a lock (a write transaction)."""
    outcome = _current.get()
    if outcome is not None and outcome.before_wait is not None:
        await outcome.before_wait(contended)


def note_saved() -> None:
    outcome = _current.get()
    if outcome is not None:
        outcome.saved = True


def note_spoke() -> None:
    outcome = _current.get()
    if outcome is not None:
        outcome.spoke = True


def note_undone() -> None:
    """Everything this interaction committed was taken back (Discord refused the other half)."""
    outcome = _current.get()
    if outcome is not None:
        outcome.saved = False
