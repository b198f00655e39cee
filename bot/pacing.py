"""Pacing calls to Discord: a runtime concern any feature that sends in bulk can share."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class RatePacer:
    """Spaces calls to at most ``rate`` per second (Discord allows 50 REST requests/s per bot).

    Shared by the delivery sender, so many reminders together still respect the cap. Each caller
    reserves the next free slot and sleeps until it on its own timer (no lock held while sleeping:
    callers queued on a lock behind a sleeping one are waits SimCord cannot attribute to virtual
    time, and it stalled when two reminders went out in the same instant).
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0  # 0: unpaced (tests)
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self.interval  # reserved before any await: slots never overlap
        if slot > now:
            await asyncio.sleep(slot - now)


class SharedRatePacer:
    """One budget of ``rate`` calls per second shared by every process on one PostgreSQL.

    Discord's limit is per bot, not per process: four processes each pacing at 40/s would send 160/s.
    Each process reserves a block of ``block`` consecutive slots in one row (an atomic upsert), then
    spends them locally at the budget's spacing; the row's next free slot moves past the block, so
    blocks never overlap. Time is the injected clock's (epoch seconds), the same in every process.
    A block costs one database round trip per ``block`` calls; a slot a process reserved but did not
    use is simply lost, which keeps the total under the budget.
    """

    def __init__(self, rate: float, reserve: Reserve, now: Callable[[], float], *, block: int = 5) -> None:
        self.interval = 1.0 / rate
        self.block = block
        self._reserve = reserve
        self._now = now
        self._slots: list[float] = []
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:  # only the reservation is under the lock, never the sleep
            now = self._now()
            self._slots = [slot for slot in self._slots if slot >= now - self.interval]
            if not self._slots:
                start = await self._reserve(now, self.block * self.interval)
                self._slots = [start + i * self.interval for i in range(self.block)]
            slot = self._slots.pop(0)
        if slot > now:
            await asyncio.sleep(slot - now)


# ``reserve(now, span)``: the start of a block of ``span`` seconds no other process holds.
Reserve = Callable[[float, float], Awaitable[float]]
