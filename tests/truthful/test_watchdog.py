"""The watchdog: an interaction whose feature has not answered after ``DEFER_AFTER`` (1 s) is deferred
for it, so a slow Discord never costs the member "The application did not respond".

Commands and forms defer before they write; a button does not (its answer usually comes at once),
so a button whose work then waits on a slow REST call relies on the watchdog alone. Here editing the
round's live message takes 2.4 s. The wait is an ``asyncio.sleep`` in the bot's task: SimCord, with
virtual time not moved, fires the bot's timers on the wall clock in order (a wait in a worker thread
would instead hold every timer back until it ends). So the first response is measured in real
time: within 1.6 s with the watchdog; with it switched off (the control), only after Discord
answered, which is what this test would see if the watchdog were removed.
"""

from __future__ import annotations

import simcord

from tests.conftest import Harness
from tests.rounds.helpers import live_message
from tests.support.faults import discord_slow
from tests.support.groups import make_group

SLOW = 2.4  # seconds Discord takes to edit the round's live message
BUDGET = 1.6  # the watchdog fires at 1.0 s; the rest is headroom for a loaded machine


async def press_join(
    harness: Harness, member: simcord.MemberActor, channel: simcord.ChannelHandle
) -> tuple[simcord.InteractionResult, float]:
    """``member`` presses Join queue while Discord is slow: the result and its first-response time."""
    before = set(harness.times.received)
    with discord_slow(harness.bot, SLOW) as slowed:
        result = await member.click(await live_message(harness, channel), label="Join queue")
    assert slowed == ["PATCH /channels/{channel_id}/messages/{message_id}"], slowed  # the live message
    (key,) = set(harness.times.received) - before
    return result, harness.times.first_response(key)


async def test_a_button_waiting_on_a_slow_discord_is_deferred_by_the_watchdog(harness: Harness) -> None:
    env = harness.env
    guild = env.create_guild()
    fay, bob, cat = (guild.add_member(env.create_user(name)) for name in ("fay", "bob", "cat"))
    group = await make_group(harness, guild, "Caregivers", members=[fay, bob, cat], facilitators=[fay])
    await fay.slash(group.channel, "facilitate round start", topic="How was your week?", minutes=5)

    joined, seconds = await press_join(harness, bob, group.channel)
    assert seconds < BUDGET, f"first response after {seconds:.2f} s"
    # Deferred silently (nothing changes on the message); the feature's own answer follows, privately.
    assert [m.content for m in joined.followups] == ["The stick is yours now: your turn has started."]
    assert all(m.ephemeral for m in joined.followups)
    assert f"<@{bob.id}>" in (await live_message(harness, group.channel)).content

    # The control: without the watchdog the same press waits for Discord.
    harness.bot.defer_after = None
    before = set(harness.times.received)
    _joined, late = await press_join(harness, cat, group.channel)
    assert late > SLOW - 0.1, f"answered after {late:.2f} s without the watchdog: this test would not see it go"
    for key in set(harness.times.received) - before:  # late on purpose: not the harness's budget check
        del harness.times.received[key]
