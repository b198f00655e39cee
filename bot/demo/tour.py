"""``python -m bot demo --tour``: narrated steps in the terminal, each pointing at a place in the lobby.

Press Enter for the next step. Some steps first make something happen (a facilitator starts a round, time
jumps to a meeting's reminder). Without a terminal on stdin the steps are printed one after another.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.demo import scenes

if TYPE_CHECKING:
    from bot.demo.runner import Demo


@dataclass(frozen=True)
class Step:
    title: str
    place: str
    text: str
    before: Callable[[Demo], Awaitable[object]] | None = None


STEPS = (
    Step(
        "A check-in",
        "caregivers",
        "You are Alex (see 'Viewing as' at the top). Type /checkin now, pick how you feel, add a note if you "
        "like, choose who may see it and press Submit. Choose 'My group' and your card appears for everyone in "
        "the group; switch 'Viewing as' to Sam to see it as Sam does. Choose 'Only me' and nobody else ever sees "
        "it, facilitators included.",
    ),
    Step(
        "A sharing round",
        "caregivers",
        f"Fran, the facilitator, just started a talking-stick round ('{scenes.ROUND_TOPIC}', 3 minutes a turn) "
        "and Alex, Sam and Jo joined the queue. As Riley press Join queue; as Fran try Next, +1 min or Pause. "
        "Time moves on its own: the holder is warned before the turn ends, then the stick moves on. "
        "In the lobby, '+15 minutes' plays the round out.",
        scenes.start_round,
    ),
    Step(
        "An anonymous post",
        "caregivers",
        "As Sam, type /share and write something: it appears as 'Anonymous member', with no name attached "
        "anywhere, moderators included. As Jo, press 'Reply anonymously' under a post: replies gather in a "
        "thread, and each person keeps the same anonymous label within it.",
    ),
    Step(
        "Moderation",
        "mod-queue",
        "Only moderators and admins see this channel. Alex's report of Riley's message waits here, without "
        "Alex's name. As Mo (moderator), press Warn author, Time out author, Delete message or Dismiss; "
        "every action lands in the audit log (/mod log).",
    ),
    Step(
        "A meeting reminder",
        "dm:Alex",
        f"Time jumped to Thursday evening. Alex said Going to '{scenes.MEETING_TITLE}', so Hearth sent a "
        "reminder a day before and another 15 minutes before, as direct messages. Back in #caregivers the "
        "card shows who is coming; the Discord event starts with the meeting.",
        scenes.move_to_meeting_reminder,
    ),
    Step(
        "Your data",
        "caregivers",
        "As any member: /privacy info says what Hearth stores about you and why, /privacy export gives you a "
        "file of it, and /privacy delete erases it everywhere, including messages Hearth posted for you.",
    ),
)


async def next_line(stopping: asyncio.Event) -> None:
    """Wait for Enter on a terminal (or for the demo to stop); return at once without a terminal."""
    if not sys.stdin or not sys.stdin.isatty():
        return
    loop = asyncio.get_running_loop()
    pressed = asyncio.Event()

    def read() -> None:
        sys.stdin.readline()
        pressed.set()

    loop.add_reader(sys.stdin.fileno(), read)
    try:
        waiters = {asyncio.create_task(pressed.wait()), asyncio.create_task(stopping.wait())}
        _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    finally:
        loop.remove_reader(sys.stdin.fileno())


async def run_tour(demo: Demo, stopping: asyncio.Event) -> None:
    for number, step in enumerate(STEPS, 1):
        if stopping.is_set():
            return
        if step.before is not None:
            await step.before(demo)
        place = demo.find(step.place)
        where = f"{demo.lobby_url}open/{place.key}  ({place.label} in the lobby)" if place else demo.lobby_url
        print(f"\n[{number}/{len(STEPS)}] {step.title}", flush=True)
        print(textwrap.fill(step.text, width=100, initial_indent="  ", subsequent_indent="  "), flush=True)
        print(f"  Open: {where}", flush=True)
        if number < len(STEPS):
            if sys.stdin and sys.stdin.isatty():
                print("  Press Enter for the next step.", flush=True)
            await next_line(stopping)
    print("\nThat's the tour. Keep exploring from the lobby; Ctrl-C stops the demo and deletes its data.", flush=True)
