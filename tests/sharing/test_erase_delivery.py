"""/privacy delete takes a member's anonymous posts off Discord through the delivery record, so the
clean-up survives a restart in the middle of it."""

from __future__ import annotations

import simcord
from sqlalchemy import select

from bot.db.models import DeliveryRecord
from tests.conftest import Harness
from tests.sharing.test_behaviour import posts, setup_group, share


async def test_a_restart_in_the_middle_of_the_erase_clean_up_still_takes_the_post_down(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Alice's words.")
    await share(bob, group.channel, "Bob's words.")
    alice_post = next(m for m in group.channel.history() if m.content == "Alice's words.")

    async def crashed() -> int:  # the process stops before its delivery loop runs
        return 0

    async def no_attempt(ids: object, *, limit: int = 0) -> None:  # nor tries it before answering
        return None

    harness.bot.deliveries.run = crashed  # type: ignore[method-assign]
    harness.bot.deliveries.attempt_now = no_attempt  # type: ignore[method-assign]
    shown = await alice.slash(group.channel, "privacy delete")
    await alice.click(shown.response, label="Yes, erase my data")  # type: ignore[arg-type]
    await env.advance_time(5)
    assert any(m.id == alice_post.id for m in group.channel.history())  # not yet taken down
    async with harness.bot.db.read() as session:
        pending = list(await session.scalars(select(DeliveryRecord)))
    # The clean-up is recorded with no user id and no text: the post was anonymous.
    assert [(r.kind, r.message_id, r.user_id, r.content) for r in pending] == [("delete", alice_post.id, None, None)]

    await harness.restart()
    await env.advance_time(60)  # the erase's clean-ups are the loop's once their grace (30 s) is over
    assert all(m.id != alice_post.id for m in group.channel.history())
    assert [p.content for p in await posts(harness)] == ["Bob's words."]
    assert any(m.content == "Bob's words." for m in group.channel.history())
