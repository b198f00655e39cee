"""Errors a person can act on. Services raise them (no ``discord`` import here); the command tree's
one ``on_error`` turns them into an ephemeral reply with the message as written (already in the
member's language: build it with a ``texts`` module while the interaction's language is bound).
"""

from __future__ import annotations

from bot import texts


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

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else texts.busy())


class BotMissingPermissions(HearthError):
    """Hearth itself lacks a Discord permission; names it so an admin can grant it."""

    def __init__(self, permissions: list[str], where: str | None = None) -> None:
        """``where`` is a channel mention; none means this server."""
        super().__init__(texts.bot_missing_permissions(permissions, where))
        self.permissions = permissions
