"""The delivery record (bot/delivery.py) on SQLite and PostgreSQL, with a fake Discord that honours nonces.

SimCord 3.2.1 ignores ``nonce``/``enforce_nonce`` on message create (simcord/http/_helpers.py drops
them), so "a retry after a crash returns the same message" is tested here against a fake sender that
does what Discord does with ``enforce_nonce``: a repeated nonce returns the first message.
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import DELIVERY_JOB
from bot.clock import Clock
from bot.db import Database
from bot.db.locks import reserve_slots
from bot.db.migrate import upgrade as migrate
from bot.db.models import DeliveryRecord
from bot.delivery import (
    GIVEN_UP,
    PENDING,
    SENT,
    Deliveries,
    Delivery,
    DeliveryFailed,
    DeliveryPrivacy,
    GivenUp,
    Outgoing,
)
from bot.keys import Keyring
from bot.pacing import SharedRatePacer
from bot.privacy import Erasure, Subject, described
from bot.scheduler import Scheduler
from bot.shards import ShardPlan

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class FakeClock(Clock):
    def __init__(self) -> None:
        self.at = START
        super().__init__(lambda: self.at)

    def move(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class FakeDiscord:
    """Messages as Discord would keep them; ``fail`` queues statuses for the next attempts."""

    def __init__(self) -> None:
        self.messages: dict[int, tuple[str, int | None, str | None]] = {}  # id -> (where, ping, content)
        self.by_nonce: dict[str, int] = {}
        self.fail: list[int] = []
        self.attempts = 0
        self.crash_after_send = False
        self._next_id = 1000

    async def send(self, item: Outgoing) -> int | None:
        self.attempts += 1
        if self.fail:
            raise DeliveryFailed(self.fail.pop(0), retry_after=None)
        if item.kind in ("channel", "dm"):
            if item.nonce in self.by_nonce:  # enforce_nonce: the same message back
                message_id = self.by_nonce[item.nonce]
            else:
                self._next_id += 1
                message_id = self._next_id
                where = f"dm:{item.user_id}" if item.kind == "dm" else f"channel:{item.channel_id}"
                self.messages[message_id] = (where, item.ping_user_id, item.content)
                self.by_nonce[item.nonce] = message_id
        elif item.kind == "edit":
            assert item.message_id is not None
            where, ping, _ = self.messages[item.message_id]
            self.messages[item.message_id] = (where, ping, item.content)
            message_id = item.message_id
        else:
            assert item.message_id is not None
            self.messages.pop(item.message_id, None)
            message_id = None
        if self.crash_after_send:
            self.crash_after_send = False
            raise SystemExit("the process died after Discord answered")  # not an Exception: nothing is marked
        return message_id


def build(db: Database, clock: FakeClock, discord: FakeDiscord, wakes: list[datetime] | None = None) -> Deliveries:
    deliveries = Deliveries(db, clock, rate=0, base_backoff=5, max_backoff=60, max_attempts=5)
    deliveries.attach(discord, (wakes if wakes is not None else []).append)
    return deliveries


async def enqueue(db: Database, deliveries: Deliveries, *items: Delivery) -> None:
    async with db.write() as session:
        for item in items:
            deliveries.enqueue(session, item)


async def states(db: Database) -> list[str]:
    async with db.read() as session:
        return list(await session.scalars(select(DeliveryRecord.state).order_by(DeliveryRecord.id)))


async def test_a_dm_is_sent_once_marked_with_its_message_id_and_its_text_dropped(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)
    await enqueue(db, deliveries, Delivery.dm(7, "Time to check in", purpose="test.reminder"))
    assert wakes == [START]  # the commit woke the loop
    await deliveries.run()
    await deliveries.run()
    assert list(discord.messages.values()) == [("dm:7", None, "Time to check in")]
    [record] = await deliveries.records()
    assert (record.state, record.message_id, record.content) == (SENT, 1001, None)


async def test_a_rolled_back_change_sends_nothing(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            deliveries.enqueue(session, Delivery.channel(5, "hello", purpose="test"))
            raise RuntimeError("the state change failed")
    assert wakes == []
    await deliveries.run()
    assert discord.messages == {} and await states(db) == []


async def test_500_and_429_are_retried_with_backoff_on_the_clock_then_sent_once(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)
    discord.fail = [500, 429, 0]
    await enqueue(db, deliveries, Delivery.channel(5, "Meeting soon", purpose="test"))
    await deliveries.run()
    assert wakes[-1] == START + timedelta(seconds=5)  # 1st failure: base
    clock.move(4)
    await deliveries.run()
    assert discord.attempts == 1  # not due yet: nothing tried
    clock.move(1)
    await deliveries.run()
    assert wakes[-1] == clock.now() + timedelta(seconds=10)  # 2nd: doubled
    clock.move(10)
    await deliveries.run()
    assert wakes[-1] == clock.now() + timedelta(seconds=20)  # 3rd (a timeout): doubled again
    clock.move(20)
    await deliveries.run()
    assert discord.attempts == 4
    assert [m[2] for m in discord.messages.values()] == ["Meeting soon"]
    assert await states(db) == [SENT]


async def test_retry_after_of_a_429_is_honoured(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)

    async def limited(item: Outgoing) -> int | None:
        raise DeliveryFailed(429, retry_after=42)

    deliveries.sender = type("Limited", (), {"send": staticmethod(limited)})()
    await enqueue(db, deliveries, Delivery.channel(5, "x", purpose="test"))
    await deliveries.run()
    assert wakes[-1] == START + timedelta(seconds=42)


async def test_out_of_retries_gives_up_with_a_clear_state(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    discord.fail = [503] * 5
    await enqueue(db, deliveries, Delivery.channel(5, "x", purpose="test"))
    for _ in range(6):
        await deliveries.run()
        clock.move(3600)
    [record] = await deliveries.records()
    assert (record.state, record.attempts, record.last_status, record.content) == (GIVEN_UP, 5, 503, None)
    assert discord.messages == {}


async def test_403_gives_up_at_once_posts_the_fallback_and_runs_the_hook(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    hooked: list[GivenUp] = []

    async def hook(given_up: GivenUp) -> None:
        hooked.append(given_up)

    deliveries.on_given_up("test.reminder", hook)
    discord.fail = [403]
    await enqueue(
        db,
        deliveries,
        Delivery.dm(
            7,
            "private text",
            purpose="test.reminder",
            ref="r1",
            fallback_channel_id=55,
            fallback_content="<@7> your reminder: allow DMs to get it privately",
        ),
    )
    await deliveries.run()
    assert discord.attempts == 2  # the DM once, then the fallback; the DM is not retried
    assert list(discord.messages.values()) == [("channel:55", 7, "<@7> your reminder: allow DMs to get it privately")]
    assert [(h.purpose, h.ref, h.status, h.user_id) for h in hooked] == [("test.reminder", "r1", 403, 7)]
    assert await states(db) == [GIVEN_UP, SENT]


async def test_a_crash_after_the_send_before_the_mark_does_not_duplicate(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    await enqueue(db, deliveries, Delivery.dm(7, "once", purpose="test"))
    discord.crash_after_send = True
    with pytest.raises(SystemExit):
        await deliveries.run()
    assert await states(db) == [PENDING]  # Discord has it; the record doesn't know yet
    restarted = build(db, clock, discord)  # a new process on the same database
    assert await restarted.start() == START
    await restarted.run()
    assert discord.attempts == 2
    assert list(discord.messages) == [1001]  # the nonce brought the same message back
    [record] = await restarted.records()
    assert (record.state, record.message_id) == (SENT, 1001)


async def test_a_restart_between_record_and_send_sends_it_once_in_due_order(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    first = build(db, clock, discord)
    later, sooner = START + timedelta(minutes=5), START + timedelta(minutes=1)
    await enqueue(
        db,
        first,
        Delivery.channel(5, "second", purpose="test", due_at=later),
        Delivery.channel(5, "first", purpose="test", due_at=sooner),
    )
    wakes: list[datetime] = []
    second = build(db, clock, discord, wakes)  # the first process died before sending anything
    assert await second.start() == sooner
    assert wakes == [sooner]
    clock.move(600)
    await second.run()
    await second.run()
    assert [m[2] for m in discord.messages.values()] == ["first", "second"]


async def test_edit_and_delete_of_a_posted_message(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    await enqueue(db, deliveries, Delivery.channel(5, "card", purpose="test"))
    await deliveries.run()
    [posted] = list(discord.messages)
    await enqueue(db, deliveries, Delivery.edit(5, posted, "removed at the author's request", purpose="test"))
    await deliveries.run()
    assert discord.messages[posted][2] == "removed at the author's request"
    await enqueue(db, deliveries, Delivery.delete(5, posted, purpose="test"))
    await deliveries.run()
    assert discord.messages == {}


async def test_wrong_deliveries_are_refused_before_anything_is_written(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    with pytest.raises(ValueError, match="channel_id"):
        await enqueue(db, deliveries, Delivery("channel", "test", content="x"))
    with pytest.raises(ValueError, match="2000"):
        await enqueue(db, deliveries, Delivery.dm(7, "x" * 2001, purpose="test"))
    assert await states(db) == []


async def test_privacy_delete_erases_pending_messages_but_keeps_clean_up_deletes(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    deliveries = build(db, clock, discord)
    await enqueue(db, deliveries, Delivery.dm(7, "sent already", purpose="test"))
    await deliveries.run()
    later = START + timedelta(hours=1)
    await enqueue(
        db,
        deliveries,
        Delivery.dm(7, "my words", purpose="test", due_at=later),
        Delivery.delete(5, 1001, purpose="test", user_id=7, due_at=later),
        Delivery.dm(8, "someone else", purpose="test", due_at=later),
    )
    subject = Subject(7, Keyring(b"k" * 32))
    privacy = DeliveryPrivacy()
    async with db.read() as session:
        # The pending delete is the clean-up of an erase: not the member's to drop, so not counted.
        assert await described(session, privacy, subject) == ["1 message waiting to be sent"]
    async with db.write() as session:
        await privacy.erase(session, subject, Erasure())
    async with db.read() as session:
        rows = list(await session.scalars(select(DeliveryRecord).order_by(DeliveryRecord.id)))
    assert [(r.kind, r.user_id, r.content) for r in rows] == [
        ("dm", None, None),
        ("delete", None, None),
        ("dm", 8, "someone else"),
    ]


async def test_many_records_in_one_transaction_wake_the_loop_once_at_the_earliest(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)
    soon = START + timedelta(seconds=30)
    await enqueue(
        db,
        deliveries,
        *[
            Delivery.dm(user, f"hello {user}", purpose="test", due_at=START + timedelta(minutes=user))
            for user in range(1, 200)
        ],
        Delivery.dm(999, "first", purpose="test", due_at=soon),
    )
    assert wakes == [soon]
    clock.move(4 * 3600)
    await deliveries.run()
    assert len(discord.messages) == 200
    assert next(iter(discord.messages.values()))[2] == "first"  # due order, not insertion order


async def test_enqueue_many_writes_in_bulk_and_sends_each_once(db: Database) -> None:
    clock, discord, wakes = FakeClock(), FakeDiscord(), []
    deliveries = build(db, clock, discord, wakes)
    async with db.write() as session:
        written = await deliveries.enqueue_many(
            session, [Delivery.dm(user, f"reminder {user}", purpose="test", guild_id=1) for user in range(1, 51)]
        )
        assert await deliveries.enqueue_many(session, []) == 0
    assert written == 50 and wakes == [START]
    await deliveries.run()
    await deliveries.run()
    assert sorted(where for where, _, _ in discord.messages.values()) == sorted(f"dm:{u}" for u in range(1, 51))
    assert await states(db) == [SENT] * 50


# --- several processes on one database (scale-out) ------------------------------------------------------


def guild_on(shard: int, count: int, n: int) -> int:
    """A guild id Discord routes to ``shard`` of ``count``."""
    return ((n * count + shard) << 22) | 12345


class Recorder:
    """One process's view of Discord: what this process sent, through the shared fake Discord."""

    def __init__(self, discord: FakeDiscord) -> None:
        self.discord = discord
        self.sent: list[str | None] = []

    async def send(self, item: Outgoing) -> int | None:
        self.sent.append(item.content)
        return await self.discord.send(item)


