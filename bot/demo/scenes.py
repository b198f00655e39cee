"""Moments of the demo that the tour walks through and ``--screenshots`` renders.

Things the personas do off-page (a facilitator starting a round, time moving to a meeting) go through
SimCord's actors under the demo's lock; things the visitor does go through the page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.demo.world import said

if TYPE_CHECKING:
    from bot.demo.runner import Demo

ROUND_TOPIC = "How was your week?"
MEETING_TITLE = "Thursday evening circle"
# The seeded meeting is on Thursday 2026-01-08 at 19:00 London time (UTC in winter); reminders come
# 24 h and 15 min before it, as direct messages.
REMINDER_DUE = datetime(2026, 1, 8, 18, 46, tzinfo=UTC)


async def start_round(demo: Demo) -> str:
    """Fran starts a sharing round in Caregivers; three members join the queue."""
    world = demo.world
    async with demo.lock:
        started = await world.facilitator.slash(
            world.caregivers, "facilitate round start", topic=ROUND_TOPIC, minutes=3
        )
        live = world.caregivers.last_message
        if live is not None and "Sharing round" in live.content:
            for member in world.members[:3]:
                await member.click(live, label="Join queue")
    return said(started)


async def move_to_meeting_reminder(demo: Demo) -> None:
    """Time jumps to just after the 15-minute reminder of the weekly meeting."""
    seconds = (REMINDER_DUE - demo.env.now()).total_seconds()
    if seconds > 0:
        while not await demo.advance(seconds):
            pass
