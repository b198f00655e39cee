"""/privacy export holds each member's own meeting-reminder choice, with their answer (issue 14)."""

from __future__ import annotations

import json
from typing import Any

import simcord

from tests.conftest import Harness
from tests.meetings.test_behaviour import World
from tests.meetings.test_own_reminders import last


async def exported(member: simcord.MemberActor, channel: simcord.ChannelHandle) -> dict[str, Any]:
    result = await member.slash(channel, "privacy export")
    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    data: dict[str, Any] = json.loads(await message.attachments[0].read())
    return data


async def test_the_export_says_which_reminders_each_member_chose(harness: Harness) -> None:
    world = await World(harness).setup()
    await world.schedule()  # reminders 1 day and 15 minutes before, by default
    meeting = await world.meeting()
    pick = f"meeting:remind:{meeting.id}"
    going = await world.alice.click(world.group.channel.last_message, label="Going")
    await world.alice.select(last(going), ["15"], custom_id=pick)  # type: ignore[arg-type]
    maybe = await world.bob.click(world.group.channel.last_message, label="Maybe")
    await world.bob.select(last(maybe), ["off"], custom_id=pick)  # type: ignore[arg-type]
    await world.fac.click(world.group.channel.last_message, label="Going")  # keeps the meeting's times

    [alice] = (await exported(world.alice, world.group.channel))["data"]["meetings"]["rsvps"]
    assert alice["status"] == "going"
    assert alice["reminders"] == "chosen" and alice["reminder_minutes_before"] == [15]
    [bob] = (await exported(world.bob, world.group.channel))["data"]["meetings"]["rsvps"]
    assert bob["reminders"] == "none" and "reminder_minutes_before" not in bob
    [fac] = (await exported(world.fac, world.group.channel))["data"]["meetings"]["rsvps"]
    assert fac["reminders"] == "the meeting's own reminder times"
