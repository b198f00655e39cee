"""The running bot moves its start-up heap out of the garbage collector's reach once ready (issue 17)."""

from __future__ import annotations

import asyncio
import gc

from bot.__main__ import _freeze_startup_heap


class _NotYetReady:
    def __init__(self) -> None:
        self.ready = asyncio.Event()

    async def wait_until_ready(self) -> None:
        await self.ready.wait()


async def test_the_heap_is_frozen_only_once_the_bot_is_ready() -> None:
    bot = _NotYetReady()
    gc.unfreeze()
    task = asyncio.create_task(_freeze_startup_heap(bot))  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0)
        assert gc.get_freeze_count() == 0  # still starting: nothing frozen yet
        bot.ready.set()
        await task
        assert gc.get_freeze_count() > 0
    finally:
        task.cancel()
        gc.unfreeze()  # the test process builds many bots: let them be collected again
