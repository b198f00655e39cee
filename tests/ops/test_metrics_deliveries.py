"""The delivery record's numbers reach the metrics endpoint: what waits, what failed, what was refused."""

from __future__ import annotations

from datetime import timedelta

import simcord

from bot.delivery import Delivery
from tests.conftest import Harness


async def dm(harness: Harness, user_id: int, *, due_in: timedelta | None = None) -> None:
    bot = harness.bot
    due = bot.clock.now() + due_in if due_in else None
    async with bot.db.write() as session:
        bot.deliveries.enqueue(
            session, Delivery.dm(user_id, "Your meeting starts soon.", purpose="ops.test", due_at=due)
        )


async def test_pending_failed_and_refused_deliveries_are_counted_for_a_day(harness: Harness, env: simcord.Env) -> None:
    guild = env.create_guild()
    ada, bo, cy, di = (guild.add_member(env.create_user(name)) for name in ("ada", "bo", "cy", "di"))
    await dm(harness, ada.id)  # sent: not counted
    await env.advance_time(1)
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=1)
    await dm(harness, bo.id)  # DMs closed: refused at once
    await env.advance_time(1)
    env.inject_error("POST", "/users/@me/channels", status=500, times=50)
    await dm(harness, cy.id)  # Discord failing: retried with backoff, then given up
    await env.advance_time(6 * 3600)
    env.backend.faults.clear()
    await dm(harness, di.id, due_in=timedelta(days=2))  # waits for its time
    values = await harness.bot.metrics.read_sources()
    assert values["deliveries"] == {"pending": 1, "failed": 1, "refused": 1}
    assert ada.user.dm_channel is not None and ada.user.dm_channel.last_message is not None
    # A day later the give-ups no longer count (one DM refused last week is no alert today).
    await env.advance_time(25 * 3600)
    values = await harness.bot.metrics.read_sources()
    assert values["deliveries"] == {"pending": 1, "failed": 0, "refused": 0}
