"""Care's words read as a person in distress would read them: never a promise Hearth didn't keep."""

from __future__ import annotations

import simcord

from cogs.care import texts
from tests.care.test_behaviour import dms
from tests.conftest import Harness
from tests.support.groups import make_group


def said(result: simcord.InteractionResult) -> str:
    return (result.followups or [result.response])[-1].content


async def test_when_nobody_can_be_reached_the_member_is_told_so_honestly_with_the_helplines(harness: Harness) -> None:
    env = harness.env
    guild = env.create_guild()  # no moderator queue on this server
    alice = guild.add_member(env.create_user("alice"))
    fay = guild.add_member(env.create_user("fay"))
    group = await make_group(harness, guild, "Grief Circle", members=[alice], facilitators=[fay])
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=None)  # fay's DMs are closed

    asked = said(await alice.slash(group.channel, "care ask"))

    assert "I couldn't reach anyone here just now" in asked and "I've asked" not in asked
    assert "findahelpline" in asked  # the helplines, right there
    assert not dms(alice)  # one honest answer, not a second message contradicting it
    # What it promises holds: the request waits in the list of the people who help.
    listed = said(await fay.slash(group.channel, "facilitate cases"))
    assert "a direct ask" in listed and "Not picked up yet" in listed


def test_the_words_after_a_handover_and_a_wait_say_it_isnt_the_members_fault() -> None:
    assert "not about you" in texts.HANDED_BACK and "{resources}" in texts.HANDED_BACK
    assert "haven't been forgotten" in texts.NOBODY_FREE and "{resources}" in texts.NOBODY_FREE
