"""Errors a person can act on. Services raise them (no ``discord`` import here); the command tree's
one ``on_error`` turns them into an ephemeral reply with the message as written.
"""

from __future__ import annotations


class HearthError(Exception):
    """An expected problem; ``str(error)`` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(HearthError):
    """The user typed something Hearth cannot use; the message says what to do instead."""


class NotFound(HearthError):
    """The thing the user named does not exist (or is not theirs to see)."""


class NotAllowed(HearthError):
    """The user lacks the role or standing this needs."""


class Conflict(HearthError):
    """The action clashes with the current state (already joined, round already running...)."""


class RateLimited(HearthError):
    """Too many of these in a short time; the message says when to try again."""


class Transient(HearthError):
    """Trouble that passes by itself (a busy database, Discord briefly failing); raise it to ask
    the member to try again in a moment. ``bot/interactions.py`` also recognises the library errors."""

    def __init__(self, message: str = "I'm a little busy right now. Please try again in a moment.") -> None:
        super().__init__(message)


class BotMissingPermissions(HearthError):
    """Hearth itself lacks a Discord permission; names it so an admin can grant it."""

    def __init__(self, permissions: list[str], where: str = "this server") -> None:
        names = ", ".join(p.replace("_", " ").title() for p in permissions)
        super().__init__(
            f"I need the {names} permission in {where} to do that. "
            "Ask a server admin to grant it to Hearth's role, then try again."
        )
        self.permissions = permissions
