"""One durable record for every message Hearth sends on its own (reminders, prompts, clean-ups).

How a feature sends something later or from a timer::

    async with bot.db.write() as session:
        ...  # the state change that causes the message
        bot.deliveries.enqueue(session, Delivery.dm(user_id, text, purpose="checkins.reminder", ref=str(rid)))

The record is written in the caller's transaction, so the change and the message commit together or
not at all. After the commit the sender loop wakes, sends it with a Discord message nonce (discord.py
sends ``enforce_nonce`` with every nonce, so a retry after a crash between "sent" and "marked" gets
the same message back instead of a second one), and marks it sent with the message id.

- 429, 5xx, timeouts: retried with exponential backoff (a 429's ``retry_after`` is honoured), up to
  ``max_attempts``; then given up.
- 403/404 (DMs closed, channel gone) and other 4xx: given up at once. A DM may carry a channel
  fallback (written with it, so it survives restarts); a caller may also register a hook per
  ``purpose`` (``on_given_up``) that runs after the give-up is recorded.
- At start, ``start()`` arms the loop from the database: pending records are sent in due order,
  paced under Discord's rate limit. Scheduler jobs hold no content, only a wake-up.
- Text is dropped from a record once it is sent or given up; ``/privacy delete`` erases a member's
  pending records (``DeliveryPrivacy``).
- Several processes (scale-out): each sends only the records of guilds on its shards (a record without
  a guild belongs to shard 0, where Discord delivers DMs), and claims what it sends with a lease
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so no record is sent by two processes. A process that
  died holding leases gets them back when it restarts under the same owner name (its shard plan); any
  other process may take them once the lease runs out. The nonce covers a send that happened just
  before the crash.

This module never imports ``discord``; ``bot/delivery_discord.py`` is the Discord side.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    delete,
    event,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import Database, Snowflake
from bot.db.models import DeliveryRecord
from bot.i18n import N_, plural
from bot.pacing import RatePacer, SharedRatePacer
from bot.privacy import Erasure, Subject, Tally
from bot.shards import ShardPlan

log = logging.getLogger("hearth.delivery")

Kind = Literal["channel", "dm", "edit", "delete"]
PENDING, SENT, GIVEN_UP = "pending", "sent", "given_up"
MAX_CONTENT = 2000  # Discord's limit for message content
DELIVERY_RATE = 40.0  # sends per second: under Discord's 50 requests/s per bot, leaving room for replies
_EARLIEST = "hearth_delivery_earliest"  # session.info key: the earliest due time written in this transaction


@dataclass(frozen=True)
class Delivery:
    """What to send. Build it with ``Delivery.channel/dm/edit/delete``."""

    kind: Kind
    purpose: str  # e.g. "meetings.reminder": names the give-up hook; shows in logs, so never member text
    content: str | None = None
    channel_id: int | None = None
    user_id: int | None = None  # DM recipient, or whose data this is; never an anonymous author
    message_id: int | None = None
    guild_id: int | None = None
    ref: str | None = None  # the caller's record id, handed back to its give-up hook
    view: str | None = None  # a view key registered with the Discord sender, e.g. "checkin-prompt:12"
    ping_user_id: int | None = None  # the one member this message may mention; nobody else is pinged
    fallback_channel_id: int | None = None  # a DM refused (403/404): post ``fallback_content`` here instead
    fallback_content: str | None = None
    due_at: datetime | None = None  # None: as soon as possible

    @classmethod
    def channel(cls, channel_id: int, content: str, *, purpose: str, **kw: Any) -> Delivery:
        return cls("channel", purpose, content=content, channel_id=channel_id, **kw)

    @classmethod
    def dm(cls, user_id: int, content: str, *, purpose: str, **kw: Any) -> Delivery:
        return cls("dm", purpose, content=content, user_id=user_id, **kw)

    @classmethod
    def edit(cls, channel_id: int, message_id: int, content: str, *, purpose: str, **kw: Any) -> Delivery:
        return cls("edit", purpose, content=content, channel_id=channel_id, message_id=message_id, **kw)

    @classmethod
    def delete(cls, channel_id: int, message_id: int, *, purpose: str, **kw: Any) -> Delivery:
        return cls("delete", purpose, channel_id=channel_id, message_id=message_id, **kw)

    def check(self) -> None:
        """Refuse, at enqueue time, a record the loop could never send."""
        needs = {
            "channel": ("channel_id", "content"),
            "dm": ("user_id", "content"),
            "edit": ("channel_id", "message_id", "content"),
            "delete": ("channel_id", "message_id"),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} delivery needs {', '.join(missing)}")
        for text in (self.content, self.fallback_content):
            if text is not None and len(text) > MAX_CONTENT:
                raise ValueError(f"delivery content over Discord's {MAX_CONTENT} characters")


@dataclass(frozen=True)
class Outgoing:
    """One attempt, as the sender sees it."""

    id: int
    kind: Kind
    nonce: str
    content: str | None
    channel_id: int | None
    user_id: int | None
    message_id: int | None
    view: str | None
    ping_user_id: int | None


@dataclass(frozen=True)
class GivenUp:
    """Handed to a purpose's give-up hook."""

    id: int
    purpose: str
    ref: str | None
    status: int
    user_id: int | None
    guild_id: int | None


