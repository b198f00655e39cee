"""/setup is composed from what each loaded feature contributes: a ``SetupSection`` per feature.

The command (owned by the groups feature, which has the server-wide facilitator role and timezone)
keeps one stable list of options; each option is handled by the section that declares it. A section
stores its settings in its own feature's tables. All sections apply inside one transaction, so a
wrong value anywhere saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, NotAllowed

#: A /setup option's value as the cog passes it: a role or channel id, a text, or a yes/no.
Value = int | str | bool


@dataclass(frozen=True)
class SetupContext:
    actor: Actor
    is_owner: bool  # the server owner (break-glass is theirs alone)
    now: datetime


class SetupSection(Protocol):
    #: The feature's name, for messages ("sharing").
    feature: str
    #: The /setup options this section handles, in the order /setup shows them.
    options: tuple[str, ...]

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        """One line per option (``option -> "Moderator role: <@&1>"``) for /setup's summary."""
        ...

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        """Store the given options (only these keys; raise a HearthError to refuse); return a note or ""."""
        ...


@dataclass
class SetupRegistry:
    sections: list[SetupSection] = field(default_factory=list)

    def register(self, section: SetupSection) -> None:
        taken = {o for s in self.sections for o in s.options} & set(section.options)
        if taken:
            raise ValueError(f"/setup options already handled by another feature: {', '.join(sorted(taken))}")
        self.sections.append(section)

    def unregister(self, feature: str) -> None:
        self.sections = [s for s in self.sections if s.feature != feature]

    def owner(self, option: str) -> SetupSection | None:
        return next((s for s in self.sections if option in s.options), None)

    async def describe(self, db: Database, guild_id: int) -> dict[str, str]:
        async with db.read() as session:
            lines: dict[str, str] = {}
            for section in self.sections:
                lines.update(await section.describe(session, guild_id))
            return lines

    async def apply(self, db: Database, context: SetupContext, values: Mapping[str, Value]) -> list[str]:
        """Apply every given option in one transaction; an option no loaded feature handles is refused."""
        if not context.actor.is_admin:
            raise NotAllowed(texts.setup_admins_only())
        unknown = [option for option in values if self.owner(option) is None]
        if unknown:
            raise BadInput(texts.setup_option_not_running(unknown[0]))
        notes: list[str] = []
        async with db.write() as session:
            for section in self.sections:
                mine = {k: v for k, v in values.items() if k in section.options}
                if mine:
                    note = await section.apply(session, context, mine)
                    if note:
                        notes.append(note)
        return notes
