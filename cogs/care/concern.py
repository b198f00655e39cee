"""Concerns (`/concern`): a member's private two-way conversation with the moderators or a group's
facilitators, as themselves or anonymously. A concern is a care case (``source="concern"``, gentle: it is
not a crisis, so an unclaimed one reaches the moderators after the gentle wait) with its conversation
kept in ``care_messages``, so a member whose DMs are closed reads and answers it in their inbox.

An anonymous concern stores no user id: its ``seal`` is a keyed hash of (server, case, member). Hearth
recognises the member by recomputing it for whoever presses a button, and reaches them by recomputing
it over the server's members; the id lives only in locals. No ``discord`` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.keys import Keyring
from cogs.care import concern_texts as texts
from cogs.care import domain
from cogs.care.domain import Severity, seal
from cogs.care.models import CareCase, CareMessage
from cogs.care.service import CLAIMED, CLOSED, OPEN, CareService, Case, _case
from cogs.groups import api as groups

SOURCE = "concern"
LIMIT = 1500  # the first message and every answer; leaves room for the wording around it
PER_DAY = 3  # concerns a member may open in 24 hours


@dataclass(frozen=True)
class Line:
    from_member: bool
    text: str
    at: datetime


class Concerns:
    def __init__(self, db: Database, care: CareService, keys: Keyring) -> None:
        self.db, self.care, self.keys = db, care, keys

    def _is_mine(self, row: CareCase, user_id: int) -> bool:
        if row.source != SOURCE:
            return False
        if row.member_id is not None:
            return row.member_id == user_id
        return row.seal is not None and row.seal == seal(self.keys, row.guild_id, row.id, user_id)

    async def _recent(self, session: AsyncSession, actor: Actor, now: datetime) -> list[CareCase]:
        rows = await session.scalars(
            select(CareCase).where(CareCase.guild_id == actor.guild_id, CareCase.source == SOURCE)
        )
        return [r for r in rows if self._is_mine(r, actor.user_id)]

    async def open(
        self,
        actor: Actor,
        *,
        text: str,
        anonymous: bool,
        to_group: bool,
        group: str | None,
        channel_id: int | None,
        now: datetime,
    ) -> Case:
        """Record the concern and its first message in one transaction; the caller then alerts."""
        words = domain.clean_note(text, what="message", limit=LIMIT)
        async with self.db.write() as session:
            ref = await groups.resolve_group(session, actor, group, channel_id) if to_group else None
            mine = await self._recent(session, actor, now)
            if sum(1 for r in mine if r.opened_at > now - timedelta(days=1)) >= PER_DAY:
                raise BadInput(texts.too_many(PER_DAY))
            row = CareCase(
                guild_id=actor.guild_id,
                group_id=ref.id if ref else None,
                group_name=ref.name if ref else "",
                severity=int(Severity.GENTLE),
                source=SOURCE,
                status=OPEN,
                member_id=None if anonymous else actor.user_id,
                opened_at=now,
                closed_by_member=False,
                note="",
            )
            session.add(row)
            self.care._open(row, await self.care.config(session, actor.guild_id), now)
            await session.flush()
            if anonymous:
                row.seal = seal(self.keys, actor.guild_id, row.id, actor.user_id)
            session.add(CareMessage(case_id=row.id, from_member=True, text=words, at=now))
            return _case(row)

    async def check_group(self, actor: Actor, group: str | None, channel_id: int | None) -> None:
        """Before the form opens: the group whose facilitators should hear it must resolve, so nothing typed is lost."""
        async with self.db.read() as session:
            await groups.resolve_group(session, actor, group, channel_id)

    async def mine(self, actor: Actor, now: datetime) -> list[Case]:
        async with self.db.read() as session:
            rows = await self._recent(session, actor, now)
        return [_case(r) for r in sorted(rows, key=lambda r: r.id, reverse=True)]

    async def lines(self, case_id: int) -> list[Line]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(CareMessage).where(CareMessage.case_id == case_id).order_by(CareMessage.id)
            )
            return [Line(r.from_member, r.text, r.at) for r in rows]

    async def member_check(self, case_id: int, actor_user_id: int) -> Case:
        async with self.db.read() as session:
            row = await session.get(CareCase, case_id)
            if row is None:
                raise NotFound(texts.gone())
            if not self._is_mine(row, actor_user_id):
                raise NotAllowed(texts.not_yours())
            return _case(row)

    async def member_says(self, case_id: int, user_id: int, text: str, now: datetime) -> Case:
        """The member adds to their concern; refused kindly once it's closed (nothing is kept)."""
        async with self.db.write() as session:
            row = await session.get(CareCase, case_id, with_for_update=True)
            if row is None:
                raise NotFound(texts.gone())
            if not self._is_mine(row, user_id):
                raise NotAllowed(texts.not_yours())
            if row.status == CLOSED:
                raise Conflict(texts.closed_reply())
            words = domain.clean_note(text, what="message", limit=LIMIT)
            session.add(CareMessage(case_id=row.id, from_member=True, text=words, at=now))
            return _case(row)

    async def staff_says(self, case_id: int, actor: Actor, text: str, now: datetime) -> str:
        """The person who has the concern answers; the words are kept for the member's inbox."""
        words = domain.clean_note(text, what="message", limit=LIMIT)
        async with self.db.write() as session:
            row = await self.care._owned(session, case_id, actor)
            session.add(CareMessage(case_id=row.id, from_member=False, text=words, at=now))
        return words

    async def reopen(self, case_id: int, user_id: int, now: datetime) -> Case:
        async with self.db.write() as session:
            row = await session.get(CareCase, case_id, with_for_update=True)
            if row is None:
                raise NotFound(texts.gone())
            if not self._is_mine(row, user_id):
                raise NotAllowed(texts.not_yours())
            if row.status != CLOSED:
                return _case(row)
            # Back to whoever had it; if they can't any more, it is open for anyone again.
            row.status = CLAIMED if row.owner_id else OPEN
            row.closed_at, row.closed_by_member = None, False
            if row.owner_id is None:
                self.care._open(row, await self.care.config(session, row.guild_id), now)
            return _case(row)

    async def find_member(self, case_id: int, candidates: Iterable[int]) -> int | None:
        """For an anonymous concern: which of these people raised it (None when none of them)."""
        async with self.db.read() as session:
            row = await session.get(CareCase, case_id)
        if row is None or row.seal is None:
            return None
        return next((u for u in candidates if seal(self.keys, row.guild_id, row.id, u) == row.seal), None)
