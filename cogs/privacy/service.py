"""Privacy use cases over every registered feature; no discord here."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import Clock
from bot.db import Database
from bot.db.models import DeliveryRecord
from bot.delivery import GIVEN_UP, SENT, Deliveries
from bot.privacy import Erasure, Holding, PrivacyRegistry, Subject

log = logging.getLogger(__name__)

# Tried inline, unpaced, before the erase answers: well under Discord's 50 requests/s; the loop sends the rest.
CLEANUPS_TRIED_AT_ONCE = 10
# The sender loop leaves the erase's clean-ups to the erase this long (it tries them itself first); after a
# crash in between, the loop sends them once this has passed.
CLEANUP_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class Leftover:
    """A Discord message the erase could not (yet) remove: what it is and where, never what it said."""

    what: str
    guild_id: int | None
    channel_id: int | None
    message_id: int | None


@dataclass
class EraseOutcome:
    erased: list[Holding]
    kept: list[Holding]  # unlinked from the member and left in place, as they chose
    cleaned: int = 0  # Discord messages deleted or rewritten
    refused: list[Leftover] = field(default_factory=list)  # Discord said no for good: a moderator must
    retrying: list[Leftover] = field(default_factory=list)  # Discord was busy: still being tried
    notes: list[str] = field(default_factory=list)


class PrivacyService:
    def __init__(
        self, db: Database, registry: PrivacyRegistry, clock: Clock, deliveries: Deliveries | None = None
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self.deliveries = deliveries

    async def info(self, subject: Subject) -> list[Holding]:
        return await self.registry.describe(self.db, subject)

    async def export_json(self, subject: Subject, generated_at: datetime) -> bytes:
        summary: dict[str, dict[str, int]] = {}
        data = await self.registry.export(self.db, subject, summary)
        payload: dict[str, Any] = {
            "user_id": str(subject.user_id),
            "generated_at": generated_at.isoformat(),
            "summary": summary,  # the same numbers /privacy info shows and an erase would report
            "data": data,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False, default=str).encode()

    async def erase(self, subject: Subject, *, keeps: frozenset[str] = frozenset()) -> EraseOutcome:
        """Erase everything about ``subject``; ``keeps`` holds the ``KeepChoice`` keys the member chose."""
        now = self.clock.now()
        erasure = Erasure(now=now, deliveries=self.deliveries, keeps=keeps, cleanup_due=now + CLEANUP_GRACE)
        erased = await self.registry.erase(self.db, subject, erasure)
        outcome = EraseOutcome([], [], notes=list(erasure.notes))
        for held in erased:  # what they chose to keep is listed as kept, the rest as erased
            kept = erasure.kept.get(held.name, set())
            outcome.erased.append(replace(held, tallies=[t for t in held.tallies if t.key not in kept]))
            if any(t.key in kept for t in held.tallies):
                outcome.kept.append(Holding(held.name, held.purpose, [t for t in held.tallies if t.key in kept]))
        if not erasure.cleanups:
            return outcome
        whats = {c.record.id: c.what for c in erasure.cleanups}
        if self.deliveries is not None:
            # The clean-up is already durable; trying (the first few) now lets the reply say how it went.
            try:
                await self.deliveries.attempt_now(list(whats), limit=CLEANUPS_TRIED_AT_ONCE)
            except Exception:  # the erase is committed: say "still trying", never "something went wrong"
                log.exception("erase clean-up: trying it at once failed; the delivery loop carries on")
        async with self.db.read() as session:
            rows = list(await session.scalars(select(DeliveryRecord).where(DeliveryRecord.id.in_(list(whats)))))
        for row in rows:
            left = Leftover(whats[row.id], row.guild_id, row.channel_id, row.message_id)
            if row.state == SENT or (row.state == GIVEN_UP and row.last_status == 404):  # gone already is gone
                outcome.cleaned += 1
            elif row.state == GIVEN_UP:
                outcome.refused.append(left)
            else:
                outcome.retrying.append(left)
        return outcome
