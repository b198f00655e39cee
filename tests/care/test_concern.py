"""`/concern` through SimCord: a private two-way conversation with the moderators or facilitators, named or
anonymous, on care's case mechanism (claim, answer, close, reopen), surviving a restart."""

from __future__ import annotations

import logging

import pytest
import simcord
from sqlalchemy import inspect, select, text

from bot.privacy import Subject
from cogs.care.models import CareCase, CareMessage
from cogs.sharing import domain as sharing_domain
from cogs.sharing.models import AnonymousBlock
from tests.care.test_behaviour import dms, world
from tests.conftest import Harness
from tests.support.commands import allow

CONCERN = "Someone in the circle keeps messaging me privately and it scares me"
ANSWER = "Thank you for telling us; we'll speak with them today."
BACK = "thank you, that helps a lot"


def said(result: simcord.InteractionResult) -> str:
    return (result.followups or [result.response])[-1].content


async def raise_concern(member: simcord.MemberActor, channel: simcord.ChannelHandle, **options: object) -> str:
    shown = await member.slash(channel, "concern", **options)
    assert shown.modal is not None
    return said(await member.submit_modal(shown, {"text": CONCERN}))


async def test_a_named_concern_goes_to_the_moderators_is_claimed_answered_closed_and_reopened(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, mod, queue = w["alice"], w["mod"], w["queue"]
    assert "Sent to the moderators" in await raise_concern(alice, w["group"].channel)
    card = queue.last_message
    assert card is not None and "A concern" in card.content and f"<@{alice.id}> raised a concern" in card.content
    assert CONCERN not in card.content  # the words go only to the one who takes it, privately

    claimed = await mod.click(card, label="I'll reach out")
    assert claimed.response.ephemeral and CONCERN in claimed.response.content
    assert "has taken your concern" in dms(alice)[-1].content

    form = await mod.click(queue.last_message, label="Write to them")
    await mod.submit_modal(form, {"text": ANSWER})
    relayed = dms(alice)[-1]
    assert ANSWER in relayed.content and "wrote to you" in relayed.content
    answer = await alice.user.click(relayed, label="Answer")
    await alice.user.submit_modal(answer, {"text": BACK})
    assert BACK in dms(mod)[-1].content

    close = await mod.click(queue.last_message, label="Close")
    await mod.submit_modal(close, {"text": "Spoke with the other member."})
    closed = dms(alice)[-1]
    assert "has been closed" in closed.content
    (case,) = await cases_of(harness)
    assert (case.source, case.status, case.member_id) == ("concern", "closed", alice.id)

    # Replies to a closed concern are refused kindly, and nothing is kept.
    late = await alice.user.click(relayed, label="Answer")
    refused = await alice.user.submit_modal(late, {"text": "one more thing"})
    assert "This concern is closed" in said(refused) and said(refused) and refused.response.ephemeral
    assert "one more thing" not in [m.text for m in await messages(harness)]

    reopened = await alice.user.click(closed, label="Reopen")
    assert "Reopened" in said(reopened)
    (case,) = await cases_of(harness)
    assert (case.status, case.owner_id) == ("claimed", mod.id)
    assert "reopened" in dms(mod)[-1].content


async def test_an_anonymous_concern_reaches_the_facilitators_survives_a_restart_and_leaves_no_trace_of_who(
    harness: Harness, env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = await world(harness, env)
    caplog.clear()
    alice, fay = w["alice"], w["leads"][0]
    before = await rows_naming(harness, alice.id)
    sent = await raise_concern(alice, w["group"].channel, to="facilitators", anonymous=True)
    assert "this group's facilitators" in sent and "won't learn who you are" in sent
    card = dms(fay)[-1]
    assert "anonymously" in card.content and str(alice.id) not in card.content
    claimed = await fay.user.click(card, label="I'll reach out")
    assert CONCERN in claimed.response.content and str(alice.id) not in claimed.response.content
    assert "don't know who you are" in dms(alice)[-1].content

    form = await fay.user.click(dms(fay)[-1], label="Write to them")
    await fay.user.submit_modal(form, {"text": ANSWER})
    relayed = dms(alice)[-1]
    assert ANSWER in relayed.content

    await harness.restart()  # mid-conversation: the buttons and the seal still lead to the right people
    answer = await alice.user.click(relayed, label="Answer")
    await alice.user.submit_modal(answer, {"text": BACK})
    assert BACK in dms(fay)[-1].content and str(alice.id) not in dms(fay)[-1].content

    (case,) = await cases_of(harness)
    assert case.member_id is None and case.post_id is None and case.seal and str(alice.id) not in case.seal
    # Every table: no row that names her was written by the concern (the world's own rows, such as her
    # group membership, were there before).
    assert await rows_naming(harness, alice.id) == before
    for record in caplog.records:
        if record.name.startswith(("aiosqlite", "sqlalchemy", "asyncpg")):
            continue
        message = record.getMessage()
        assert str(alice.id) not in message and CONCERN not in message and BACK not in message
    for request in env.http_requests:
        body = str(request.json or "")
        if CONCERN in body or BACK in body or ANSWER in body:
            assert str(alice.id) not in body


async def test_a_member_whose_messages_are_closed_reads_and_answers_in_the_inbox(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, mod, queue = w["alice"], w["mod"], w["queue"]
    await raise_concern(alice, w["group"].channel, anonymous=True)
    await mod.click(queue.last_message, label="I'll reach out")
    env.inject_error("POST", f"/channels/{alice.user.dm_channel.id}/messages", status=403, code=50007, times=None)
    form = await mod.click(queue.last_message, label="Write to them")
    kept = await mod.submit_modal(form, {"text": ANSWER})
    assert "waiting in their `/concern` inbox" in said(kept)

    inbox = await alice.slash(w["group"].channel, "concern", inbox=True)
    shown = inbox.response
    assert shown.ephemeral and ANSWER in shown.content and CONCERN in shown.content
    answer = await alice.click(shown.message, label="Answer")
    await alice.submit_modal(answer, {"text": BACK})
    assert BACK in dms(mod)[-1].content


async def test_a_member_blocked_from_anonymous_sharing_is_told_before_anything_is_sent(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, queue = w["alice"], w["queue"]
    guild_id = w["guild"].id
    async with harness.bot.db.write() as session:
        session.add(
            AnonymousBlock(
                guild_id=guild_id,
                server_hash=sharing_domain.server_hash(harness.bot.require_keys(), guild_id, alice.id),
                created_at=harness.bot.clock.now(),
                via_code=None,
            )
        )
    told = await alice.slash(w["group"].channel, "concern", anonymous=True)
    assert told.modal is None and told.response.ephemeral
    assert "Anonymous concerns aren't available to you" in told.response.content
    assert "Nothing has been sent" in told.response.content
    assert queue.last_message is None and not await cases_of(harness)
    shown = await alice.click(told.response.message, label="Write it under my name")
    assert shown.modal is not None
    done = await alice.submit_modal(shown, {"text": CONCERN})
    assert "Sent to the moderators" in said(done)
    (case,) = await cases_of(harness)
    assert case.member_id == alice.id and case.seal is None


async def test_concerns_are_rate_limited(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    for _ in range(3):
        assert "Sent to" in await raise_concern(w["alice"], w["group"].channel)
    refused = await raise_concern(w["alice"], w["group"].channel)
    assert "the most Hearth takes at once" in refused and "weren't sent" in refused
    assert len(await cases_of(harness)) == 3


async def cases_of(harness: Harness) -> list[CareCase]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(CareCase).where(CareCase.source == "concern")))


async def messages(harness: Harness) -> list[CareMessage]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(CareMessage)))


async def rows_naming(harness: Harness, user_id: int) -> set[str]:
    """Every row of every table whose text carries this id."""
    found = set()
    async with harness.bot.db.read() as session:
        tables = await session.run_sync(lambda s: inspect(s.get_bind()).get_table_names())
        for table in tables:
            for row in (await session.execute(text(f'SELECT * FROM "{table}"'))).all():  # noqa: S608 - names from the schema
                if str(user_id) in str(row):
                    found.add(f"{table}: {row}")
    return found


async def test_privacy_export_and_erase_find_an_anonymous_concern_by_its_seal(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, lead = w["alice"], w["leads"][0]
    await raise_concern(alice, w["group"].channel, anonymous=True)
    bot = harness.bot
    theirs = await bot.privacy.export(bot.db, Subject(alice.id, bot.require_keys()))
    (request,) = theirs["care requests"]["your_anonymous_concerns"]
    assert request["anonymous"] and request["conversation"][0]["text"] == CONCERN
    others = await bot.privacy.export(bot.db, Subject(lead.id, bot.require_keys()))
    assert not others["care requests"]["your_anonymous_concerns"]  # nobody else's id opens the seal
    await bot.privacy.erase(bot.db, Subject(alice.id, bot.require_keys()))
    assert not await cases_of(harness) and not await messages(harness)


async def test_facilitators_of_no_group_are_refused_before_the_form_opens(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    loner = w["guild"].add_member(env.create_user("loner"))
    told = await loner.slash(w["guild"].create_text_channel("general"), "concern", to="facilitators")
    assert told.modal is None and told.response.ephemeral and told.response.content
    assert not await cases_of(harness)


async def test_a_concern_is_listed_in_mod_queue_and_taken_from_care_cases(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice, mod, channel = w["alice"], w["mod"], w["group"].channel
    await raise_concern(alice, channel, anonymous=True)

    queue = await mod.slash(channel, "mod queue")
    listed = said(queue)
    assert queue.response.ephemeral and "Concerns and care requests" in listed and "A concern" not in listed
    assert "concern" in listed and "`/mod cases`" in listed and CONCERN not in listed
    assert "Nothing waiting" not in listed

    cases = await mod.slash(channel, "mod cases")
    (case,) = await cases_of(harness)
    opened = await mod.select(cases.response, [str(case.id)], custom_id="care:cases:open")
    assert opened.response.ephemeral and "raised a concern anonymously" in said(opened)
    taken = await mod.click(opened.response, label="I'll reach out")
    assert CONCERN in said(taken)
    assert "is reaching out" in said(await mod.slash(channel, "mod queue"))


async def test_care_cases_is_for_facilitators_and_moderators_only(harness: Harness, env: simcord.Env) -> None:
    from bot.audience import Audience, audience_of

    w = await world(harness, env)
    for parent in ("facilitate", "mod"):  # each role's own place for the same list
        command = harness.bot.tree.get_command(parent).get_command("cases")  # type: ignore[union-attr]
        assert audience_of(command) is Audience.HELPERS
    allow(env, w["guild"], "facilitate", w["guild"].default_role)  # shown to everyone: the tree still refuses
    refused = await w["alice"].slash(w["group"].channel, "facilitate cases")
    assert "Only facilitators and moderators" in said(refused)
    assert env.errors  # the expected refusal, acknowledged
    assert "No open care requests" in said(await w["leads"][0].slash(w["group"].channel, "facilitate cases"))
    assert "No open care requests" in said(await w["mod"].slash(w["group"].channel, "mod cases"))