class DeliveryFailed(Exception):
    """Raised by a sender: ``status`` is the HTTP status (0 for a timeout or a network error)."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"delivery failed with status {status}")
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        return self.status == 0 or self.status == 429 or self.status >= 500


class Sender(Protocol):
    async def send(self, item: Outgoing) -> int | None:
        """Carry out one attempt; return the message id (None for delete); raise DeliveryFailed."""
        ...


GiveUpHook = Callable[[GivenUp], Awaitable[None]]


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Seconds before the next try after ``attempts`` failed ones: base, 2x, 4x ... capped."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


def owner_name(plan: ShardPlan) -> str:
    """A lease owner's name: its shard plan, the same after a restart (``solo`` when not sharded)."""
    if not plan.sharded:
        return "solo"
    ids = ",".join(map(str, plan.ids))
    if len(ids) > 24:  # keep it within the column, still one name per shard plan
        ids = hashlib.sha256(ids.encode()).hexdigest()[:24]
    return f"shards:{plan.count}:{ids}"


def new_nonce() -> str:
    return str(secrets.randbits(63))  # Discord accepts an integer or a string of up to 25 characters


class Deliveries:
    """The record, its sender loop and its hooks. One per bot: ``bot.deliveries``."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        rate: float = DELIVERY_RATE,
        max_attempts: int = 8,
        base_backoff: float = 5.0,
        max_backoff: float = 900.0,
        keep_done: timedelta = timedelta(days=7),
        batch: int = 100,
        mark_every: int = 20,
        plan: ShardPlan | None = None,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self.db = db
        self.plan = plan or ShardPlan()
        # Stable across restarts of the same process slot, so a restarted process takes its leases back at once.
        self.owner = owner_name(self.plan)
        self.lease = lease
        self.clock = clock
        self.sender: Sender | None = None
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.keep_done = keep_done
        self.batch = batch
        self.mark_every = mark_every
        self.pacer: RatePacer | SharedRatePacer = RatePacer(rate)
        self._hooks: dict[str, GiveUpHook] = {}
        self._wake: Callable[[datetime], None] | None = None
        self._wake_at: datetime | None = None
        self._running = False
        self._again = False

    # --- for features ---------------------------------------------------------------------------------

    def enqueue(self, session: AsyncSession, delivery: Delivery) -> DeliveryRecord:
        """Write the record in the caller's transaction; the loop wakes once that commits."""
        row = self._row(delivery)
        record = DeliveryRecord(**row)
        session.add(record)
        self._wake_after_commit(session, row["due_at"])
        return record

    async def enqueue_many(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> int:
        """``enqueue`` for many at once with one bulk INSERT (a meeting tick writing a thousand reminders:
        one row each through the ORM cost ~0.6-0.9 ms on SQLite here, which holds its single writer)."""
        rows = [self._row(delivery) for delivery in deliveries]
        if rows:
            await session.execute(insert(DeliveryRecord), rows)
            self._wake_after_commit(session, min(row["due_at"] for row in rows))
        return len(rows)

    def _row(self, delivery: Delivery) -> dict[str, Any]:
        delivery.check()
        now = self.clock.now()
        due = delivery.due_at or now
        return {
            "kind": delivery.kind,
            "purpose": delivery.purpose,
            "ref": delivery.ref,
            "guild_id": delivery.guild_id,
            "channel_id": delivery.channel_id,
            "user_id": delivery.user_id,
            "message_id": delivery.message_id,
            "content": delivery.content,
            "view": delivery.view,
            "ping_user_id": delivery.ping_user_id,
            "fallback_channel_id": delivery.fallback_channel_id,
            "fallback_content": delivery.fallback_content,
            "nonce": new_nonce(),
            "state": PENDING,
            "due_at": due,
            "next_attempt_at": due,
            "attempts": 0,
            "created_at": now,
        }

    def _wake_after_commit(self, session: AsyncSession, due: datetime) -> None:
        # One commit hook per transaction, however many records.
        info = session.sync_session.info
        earliest = info.get(_EARLIEST)
        if earliest is None:
            event.listen(session.sync_session, "after_commit", self._after_commit, once=True)
        info[_EARLIEST] = due if earliest is None else min(earliest, due)

    def _after_commit(self, sync_session: Any) -> None:
        due = sync_session.info.pop(_EARLIEST, None)
        if due is not None:
            self._arm(due)

    def on_given_up(self, purpose: str, hook: GiveUpHook) -> None:
        """Run ``hook`` after a delivery of this purpose is given up (403/404, or out of retries)."""
        self._hooks[purpose] = hook

    def drop_hook(self, purpose: str) -> None:
        self._hooks.pop(purpose, None)

    # --- lifecycle ------------------------------------------------------------------------------------

    def attach(self, sender: Sender, wake: Callable[[datetime], None]) -> None:
        """``wake(at)`` must call ``run()`` at ``at`` (the bot passes a scheduler job)."""
        self.sender = sender
        self._wake = wake

    async def start(self) -> datetime | None:
        """Arm the loop from the database (the truth) at start."""
        self._wake_at = None
        at = await self.next_due()
        if at is not None:
            self._arm(at)
        return at

    async def look_again(self) -> None:
        """Arm for records another process wrote for this one's shards (its commit woke only itself). The
        database is the truth: a wake this process thinks is pending but was lost doesn't stop it."""
        self._wake_at = None
        at = await self.next_due()
        if at is not None:
            self._arm(at)

    def _arm(self, at: datetime) -> None:
        if self._wake is None:
            return
        if self._running:  # the running loop looks again before it stops
            self._again = True
            return
        if self._wake_at is not None and self._wake_at <= at:
            return
        self._wake_at = at
        self._wake(at)

    async def next_due(self) -> datetime | None:
        """When this process next has something to send (a record leased by another process: its expiry)."""
        now = self.clock.now()
        held_elsewhere = and_(DeliveryRecord.lease_until > now, DeliveryRecord.lease_owner != self.owner)
        at = case((held_elsewhere, DeliveryRecord.lease_until), else_=DeliveryRecord.next_attempt_at)
        async with self.db.read() as session:
            found: datetime | None = await session.scalar(
                select(func.min(at)).where(DeliveryRecord.state == PENDING, self._owned())
            )
            return found

    def _owned(self) -> ColumnElement[bool]:
        """Records of guilds on this process's shards; without a guild, shard 0's (Discord's DM shard)."""
        if not self.plan.sharded:
            return true()
        # PostgreSQL has ``bigint >> integer`` only, so the shift is written as an integer literal.
        shard = (type_coerce(DeliveryRecord.guild_id, BigInteger).op(">>")(literal_column("22"))) % self.plan.count
        without_guild = DeliveryRecord.guild_id.is_(None) if 0 in self.plan.ids else false()
        return or_(without_guild, and_(DeliveryRecord.guild_id.is_not(None), shard.in_(self.plan.ids)))

    def _free(self, now: datetime) -> ColumnElement[bool]:
        """Not leased, leased by this owner (a previous life of this process), or the lease ran out."""
        return or_(
            DeliveryRecord.lease_until.is_(None),
            DeliveryRecord.lease_until <= now,
            DeliveryRecord.lease_owner == literal(self.owner),
        )

    # --- the loop -------------------------------------------------------------------------------------

    async def attempt_now(self, ids: Sequence[int], *, limit: int = 10) -> None:
        """Try up to ``limit`` of these pending records once, right now and unpaced, so a caller can tell a
        member how it went (a member's erase clean-up). They are leased like the loop's, so no other sender
        takes them meanwhile; whatever fails or is left over stays with the loop."""
        if self.sender is None:
            return
        items = await self._claim(self.clock.now(), DeliveryRecord.id.in_(list(ids)), limit=limit, any_shard=True)
        sent = []
        for item in items:
            outcome = await self._attempt(item, paced=False)
            if outcome is not None:
                sent.append(outcome)
        await self._sent(sent)

    async def run(self) -> int:
        """Send everything due, oldest due first; re-arm for the next. Returns attempts made."""
        if self._running:
            self._again = True
            return 0
        self._running = True
        self._wake_at = None
        made = 0
        try:
            while True:
                self._again = False
                due = await self._due(self.clock.now())
                sent: list[tuple[int, int | None]] = []
                try:
                    for item in due:
                        outcome = await self._attempt(item)
                        if outcome is not None:
                            sent.append(outcome)
                        if len(sent) >= self.mark_every:
                            await self._sent(sent)
                            sent = []
                finally:
                    # Marked in groups (one write per ``mark_every`` sends, not one each): a crash before the
                    # mark re-sends them with the same nonce, and Discord hands back the same messages.
                    await self._sent(sent)
                made += len(due)
                if len(due) < self.batch and not self._again:
                    break
            await self._prune()
        except Exception:
            log.exception("delivery loop failed; trying again shortly")
            self._running = False
            self._arm(self.clock.now() + timedelta(seconds=self.base_backoff))
            return made
        self._running = False
        at = await self.next_due()
        if at is not None:
            self._arm(at)
        return made

    async def _due(self, now: datetime) -> list[Outgoing]:
        """Claim (lease) up to ``batch`` due records of this process's shards, in due order."""
        return await self._claim(now, DeliveryRecord.next_attempt_at <= now, limit=self.batch)

    async def _claim(
        self, now: datetime, which: ColumnElement[bool], *, limit: int, any_shard: bool = False
    ) -> list[Outgoing]:
        """Lease pending records matching ``which`` that nobody else holds (SKIP LOCKED on PostgreSQL)."""
        async with self.db.write() as session:
            rows = list(
                await session.scalars(
                    select(DeliveryRecord)
                    .where(
                        DeliveryRecord.state == PENDING,
                        which,
                        true() if any_shard else self._owned(),
                        self._free(now),
                    )
                    .order_by(DeliveryRecord.next_attempt_at, DeliveryRecord.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if rows:
                await session.execute(
                    update(DeliveryRecord)
                    .where(DeliveryRecord.id.in_([r.id for r in rows]))
                    .values(lease_owner=self.owner, lease_until=now + self.lease)
                )
            return [
                Outgoing(
                    r.id,
                    cast(Kind, r.kind),
                    r.nonce,
                    r.content,
                    r.channel_id,
                    r.user_id,
                    r.message_id,
                    r.view,
                    r.ping_user_id,
                )
                for r in rows
            ]

    async def _attempt(self, item: Outgoing, *, paced: bool = True) -> tuple[int, int | None] | None:
        """One try: (record id, message id) when Discord took it; a failure is recorded here."""
        if self.sender is None:
            raise RuntimeError("no sender attached")
        if paced:
            await self.pacer.wait()
        try:
            message_id = await self.sender.send(item)
        except DeliveryFailed as error:
            await self._failed(item, error)
            return None
        except Exception:
            log.exception("delivery %s: unexpected error; will retry", item.id)
            await self._failed(item, DeliveryFailed(0))
            return None
        return item.id, message_id

    async def _sent(self, sent: Sequence[tuple[int, int | None]]) -> None:
        if not sent:
            return
        table = cast(Table, DeliveryRecord.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.state == PENDING)
            .values(
                state=SENT,
                message_id=func.coalesce(bindparam("b_message_id", type_=Snowflake), table.c.message_id),
                attempts=table.c.attempts + 1,
                done_at=self.clock.now(),
                content=None,  # the words are not kept once they're on Discord
                fallback_content=None,
                lease_owner=None,
                lease_until=None,
            )
        )
        async with self.db.write() as session:
            await session.execute(statement, [{"b_id": rid, "b_message_id": mid} for rid, mid in sent])

    async def _failed(self, item: Outgoing, error: DeliveryFailed) -> None:
        now = self.clock.now()
        given_up: GivenUp | None = None
        async with self.db.write() as session:
            record = await session.get(DeliveryRecord, item.id, with_for_update=True)
            if record is None or record.state != PENDING:  # erased meanwhile
                return
            record.attempts += 1
            record.last_status = error.status
            record.lease_owner = record.lease_until = None
            if error.transient and record.attempts < self.max_attempts:
                wait = backoff(record.attempts, base=self.base_backoff, cap=self.max_backoff)
                if error.retry_after is not None:
                    wait = max(wait, error.retry_after)
                record.next_attempt_at = now + timedelta(seconds=wait)
                log.info("delivery %s (%s) failed with %s; retry in %.0fs", item.id, record.purpose, error.status, wait)
                next_at = record.next_attempt_at
            else:
                next_at = None
                record.state = GIVEN_UP
                record.done_at = now
                if record.kind == "dm" and error.status in (403, 404) and record.fallback_channel_id is not None:
                    self.enqueue(
                        session,
                        Delivery.channel(
                            record.fallback_channel_id,
                            record.fallback_content or "",
                            purpose=record.purpose,
                            ref=record.ref,
                            guild_id=record.guild_id,
                            user_id=record.user_id,
                            ping_user_id=record.user_id,
                        ),
                    )
                record.content = record.fallback_content = None
                given_up = GivenUp(record.id, record.purpose, record.ref, error.status, record.user_id, record.guild_id)
                log.info("delivery %s (%s) given up: status %s", item.id, record.purpose, error.status)
        if next_at is not None:
            self._arm(next_at)
        if given_up is not None:
            hook = self._hooks.get(given_up.purpose)
            if hook is not None:
                try:
                    await hook(given_up)
                except Exception:
                    log.exception("give-up hook for %s failed", given_up.purpose)

    async def _prune(self) -> None:
        cutoff = self.clock.now() - self.keep_done
        async with self.db.write() as session:
            await session.execute(
                delete(DeliveryRecord).where(DeliveryRecord.state != PENDING, DeliveryRecord.done_at < cutoff)
            )

    # --- for tests and operators ------------------------------------------------------------------------

    async def records(self, purpose: str | None = None) -> Sequence[DeliveryRecord]:
        async with self.db.read() as session:
            query = select(DeliveryRecord).order_by(DeliveryRecord.id)
            if purpose is not None:
                query = query.where(DeliveryRecord.purpose == purpose)
            return list(await session.scalars(query))


class DeliveryPrivacy:
    """Messages waiting to be sent to or for a member."""

    name = N_("pending messages")
    purpose = N_(
        "Messages Hearth will send you or post for you (reminders, prompts, clean-ups), kept until they "
        "are sent; their text is dropped once sent."
    )

    @staticmethod
    def _pending(subject: Subject) -> Any:
        # Deletions of what Hearth posted for them are the clean-up of their erase: never theirs to drop.
        return (
            DeliveryRecord.user_id == subject.user_id,
            DeliveryRecord.state == PENDING,
            DeliveryRecord.kind != "delete",
        )

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        count = await session.scalar(select(func.count()).where(*self._pending(subject)))
        return [
            Tally(
                "pending",
                plural("%(count)s message waiting to be sent", "%(count)s messages waiting to be sent"),
                int(count or 0),
            )
        ]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        rows = await session.scalars(select(DeliveryRecord).where(*self._pending(subject)).order_by(DeliveryRecord.id))
        return {"pending": [{"kind": r.kind, "due_at": r.due_at.isoformat(), "content": r.content} for r in rows]}

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        await session.execute(delete(DeliveryRecord).where(*self._pending(subject)))
        # What is left (sent and given-up rows, which keep no text, and pending clean-ups): unlinked.
        await session.execute(
            update(DeliveryRecord).where(DeliveryRecord.user_id == subject.user_id).values(user_id=None)
        )
        await session.execute(
            update(DeliveryRecord).where(DeliveryRecord.ping_user_id == subject.user_id).values(ping_user_id=None)
        )
