"""/privacy delete rewrites the public cards that named the member or showed their words: an ended round's
summary (older ones listed who shared) and a meeting card showing their agenda items. Both go through the
durable delivery record, so Discord being busy or the process restarting in between loses nothing."""

from __future__ import annotations

import discord
import simcord

from tests.conftest import Harness
from tests.meetings.test_behaviour import World
from tests.moderation.support import text_of
from tests.rounds.helpers import control, live_message, message_by_id
from tests.rounds.test_behaviour import circle, mentions

ERASE = "Yes, erase my data"
ITEM = "Kestrel-item: talking about the anniversary"


async def ended_round(
    harness: Harness,
) -> tuple[simcord.MemberActor, simcord.MemberActor, simcord.ChannelHandle, discord.Message]:
    """Ann and Bob each share a turn, then the facilitator ends the round."""
    _guild, fay, (ann, bob), group = await circle(harness, harness.env, "ann", "bob")
    channel = group.channel
    await fay.slash(channel, "facilitate round start", topic="Light and shade", minutes=2, present=mentions(ann, bob))
    await harness.env.advance_time(20)
    await ann.click(await live_message(harness, channel), label="Done")
    await harness.env.advance_time(40)
    message = await live_message(harness, channel)
    await bob.click(message, label="Done")
    await control(harness, fay, channel, "End")
    return ann, bob, channel, message_by_id(channel, message.id)


async def test_an_ended_rounds_public_summary_names_nobody(harness: Harness) -> None:
    ann, bob, _channel, final = await ended_round(harness)
    assert "2 turns, 2 people shared" in final.content
    assert "1 min in all, 30 s on average per sharer" in final.content
    assert f"<@{ann.id}>" not in final.content and f"<@{bob.id}>" not in final.content
    assert final.embeds == []


async def test_erasing_rewrites_an_older_summary_that_listed_who_shared(harness: Harness) -> None:
    ann, bob, channel, final = await ended_round(harness)
    # Summaries posted before this release were an embed listing who shared.
    old = discord.Embed(title="Round summary").add_field(name="Shared", value=f"<@{ann.id}>, <@{bob.id}>")
    message = harness.bot.get_partial_messageable(final.channel.id).get_partial_message(final.id)
    await message.edit(embed=old)
    assert message_by_id(channel, final.id).embeds

    asked = await ann.slash(channel, "privacy delete")
    said = text_of(await ann.click(asked.response, label=ERASE))  # type: ignore[arg-type]
    assert "Taken off Discord or rewritten: 1 message." in said

    shown = message_by_id(channel, final.id)
    assert shown.embeds == []
    assert f"<@{ann.id}>" not in shown.content and f"<@{bob.id}>" not in shown.content
    assert "2 turns, 2 people shared" in shown.content  # the counts as they were published
    assert "Sharing round ended: Light and shade" in shown.content


async def test_a_round_they_only_passed_in_is_not_rewritten(harness: Harness) -> None:
    env = harness.env
    _guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    channel = group.channel
    await fay.slash(channel, "facilitate round start", topic="Quiet", minutes=2, present=mentions(ann, bob))
    await ann.click(await live_message(harness, channel), label="Pass")
    await bob.click(await live_message(harness, channel), label="Done")
    await control(harness, fay, channel, "End")
    since = len(env.http_requests)
    asked = await ann.slash(channel, "privacy delete")
    said = text_of(await ann.click(asked.response, label=ERASE))  # type: ignore[arg-type]
    assert "round summary" not in said  # counts only, and she was never listed: nothing to rewrite
    assert not [r for r in env.http_requests[since:] if r.method == "PATCH" and "/channels/" in r.path]


async def test_erasing_refreshes_the_meeting_card_with_their_agenda_items_across_a_restart(harness: Harness) -> None:
    env = harness.env
    world = await World(harness).setup()
    await world.schedule()
    await world.fac.slash(world.group.channel, "facilitate agenda add", meeting="Weekly circle", item=ITEM)
    await world.fac.slash(world.group.channel, "facilitate agenda add", meeting="Weekly circle", item="Open floor")
    card = world.group.channel.last_message
    assert card is not None and ITEM in str(card.embeds[0].to_dict())

    # The erase commits, then the process goes down before any clean-up is sent.
    async def not_now(ids: object, *, limit: int = 0) -> None:
        return None

    async def no_loop() -> int:
        return 0

    harness.bot.deliveries.attempt_now = not_now  # type: ignore[method-assign]
    harness.bot.deliveries.run = no_loop  # type: ignore[method-assign]
    asked = await world.fac.slash(world.group.channel, "privacy delete")
    said = text_of(await world.fac.click(asked.response, label=ERASE))  # type: ignore[arg-type]
    assert "meeting card" in said and "Hearth keeps trying" in said
    assert ITEM in str(message_by_id(world.group.channel, card.id).embeds[0].to_dict())

    await harness.restart()
    await env.advance_time(60)
    refreshed = message_by_id(world.group.channel, card.id).embeds[0].to_dict()
    assert ITEM not in str(refreshed)
    assert "Open floor" not in str(refreshed)  # both items were hers
    assert refreshed["title"] == "Weekly circle"  # the meeting stays for the group
    assert [c.label for row in message_by_id(world.group.channel, card.id).components for c in row.children] == [  # type: ignore[attr-defined]
        "Going",
        "Maybe",
        "Can't",
    ]
