"""Delivery record benchmark: the cost the durable record adds per message, on SQLite.

Measures, in one run:
- enqueue: 1,000 records written in one transaction, one ORM row each (``enqueue``) and as one bulk
  INSERT (``enqueue_many``, what a meeting tick uses for its reminders)
- loop: 1,000 sent through ``Deliveries.run`` to a sender that returns at once, unpaced,
  so what remains is the record's own work: marked in groups of 20 (the default), then one write each

Discord's 50 requests/s is the real bound (1,000 messages take >= 20 s at 50/s, 25 s at Hearth's 40/s);
this shows how far below that bound the bookkeeping stays.

Run: .venv/bin/python -m bench.delivery
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
from datetime import UTC, datetime

from bot.clock import Clock
from bot.db import Database
from bot.db import migrate as migrations
from bot.delivery import Deliveries, Delivery, Outgoing

N = 1_000


class InstantSender:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, item: Outgoing) -> int | None:
        self.sent += 1
        return 10_000 + item.id


async def main() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        await migrations.upgrade(db)
        deliveries = Deliveries(db, Clock(lambda: now), rate=0)
        sender = InstantSender()
        deliveries.attach(sender, lambda _at: None)

        started = time.perf_counter()
        async with db.write() as session:
            for user in range(N):
                deliveries.enqueue(session, Delivery.dm(user + 1, f"Reminder {user}", purpose="bench"))
        enqueue_s = time.perf_counter() - started

        started = time.perf_counter()
        await deliveries.run()
        run_s = time.perf_counter() - started
        first_sent = sender.sent

        started = time.perf_counter()
        async with db.write() as session:
            await deliveries.enqueue_many(
                session, [Delivery.dm(user + 1, f"Reminder {user}", purpose="bench") for user in range(N)]
            )
        bulk_s = time.perf_counter() - started

        # The same 1,000 sent again, marked one write each (mark_every=1), for comparison.
        one_by_one = Deliveries(db, Clock(lambda: now), rate=0, mark_every=1)
        one_by_one.attach(sender, lambda _at: None)
        started = time.perf_counter()
        await one_by_one.run()
        single_s = time.perf_counter() - started
        await db.close()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"enqueue {N} in one transaction: {enqueue_s * 1000:.0f} ms ({enqueue_s / N * 1e6:.0f} us each)")
    print(f"enqueue_many {N} (one bulk INSERT): {bulk_s * 1000:.0f} ms ({bulk_s / N * 1e6:.0f} us each)")
    print(
        f"send+mark {first_sent} unpaced: {run_s:.2f} s ({run_s / N * 1000:.2f} ms each; "
        f"Discord's 50/s allows one per 20 ms)"
    )
    print(f"send+mark {N} marked one write each: {single_s:.2f} s ({single_s / N * 1000:.2f} ms each)")


if __name__ == "__main__":
    asyncio.run(main())