def process(db: Database, clock: FakeClock, discord: FakeDiscord, count: int, ids: tuple[int, ...]) -> Recorder:
    recorder = Recorder(discord)
    deliveries = Deliveries(db, clock, rate=0, base_backoff=5, max_backoff=60, plan=ShardPlan(count, ids), batch=7)
    deliveries.attach(recorder, [].append)
    recorder.deliveries = deliveries  # type: ignore[attr-defined]
    return recorder


async def test_each_process_sends_only_its_shards_records_and_dms_go_to_shard_0(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    first, second = process(db, clock, discord, 2, (0,)), process(db, clock, discord, 2, (1,))
    items = [
        Delivery.channel(5, f"s{shard}-{n}", purpose="test", guild_id=guild_on(shard, 2, n))
        for n in range(10)
        for shard in (0, 1)
    ] + [Delivery.dm(9, f"dm-{n}", purpose="test") for n in range(3)]
    await enqueue(db, first.deliveries, *items)  # type: ignore[attr-defined]
    await asyncio.gather(first.deliveries.run(), second.deliveries.run())  # type: ignore[attr-defined]
    assert sorted(first.sent) == sorted([f"s0-{n}" for n in range(10)] + [f"dm-{n}" for n in range(3)])
    assert sorted(second.sent) == sorted(f"s1-{n}" for n in range(10))
    assert await states(db) == [SENT] * 23


async def test_two_processes_on_the_same_shards_never_send_one_record_twice(db: Database) -> None:
    # During a hand-over two processes may serve the same shards: the lease (SKIP LOCKED on PostgreSQL)
    # gives each record to one of them.
    clock, discord = FakeClock(), FakeDiscord()
    one, other = process(db, clock, discord, 2, (0, 1)), process(db, clock, discord, 2, (0, 1))
    other.deliveries.owner = "shards:2:0,1 (replacement)"  # type: ignore[attr-defined]
    items = [Delivery.channel(5, f"m{n}", purpose="test", guild_id=guild_on(n % 2, 2, n)) for n in range(60)]
    await enqueue(db, one.deliveries, *items)  # type: ignore[attr-defined]
    await asyncio.gather(one.deliveries.run(), other.deliveries.run())  # type: ignore[attr-defined]
    assert discord.attempts == 60
    assert sorted(one.sent + other.sent) == sorted(f"m{n}" for n in range(60))
    assert len(discord.messages) == 60


async def test_a_dead_processes_lease_is_taken_by_another_only_after_it_runs_out(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    dying = process(db, clock, discord, 1, (0,))
    await enqueue(db, dying.deliveries, Delivery.channel(5, "hello", purpose="test", guild_id=guild_on(0, 1, 1)))  # type: ignore[attr-defined]
    discord.crash_after_send = True
    with pytest.raises(SystemExit):
        await dying.deliveries.run()  # type: ignore[attr-defined]
    replacement = process(db, clock, discord, 1, (0,))
    replacement.deliveries.owner = "another host"  # type: ignore[attr-defined]
    await replacement.deliveries.run()  # type: ignore[attr-defined]
    assert replacement.sent == []  # still leased by the process that died
    assert await replacement.deliveries.next_due() == START + timedelta(minutes=2)  # type: ignore[attr-defined]
    clock.move(121)
    await replacement.deliveries.run()  # type: ignore[attr-defined]
    assert replacement.sent == ["hello"]
    assert list(discord.messages) == [1001]  # the nonce: Discord hands back the message already sent
    assert await states(db) == [SENT]


async def test_a_restarted_process_takes_its_own_leases_back_at_once(db: Database) -> None:
    clock, discord = FakeClock(), FakeDiscord()
    before = process(db, clock, discord, 4, (2, 3))
    await enqueue(db, before.deliveries, Delivery.channel(5, "x", purpose="test", guild_id=guild_on(3, 4, 1)))  # type: ignore[attr-defined]
    discord.crash_after_send = True
    with pytest.raises(SystemExit):
        await before.deliveries.run()  # type: ignore[attr-defined]
    after = process(db, clock, discord, 4, (2, 3))  # same shard plan: same owner name
    assert await after.deliveries.start() == START  # type: ignore[attr-defined]
    await after.deliveries.run()  # type: ignore[attr-defined]
    assert after.sent == ["x"] and list(discord.messages) == [1001]
    [record] = await after.deliveries.records()  # type: ignore[attr-defined]
    assert (record.state, record.lease_owner, record.lease_until) == (SENT, None, None)


class TimedDiscord(FakeDiscord):
    """Notes the wall-clock moment of every send (the pacer sleeps on the real loop here)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    async def send(self, item: Outgoing) -> int | None:
        self.times.append(time.monotonic())
        return await super().send(item)


def busiest_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, start + 1.0) - i for i, start in enumerate(ordered))


@pytest.mark.postgres
async def test_processes_share_one_request_budget_instead_of_each_taking_the_full_rate(postgres_url: str) -> None:
    from tests.support.postgres import temporary_database

    budget = 60.0  # per second, for every process together
    async with temporary_database(postgres_url) as url:
        clock, discord = Clock(), TimedDiscord()  # real time: the pacer's sleeps are what is measured
        dbs = [Database(url) for _ in range(3)]
        try:
            await migrate(dbs[0])
            processes = []
            for shard, db in enumerate(dbs):
                deliveries = Deliveries(db, clock, plan=ShardPlan(3, (shard,)), batch=200)
                deliveries.pacer = SharedRatePacer(
                    budget, functools.partial(reserve_slots, db.engine, "deliveries"), lambda: clock.now().timestamp()
                )
                deliveries.attach(discord, [].append)
                processes.append(deliveries)
            async with dbs[0].write() as session:
                for n in range(90):
                    processes[0].enqueue(
                        session, Delivery.channel(5, f"m{n}", purpose="test", guild_id=guild_on(n % 3, 3, n))
                    )
            started = time.monotonic()
            await asyncio.wait_for(asyncio.gather(*(p.run() for p in processes)), 30)
            took = time.monotonic() - started
        finally:
            for db in dbs:
                await db.close()
    assert len(discord.messages) == 90
    # Each process alone would have sent its 30 at once (3 × 60/s = 180/s); together they keep to the budget.
    assert busiest_second(discord.times) <= budget + 5  # + one block of slack at the edges
    assert took >= 90 / budget - 0.3


async def test_records_falling_due_while_the_loop_sends_are_not_dropped_by_the_scheduler(db: Database) -> None:
    """Found by bench.scale: a record that fell due while the loop was sending armed the loop's job again
    while it was still running, APScheduler skipped that run ("maximum number of running instances"), and
    the loop then waited for a wake that never came. Real scheduler, wall clock, sends taking 20 ms."""
    clock = Clock()
    scheduler = Scheduler(clock)
    discord = FakeDiscord()

    class SlowDiscord:
        async def send(self, item: Outgoing) -> int | None:
            await asyncio.sleep(0.02)
            return await discord.send(item)

    deliveries = Deliveries(db, clock, rate=0)

    def wake(at: datetime) -> None:
        scheduler.at(DELIVERY_JOB, max(at, clock.now()), deliveries.run, overlap=True)

    deliveries.attach(SlowDiscord(), wake)
    scheduler.start()
    try:
        first = clock.now() + timedelta(seconds=0.3)
        due = [first + timedelta(milliseconds=15 * i) for i in range(30)]
        await enqueue(db, deliveries, *(Delivery.channel(1, "hi", purpose="test", due_at=at) for at in due))
        for _ in range(100):
            if len(discord.messages) == 30:
                break
            await asyncio.sleep(0.1)
    finally:
        scheduler.shutdown()
    assert len(discord.messages) == 30, f"{len(discord.messages)} of 30 sent"
