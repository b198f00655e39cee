"""The privacy protocol every feature implements: describe, export and erase what it holds about one person.

``/privacy info|export|delete`` walk the registered providers. Erasing runs every provider in one
transaction, so a failure part-way erases nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.keys import Keyring


@dataclass(frozen=True)
class Subject:
    """Whose data: a Discord user id, plus the keys to find their pseudonymous records."""

    user_id: int
    keys: Keyring


class PrivacyProvider(Protocol):
    #: A short plural noun for the kind of data, e.g. "check-ins".
    name: str
    #: One sentence: what is stored and why, shown by /privacy info even when the person has none.
    purpose: str

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        """Short lines describing what is held about this person (counts, not contents)."""
        ...

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        """Everything held about this person, JSON-serialisable."""
        ...

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        """Delete (or unlink) everything about this person; return how many records."""
        ...


@dataclass
class PrivacyRegistry:
    providers: list[PrivacyProvider] = field(default_factory=list)

    def register(self, provider: PrivacyProvider) -> None:
        if any(p.name == provider.name for p in self.providers):
            raise ValueError(f"a privacy provider named {provider.name!r} is already registered")
        self.providers.append(provider)

    def unregister(self, name: str) -> None:
        self.providers = [p for p in self.providers if p.name != name]

    async def describe(self, db: Database, subject: Subject) -> dict[str, list[str]]:
        async with db.read() as session:
            return {p.name: await p.describe(session, subject) for p in self.providers}

    async def export(self, db: Database, subject: Subject) -> dict[str, Any]:
        async with db.read() as session:
            return {p.name: await p.export(session, subject) for p in self.providers}

    async def erase(self, db: Database, subject: Subject) -> dict[str, int]:
        # Later features depend on earlier ones (a check-in belongs to a group), so erase in reverse.
        async with db.write() as session:
            return {p.name: await p.erase(session, subject) for p in reversed(self.providers)}
