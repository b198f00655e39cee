"""Pacing calls to Discord: a runtime concern any feature that sends in bulk can share."""

from __future__ import annotations

import asyncio


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
