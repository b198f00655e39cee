"""A facilitator or moderator erasing their data (/privacy delete) lets go of the cases they handle: the member
still reaches a person, and no card keeps naming the one who left (issue 11, issue 12)."""

from __future__ import annotations

import simcord

from tests.care.test_behaviour import cases, dms, said_all, world
from tests.conftest import Harness


async def erase(person: simcord.MemberActor, channel: simcord.ChannelHandle) -> str:
    asked = await person.slash(channel, "privacy delete")
    done = await person.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    return said_all(done)


async def test_a_facilitator_who_erases_their_data_hands_the_case_back_and_no_card_names_them(
    db_harness: Harness,
) -> None:
    env = db_harness.env
    w = await world(db_harness, env)
    alice, (fay, gus), channel, queue = w["alice"], w["leads"], w["group"].channel, w["queue"]
    await alice.slash(channel, "care ask")
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    assert f"<@{fay.id}> is reaching out" in dms(gus)[-1].content
    assert "1 care request you took or helped with" in said_all(await fay.slash(channel, "privacy info"))

    said = await erase(fay, channel)
    # Both copies of the card are in the erase's reply: rewritten at once, or (Discord busy) still being tried.
    assert "rewritten: 2 messages" in said or "care request card naming you" in said
    await env.advance_time(60)  # long enough for the delivery record's retry when Discord was busy

    (case,) = await cases(db_harness)
    assert (case.owner_id, case.helper_id, case.status) == (None, None, "open")
    # Every copy of the card: nobody's name on it, and it can be taken again.
    for card in (dms(gus)[-1], dms(fay)[-1]):
        assert f"<@{fay.id}>" not in card.content and "stepped away" in card.content
        assert "I'll reach out" in str(card.components)
    # The member isn't left waiting: the moderators have it now, and she is told kindly what changed.
    escalated = queue.last_message
    assert escalated is not None and "a direct ask" in escalated.content and f"<@{fay.id}>" not in escalated.content
    told = dms(alice)[-1].content
    assert "isn't able to any more" in told and "nobody here has been free" not in told
    # Another facilitator takes it, and the member hears who.
    taken = await gus.user.click(dms(gus)[-1], label="I'll reach out")
    assert "It's yours" in taken.response.content
    assert "**lead1**" in dms(alice)[-1].content
    assert f"<@{fay.id}>" not in str([m.content for m in [*dms(gus), *queue.history()]])
    assert "1 care request you took or helped with" not in said_all(await fay.slash(channel, "privacy info"))


async def test_a_helper_erasing_stays_off_the_case_and_the_owner_keeps_it(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice, (fay, gus), channel = w["alice"], w["leads"], w["group"].channel
    await alice.slash(channel, "care ask")
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    picker = await fay.user.click(dms(fay)[-1], label="Bring someone in")
    await fay.user.select(picker.response, [gus])  # type: ignore[arg-type]
    assert f"With <@{gus.id}>" in dms(fay)[-1].content

    await erase(gus, channel)
    await env.advance_time(2)

    (case,) = await cases(harness)
    assert (case.owner_id, case.helper_id, case.status) == (fay.id, None, "claimed")
    card = dms(fay)[-1]
    assert f"<@{gus.id}>" not in card.content and f"<@{fay.id}> is reaching out" in card.content
    assert "Contact made" in str(card.components)  # still hers to act on
    assert w["queue"].last_message is None  # nothing to escalate: she still has it


async def test_a_closed_case_stops_naming_the_one_who_handled_it(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env, facilitators=1)
    alice, fay, channel = w["alice"], w["leads"][0], w["group"].channel
    await alice.slash(channel, "care ask")
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    shown = await fay.user.click(dms(fay)[-1], label="Close")
    await fay.user.submit_modal(shown, {"text": "We talked."})

    await erase(fay, channel)
    await env.advance_time(2)

    (case,) = await cases(harness)
    assert (case.owner_id, case.status) == (None, "closed")
    assert f"<@{fay.id}>" not in dms(fay)[0].content and "Closed." in dms(fay)[0].content
    assert w["queue"].last_message is None  # a closed case doesn't come back
