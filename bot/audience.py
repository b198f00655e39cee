"""Who may use a command: one declaration per command, read by the server-side check *and* by every
listing (``python -m bot commands``, ``/help``), so a label can never disagree with a refusal.

A command declares its audience with ``@for_audience(Audience.FACILITATORS)`` (stored in the command's
``extras``; a group's declaration covers its subcommands unless one declares its own). The command tree
(``bot/interactions.py``) refuses anyone outside the audience before the command runs. Features that own
a role register the rule for it (groups: facilitators, moderation: moderators) on ``bot.audiences``; an
audience whose feature is not loaded is open to server admins only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.actor import Actor

KEY = "audience"


class Audience(StrEnum):
    MEMBERS = "members"
    FACILITATORS = "facilitators"
    MODERATORS = "moderators"
    #: Facilitators or moderators: those who take care requests and concerns (derived, no rule of its own).
    HELPERS = "facilitators and moderators"
    ADMINS = "admins"

    @property
    def label(self) -> str:
        """Who this is, in the reader's language ("facilitators")."""
        return texts.audience_label(self.value)

    @property
    def refusal(self) -> str:
        """What someone outside this audience reads, in their language."""
        return texts.audience_refusal(self.value)


C = TypeVar("C")


def for_audience(audience: Audience) -> Callable[[C], C]:
    """Decorator for an ``app_commands.Command``/``Group``/``ContextMenu`` (put it above ``@command``)."""

    def mark(command: C) -> C:
        extras = getattr(command, "extras", None)
        if extras is None:  # a class-based Group: extras live on the class until instantiated
            raise TypeError("for_audience needs a command object; pass extras= to a Group subclass instead")
        extras[KEY] = audience
        return command

    return mark


def audience_of(command: Any) -> Audience:
    """The nearest declaration: the command's own, else its parent's, else the root's; members by default."""
    node = command
    while node is not None:
        declared = getattr(node, "extras", {}).get(KEY)
        if declared is not None:
            return Audience(declared)
        node = getattr(node, "parent", None)
    return Audience.MEMBERS


Rule = Callable[[AsyncSession, Actor], Awaitable[bool]]


class AudienceRules:
    """The rule behind each role-based audience, registered by the feature that owns the role."""

    def __init__(self) -> None:
        self._rules: dict[Audience, Rule] = {}

    def register(self, audience: Audience, rule: Rule) -> None:
        if audience in (Audience.MEMBERS, Audience.ADMINS, Audience.HELPERS):
            raise ValueError(f"{audience} is decided by Discord permissions or other audiences, not by a feature")
        self._rules[audience] = rule

    def unregister(self, audience: Audience) -> None:
        self._rules.pop(audience, None)

    async def allows(self, session: AsyncSession, actor: Actor, audience: Audience) -> bool:
        if audience is Audience.MEMBERS or actor.is_admin:
            return True
        if audience is Audience.HELPERS:
            return any([await self.allows(session, actor, a) for a in (Audience.FACILITATORS, Audience.MODERATORS)])
        rule = self._rules.get(audience)
        return rule is not None and await rule(session, actor)

    async def of(self, session: AsyncSession, actor: Actor) -> frozenset[Audience]:
        """Every audience the actor belongs to (one check each, in one session)."""
        return frozenset([a for a in Audience if await self.allows(session, actor, a)])
