"""Worries ("I'm worried about this person") work on any message in the server, not only in group channels: a case for
the moderators, never anything to the person concerned; still refused about a bot or oneself (issue 11)."""

from __future__ import annotations

from sqlalchemy import select

from cogs.care import texts
from cogs.moderation.models import ModItem
from tests.care.test_behaviour import cases, dms, world
from tests.conftest import Harness


def answer(result: object) -> str:
    said = [m.content for m in [getattr(result, "response", None), *getattr(result, "followups", [])] if m]
    return said[-1] if said else ""


async def test_a_worry_about_a_message_outside_the_groups_reaches_the_moderators_and_nothing_goes_to_them(
    db_harness: Harness,
) -> None:
    env = db_harness.env
    w = await world(db_harness, env)
    alice, queue = w["alice"], w["queue"]
    bob = w["guild"].add_member(env.create_user("bob"))
    lounge = w["guild"].create_text_channel("lounge")  # no group's channel
    said = await alice.send(lounge, "I don't think I'll be around much longer")

    shown = await bob.context_menu(lounge, "Report message", said)
    assert shown.modal is None and shown.response is not None and shown.response.ephemeral
    assert "nothing is sent to them" in shown.response.content
    assert await cases(db_harness) == []  # nothing happens until bob chooses

    done = await bob.click(shown.response, label=texts.WORRIED_BUTTON)
    assert "I've let the moderators know" in answer(done)
    await env.advance_time(1)

    (case,) = await cases(db_harness)
    assert (case.source, case.member_id, case.raised_by, case.status) == ("worried", alice.id, bob.id, "open")
    card = queue.last_message
    assert card is not None and f"worried about <@{alice.id}>" in card.content
    assert "I'll reach out" in str(card.components)
    assert not dms(alice)  # she asked for nothing: nothing automatic reaches her
    async with db_harness.bot.db.read() as session:
        assert not list(await session.scalars(select(ModItem)))  # and no report against her

    # Asking again about the same person is the same case, not a second alarm.
    again = await bob.context_menu(lounge, "Report message", said)
    await bob.click(again.response, label=texts.WORRIED_BUTTON)  # type: ignore[arg-type]
    assert len(await cases(db_harness)) == 1


async def test_outside_the_groups_a_worry_about_oneself_or_a_bot_is_refused_kindly(harness: Harness) -> None:
    env = harness.env
    w = await world(harness, env)
    alice = w["alice"]
    lounge = w["guild"].create_text_channel("lounge")
    mine = await alice.send(lounge, "rough week")
    refused = await alice.context_menu(lounge, "Report message", mine)
    assert refused.modal is None and "your own message" in answer(refused) and "/care ask" in answer(refused)
    # A message from a bot (Hearth's own welcome, say): nobody to check on.
    posted = await harness.bot.get_partial_messageable(lounge.id).send("Welcome!")
    from_bot = next(m for m in lounge.history() if m.id == posted.id)
    refused = await alice.context_menu(lounge, "Report message", from_bot)
    assert refused.modal is None and "written by a bot" in answer(refused)
    assert await cases(harness) == []
    assert env.errors  # the expected refusals, acknowledged


async def test_in_a_group_channel_the_report_form_keeps_both_reasons(harness: Harness) -> None:
    env = harness.env
    w = await world(harness, env)
    bob = w["guild"].add_member(env.create_user("bob"))
    said = await w["alice"].send(w["group"].channel, "whatever")
    shown = await bob.context_menu(w["group"].channel, "Report message", said)
    assert shown.modal is not None  # the form with its two reasons, as before
