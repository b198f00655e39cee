"""The soak's delivery evidence: Discord's nonce rule in the simulator, and the record's invariant.

Every message Hearth sends on its own goes through one durable record (``bot/delivery.py``) with a
Discord message nonce. Real Discord, given ``enforce_nonce``, answers a second create with the same
nonce (a re-send after a crash between "sent" and "marked") with the first message; SimCord ignores
nonces, so it would show such a re-send as a second message. ``NonceLedger`` adds Discord's rule to
SimCord's message-create route for the run and remembers which message each nonce made: that is the
evidence the invariant reads against the delivery table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simcord.http import router
from simcord.http.routes.messages import message_response
from sqlalchemy import select

from bot.db.models import DeliveryRecord
from bot.delivery import GIVEN_UP, PENDING, SENT

CREATE = ["channels", "{channel_id}", "messages"]
# A pending record may wait this long past its due time: the sender's longest backoff (bot/delivery.py).
PENDING_WINDOW = timedelta(minutes=15)
# Two records for the same message (same purpose, ref and recipient) written this close together mean
# a timer ran twice: the member would get the message twice.
TWIN_WINDOW = timedelta(minutes=5)


@dataclass
class NonceLedger:
    """nonce -> the message it created; how many creates were answered from it (Discord's dedupe)."""

    made: dict[str, tuple[int, int]] = field(default_factory=dict)  # nonce -> (channel id, message id)
    answered_again: int = 0
    creates_without_nonce: int = 0
    _original: Any = None

    def install(self) -> None:
        routes = router._ROUTES["POST"]
        for index, (template, handler) in enumerate(routes):
            if template == CREATE:
                self._original = handler
                routes[index] = (template, self._create)
                return
        raise LookupError("SimCord's message-create route moved")

    def uninstall(self) -> None:
        routes = router._ROUTES["POST"]
        for index, (template, handler) in enumerate(routes):
            if handler == self._create:
                routes[index] = (template, self._original)

    def _create(self, ctx: Any) -> Any:
        body = ctx.body()
        nonce = body.get("nonce")
        channel_id = ctx.int_arg("channel_id")
        if nonce is not None and body.get("enforce_nonce") and str(nonce) in self.made:
            made_in, message_id = self.made[str(nonce)]
            message = self._find(ctx, made_in, message_id) if made_in == channel_id else None
            if message is not None:  # deleted since: Discord would create a new one too
                self.answered_again += 1
                return message_response(ctx, message)
        response = self._original(ctx)
        if nonce is None:
            self.creates_without_nonce += 1
        elif isinstance(response, dict) and "id" in response:
            self.made[str(nonce)] = (channel_id, int(response["id"]))
        return response

    @staticmethod
    def _find(ctx: Any, channel_id: int, message_id: int) -> Any:
        try:
            return ctx.backend.get_message(channel_id, message_id)
        except Exception:
            return None


async def deliveries_none_pending_none_twice(world: Any) -> str:
    """Read the delivery table against what SimCord received:

    - nothing still pending past its due time plus the sender's longest backoff;
    - nothing given up for a transient reason (429, 5xx, timeout): that would be a lost message;
    - every sent post or DM: its nonce made exactly the message the record names, and that message exists;
    - no two records for the same message (purpose, ref, recipient) written within minutes of each other.
    """
    ledger: NonceLedger = world.nonces
    now = world.clock.now()
    async with world.bot.db.read() as session:
        rows = list(await session.scalars(select(DeliveryRecord).order_by(DeliveryRecord.id)))
    states = Counter(row.state for row in rows)
    late = [r for r in rows if r.state == PENDING and r.next_attempt_at < now - PENDING_WINDOW]
    gave_up = Counter(r.last_status for r in rows if r.state == GIVEN_UP)
    transient = sum(n for status, n in gave_up.items() if status in (0, 429) or (status or 0) >= 500)
    posts = [r for r in rows if r.state == SENT and r.kind in ("dm", "channel")]
    unproven = missing = 0
    for row in posts:
        made = ledger.made.get(row.nonce)
        if made is None or made[1] != row.message_id:
            unproven += 1
            continue
        if not world.message_exists(made[0], made[1]):
            missing += 1  # gone from Discord: only an erase may do that, and the soak erases nothing
    nonces = Counter(r.nonce for r in rows)
    shared_nonces = sum(1 for n in nonces.values() if n > 1)
    twins = _twins(posts)
    figures = (
        f"{len(rows)} records ({', '.join(f'{k} {v}' for k, v in sorted(states.items()))}); "
        f"{len(posts)} posts and DMs each proven by its nonce; {ledger.answered_again} re-sends answered "
        f"by nonce; given up: {dict(gave_up) or 'none'}"
    )
    if late or transient or unproven or missing or shared_nonces or twins:
        return (
            f"FAILED: {len(late)} pending past {PENDING_WINDOW}, {transient} given up on a transient error, "
            f"{unproven} sent without their nonce's message, {missing} whose message is gone, "
            f"{shared_nonces} nonces shared, {twins} sent twice ({figures})"
        )
    return f"ok ({figures})"


def _twins(rows: list[DeliveryRecord]) -> int:
    last: dict[tuple[str, str | None, int | None, int | None], datetime] = {}
    twins = 0
    for row in sorted(rows, key=lambda r: r.created_at):
        key = (row.purpose, row.ref, row.user_id, row.channel_id if row.kind == "channel" else None)
        before = last.get(key)
        if before is not None and row.created_at - before < TWIN_WINDOW:
            twins += 1
        last[key] = row.created_at
    return twins
