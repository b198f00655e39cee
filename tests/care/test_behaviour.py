"""Care through SimCord: a member in distress always reaches a person, privately, and only with consent."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
import simcord
from sqlalchemy import select

from cogs.care import texts
from cogs.care.models import CareCase
from cogs.moderation.models import ModerationConfig, ModItem
from cogs.moderation.views import KIND_ID
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.checkins.test_behaviour import check_in
from tests.conftest import Harness
from tests.moderation.support import REASON as REASON_ID
from tests.moderation.support import private_queue
from tests.support.commands import allow
from tests.support.groups import make_group

CRISIS = "honestly I can't go on like this, I want to die"


async def world(harness: Harness, env: simcord.Env, facilitators: int = 2) -> dict[str, Any]:
    guild = env.create_guild()
    alice = guild.add_member(env.create_user("alice"))
    leads = [guild.add_member(env.create_user(f"lead{i}")) for i in range(facilitators)]
    moderator_role = guild.create_role("Moderators")
    mod = guild.add_member(env.create_user("mod"), roles=[moderator_role])
    queue = private_queue(env, guild, moderator_role)
    allow(env, guild, "mod", moderator_role)  # as the checklist asks admins (Integrations)
    group = await make_group(harness, guild, "Grief Circle", members=[alice], facilitators=leads)
    async with harness.bot.db.write() as session:
        session.add(
            ModerationConfig(guild_id=guild.id, moderator_role_id=moderator_role.id, mod_queue_channel_id=queue.id)
        )
    return {"guild": guild, "alice": alice, "leads": leads, "mod": mod, "queue": queue, "group": group}


def private(result: simcord.InteractionResult) -> Any:
    """The care message that followed the member's own answer (ephemeral, only them)."""
    message = result.followups[-1]
    assert message.ephemeral
    return message


def dms(person: simcord.MemberActor) -> list[discord.Message]:
    return list(person.user.dm_channel.history())


async def cases(harness: Harness) -> list[CareCase]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(CareCase).order_by(CareCase.id)))


async def test_a_keyword_in_a_checkin_reaches_a_person_who_claims_follows_up_and_closes(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, (fay, gus), group = w["alice"], w["leads"], w["group"]
    done = await check_in(alice, group, 2, CRISIS, "me")
    offer = private(done)
    # One warm message: acknowledgement, the emergency number first, choices, and what Hearth does (first time).
    assert offer.content.startswith(texts.ACKNOWLEDGE)
    assert offer.content.index("emergency number") < offer.content.index("findahelpline")
    assert "Why you're seeing this" in offer.content
    assert "config.toml" not in offer.content and "[safety]" not in offer.content
    assert not dms(fay) and not dms(gus)  # nobody is told before she chooses
    asked = await alice.click(offer.message, label="I'd like someone here to reach out")
    assert (
        "I've asked this group's facilitators to reach out to you" in (asked.followups or [asked.response])[-1].content
    )

    card = dms(fay)[-1]
    assert "Grief Circle" in card.content and "Urgent" in card.content
    assert CRISIS not in card.content  # an only-me note never travels with an alert
    claimed = await fay.user.click(card, label="I'll reach out")
    assert "It's yours" in claimed.response.content
    assert "I'll reach out" not in str(dms(gus)[-1].components)  # gus's copy updated: it's taken
    told = dms(alice)[-1].content
    assert "**lead0**" in told and "will reach out to you" in told
    assert f"<@{fay.id}> is reaching out" in dms(gus)[-1].content  # everyone's copy shows who has it

    card = dms(fay)[-1]
    await fay.user.click(card, label="Contact made")
    await env.advance_time(24 * 3600 + 60)
    assert "gentle reminder" in dms(fay)[-1].content
    shown = await fay.user.click(dms(fay)[-1], label="Close")
    assert shown.modal is not None
    await fay.user.submit_modal(shown, {"text": "We talked; she has a plan for tonight."})
    (case,) = await cases(harness)
    assert (case.status, case.owner_id) == ("closed", fay.id)
    assert case.contact_at is not None and case.claimed_at is not None
    assert "marked this as done" in dms(alice)[-1].content


async def test_an_unclaimed_urgent_request_goes_to_the_moderators_and_the_member_gets_helplines_again(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, queue = w["alice"], w["queue"]
    done = await check_in(alice, w["group"], 3, CRISIS)
    await alice.click(private(done).message, label="I'd like someone here to reach out")
    await env.advance_time(9 * 60)
    assert queue.last_message is None
    await env.advance_time(2 * 60)
    posted = queue.last_message
    assert posted is not None and "came to the moderators" in posted.content
    sent = [r for r in env.http_requests if r.method == "POST" and str(w["queue"].id) in r.path][-1]
    assert sent.json["content"].startswith("<@&")  # the moderator role, and only it, is pinged
    assert sent.json["allowed_mentions"]["parse"] == [] and sent.json["allowed_mentions"].get("users") in (None, [])
    assert "nobody here has been free to reach out yet" in dms(alice)[-1].content
    assert "findahelpline" in dms(alice)[-1].content
    claimed = await w["mod"].click(posted, label="I'll reach out")
    assert "It's yours" in claimed.response.content


async def test_the_lowest_mood_offers_gently_and_escalates_after_hours(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice = w["alice"]
    done = await check_in(alice, w["group"], 1, "")
    offer = private(done)
    assert offer.content.startswith(texts.ACKNOWLEDGE_LOW)
    await alice.click(offer.message, label="I'd like someone here to reach out")
    assert "Gentle" in dms(w["leads"][0])[-1].content
    await env.advance_time(60 * 60)
    assert w["queue"].last_message is None  # gentle: not after 10 minutes
    await env.advance_time(5 * 3600 + 60)
    assert w["queue"].last_message is not None


async def test_once_a_day_and_the_members_own_off_switch(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice, group = w["alice"], w["group"]
    first = await check_in(alice, group, 3, CRISIS)
    assert first.followups
    second = await check_in(alice, group, 3, CRISIS)
    assert not second.followups  # at most one automatic message a day
    await env.advance_time(24 * 3600)
    await alice.slash(group.channel, "care off")
    third = await check_in(alice, group, 3, CRISIS)
    assert not third.followups
    asked = await alice.slash(group.channel, "care ask")  # the direct ask always works
    assert "I've asked" in (asked.followups or [asked.response])[-1].content


async def test_im_okay_leaves_nothing_behind(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    done = await check_in(w["alice"], w["group"], 3, CRISIS)
    okay = await w["alice"].click(private(done).message, label="I'm okay, thanks")
    assert "`/care ask`" in okay.response.content
    assert await cases(harness) == []
    assert not dms(w["leads"][0])


async def test_duty_of_care_mode_alerts_without_asking_and_says_so(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    admin = w["guild"].add_member(
        env.create_user("admin"),
        roles=[w["guild"].create_role("Admins", permissions=discord.Permissions(manage_guild=True))],
    )
    saved = await admin.slash(w["group"].channel, "setup", duty_of_care=True)
    assert "Duty-of-care mode is on" in (saved.followups or [saved.response])[-1].content
    done = await check_in(w["alice"], w["group"], 3, CRISIS)
    assert "duty-of-care mode" in private(done).content
    card = dms(w["leads"][0])[-1]
    assert "Grief Circle" in card.content and CRISIS not in card.content


async def test_a_direct_ask_needs_no_keyword(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    asked = await w["alice"].slash(w["group"].channel, "care ask")
    assert "I've asked this group's facilitators" in (asked.followups or [asked.response])[-1].content
    assert "a direct ask" in dms(w["leads"][0])[-1].content


async def test_facilitators_dms_closed_fall_back_to_the_moderator_queue(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env, facilitators=1)
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=5)
    asked = await w["alice"].slash(w["group"].channel, "care ask")
    assert "I've asked the moderators" in (asked.followups or [asked.response])[-1].content
    assert w["queue"].last_message is not None and "a direct ask" in w["queue"].last_message.content


async def test_a_worried_report_reaches_the_moderators_and_nothing_goes_to_that_person(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, bob = w["alice"], w["guild"].add_member(env.create_user("bob"))
    said = await alice.send(w["group"].channel, "I don't think I'll be around much longer")
    # One mechanism: a reason on the Report form, not a menu of its own (Discord allows 5 message menus).
    assert "Worried about them" not in [
        c.name for c in harness.bot.tree.get_commands(type=discord.AppCommandType.message)
    ]
    shown = await bob.context_menu(w["group"].channel, "Report message", said)
    assert shown.modal is not None
    worried = await bob.submit_modal(shown, {KIND_ID: "worried", REASON_ID: ""})
    assert "nothing was sent to them" in (worried.followups or [worried.response])[-1].content
    await env.advance_time(1)
    assert w["queue"].last_message is not None and f"worried about <@{alice.id}>" in w["queue"].last_message.content
    assert not dms(alice)
    (case,) = await cases(harness)
    assert (case.source, case.member_id, case.raised_by) == ("worried", alice.id, bob.id)
    async with harness.bot.db.read() as session:
        assert not list(await session.scalars(select(ModItem)))  # a worry is not a report against them
    mine = await alice.context_menu(w["group"].channel, "Report message", said)
    assert mine.modal is None and "your own message" in mine.response.content
    assert env.errors  # the expected refusal, acknowledged


async def test_a_plain_report_still_needs_a_reason(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice, bob = w["alice"], w["guild"].add_member(env.create_user("bob"))
    said = await alice.send(w["group"].channel, "whatever, you're all fake")
    shown = await bob.context_menu(w["group"].channel, "Report message", said)
    empty = await bob.submit_modal(shown, {REASON_ID: ""})
    assert "Please write a reason" in (empty.followups or [empty.response])[-1].content
    assert env.errors  # the expected refusal, acknowledged
    shown = await bob.context_menu(w["group"].channel, "Report message", said)
    done = await bob.submit_modal(shown, {REASON_ID: "Mocking people", KIND_ID: "report"})
    assert "reached the moderators" in (done.followups or [done.response])[-1].content
    assert await cases(harness) == []


async def test_an_anonymous_author_is_reached_both_ways_without_anyone_learning_who(
    harness: Harness, env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = await world(harness, env)
    caplog.clear()  # the world's own setup rows are not the story
    alice, fay = w["alice"], w["leads"][0]
    shown = await alice.slash(w["group"].channel, "share")
    done = await alice.submit_modal(shown, {TEXT_ID: CRISIS, WARNING_ID: ""})
    offer = private(done)
    await alice.click(offer.message, label="I'd like someone here to reach out")
    card = dms(fay)[-1]
    assert "wrote anonymously" in card.content and f"<@{alice.id}>" not in card.content
    await fay.user.click(card, label="I'll reach out")
    assert "They don't know who you are" in dms(alice)[-1].content
    form = await fay.user.click(dms(fay)[-1], label="Write to them")
    assert form.modal is not None
    await fay.user.submit_modal(form, {"text": "I'm here if you want to talk."})
    relayed = dms(alice)[-1]
    assert "I'm here if you want to talk." in relayed.content
    answer = await alice.user.click(relayed, label="Answer")
    await alice.user.submit_modal(answer, {"text": "thank you, it helps to hear"})
    assert "thank you, it helps to hear" in dms(fay)[-1].content
    assert str(alice.id) not in dms(fay)[-1].content

    (case,) = await cases(harness)
    assert case.member_id is None and case.post_id is not None
    # Hearth's and discord.py's loggers; database drivers' DEBUG output is silenced by the logging policy
    # (bot/logs.py) and scanned by the privacy tests.
    for record in caplog.records:
        if record.name.startswith(("aiosqlite", "sqlalchemy", "asyncpg")):
            continue
        message = record.getMessage()
        assert str(alice.id) not in message and "it helps to hear" not in message
    for request in env.http_requests:
        body = str(request.json or "")
        if "it helps to hear" in body or "want to talk" in body:
            assert str(alice.id) not in body


async def test_the_owner_leaving_puts_the_case_back_for_the_moderators(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    asked = await w["alice"].slash(w["group"].channel, "care ask")
    assert asked.acknowledged
    fay = w["leads"][0]
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    w["guild"].remove_member(fay)
    await env.advance_time(2)
    (case,) = await cases(harness)
    assert case.owner_id is None
    assert w["queue"].last_message is not None and "Not picked up yet" in w["queue"].last_message.content


async def test_region_resources_are_checked_and_offered(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    admin = w["guild"].add_member(
        env.create_user("admin"),
        roles=[w["guild"].create_role("Admins", permissions=discord.Permissions(manage_guild=True))],
    )
    shown = await admin.slash(w["group"].channel, "care-setup resources")
    bad = await admin.submit_modal(shown, {"name": "Germany", "lines": "Call javascript:alert(1)"})
    assert "This link can't be used" in (bad.followups or [bad.response])[-1].content
    assert env.errors  # the expected refusal, acknowledged
    shown = await admin.slash(w["group"].channel, "care-setup resources")
    ok = await admin.submit_modal(
        shown, {"name": "Germany", "lines": "TelefonSeelsorge 0800 111 0 111 https://www.telefonseelsorge.de"}
    )
    assert "Germany" in (ok.followups or [ok.response])[-1].content
    lines = await w["alice"].slash(w["group"].channel, "care helplines")
    assert "TelefonSeelsorge" in (lines.followups or [lines.response])[-1].content


async def test_two_people_claiming_at_once_one_wins_and_the_other_is_told(harness: Harness, env: simcord.Env) -> None:
    import asyncio

    from bot.actor import Actor
    from cogs.care.cog import CareCog

    w = await world(harness, env)
    await w["alice"].slash(w["group"].channel, "care ask")
    cog = harness.bot.get_cog("CareCog")
    assert isinstance(cog, CareCog)
    (case,) = await cases(harness)
    fay, gus = (Actor(w["guild"].id, p.id, frozenset(), False) for p in w["leads"])
    results = await asyncio.gather(
        cog.service.claim(case.id, fay, harness.clock.now()), cog.service.claim(case.id, gus, harness.clock.now())
    )
    assert sorted(won for _case, won in results) == [False, True]
    owners = {c.owner_id for c, _won in results}
    assert len(owners) == 1  # both see the same single owner


async def test_an_owner_who_loses_the_moderator_role_gives_the_case_back(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env, facilitators=0)
    mod, queue, guild = w["mod"], w["queue"], w["guild"]
    await w["alice"].slash(w["group"].channel, "care ask")
    card = queue.last_message
    assert card is not None
    claimed = await mod.click(card, label="I'll reach out")
    assert "It's yours" in claimed.response.content
    (role,) = (r for r in mod.member.roles if r.name == "Moderators")
    env.backend.remove_member_role(guild.id, mod.id, role.id)
    await env.advance_time(2)
    (case,) = await cases(harness)
    assert (case.owner_id, case.status) == (None, "open")
    # The card everyone sees offers the case again, and the moderators got it back at once.
    cards = [m for m in queue.history() if "a direct ask" in m.content]
    assert all(f"<@{mod.id}> is reaching out" not in m.content for m in cards)
    assert any("I'll reach out" in str(m.components) for m in cards)
    # It's no longer theirs to see or take (even where a server still shows them /mod by name).
    allow(env, guild, "mod", mod)
    listed = await mod.slash(w["group"].channel, "mod cases")
    assert "Only facilitators and moderators" in (listed.followups or [listed.response])[-1].content
    assert env.errors  # the expected refusal, acknowledged


async def test_a_queue_others_can_read_gets_care_cards_without_who_or_where(harness: Harness, env: simcord.Env) -> None:
    from simcord.backend.models.channel import Overwrite
    from simcord.enums import OverwriteType

    w = await world(harness, env, facilitators=0)
    queue, alice = w["queue"], w["alice"]
    env.backend.set_overwrite(
        queue.id,
        Overwrite(
            target_id=w["guild"].default_role.id,
            type=OverwriteType.ROLE,
            allow=discord.Permissions(view_channel=True).value,
            deny=0,
        ),
    )
    await env.settle()
    await alice.slash(w["group"].channel, "care ask")
    card = [m for m in queue.history() if "care request" in m.content][-1]
    assert alice.mention not in card.content and "Grief Circle" not in card.content
    assert "`/mod cases`" in card.content
    listed = await w["mod"].slash(w["group"].channel, "mod cases")
    assert "Grief Circle" in (listed.followups or [listed.response])[-1].content  # moderators still see it, privately
    taken = await w["mod"].click(card, label="I'll reach out")
    assert "It's yours" in taken.response.content
    card = next(m for m in queue.history() if m.id == card.id)
    assert alice.mention not in card.content and f"<@{w['mod'].id}> is reaching out" in card.content


def said_all(result: simcord.InteractionResult) -> str:
    return "\n".join(m.content for m in [result.response, *result.followups] if m is not None)


async def test_an_anonymous_author_erasing_their_data_takes_their_care_request_with_it(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, fay, channel = w["alice"], w["leads"][0], w["group"].channel
    bob = w["guild"].add_member(env.create_user("bob"))
    shown = await alice.slash(channel, "share")
    done = await alice.submit_modal(shown, {TEXT_ID: CRISIS, WARNING_ID: ""})
    await alice.click(private(done).message, label="I'd like someone here to reach out")
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    form = await fay.user.click(dms(fay)[-1], label="Write to them")
    await fay.user.submit_modal(form, {"text": "I'm here if you want to talk."})
    (case,) = await cases(harness)
    # The case names no one: only a keyed hash that her own id recomputes.
    assert case.member_id is None and case.seal is not None and str(alice.id) not in str(vars(case))

    assert "1 care request about your anonymous posts" in said_all(await alice.slash(channel, "privacy info"))
    assert "about your anonymous posts" not in said_all(await bob.slash(channel, "privacy info"))
    asked = await alice.slash(channel, "privacy delete")
    await alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]

    assert await cases(harness) == []
    assert "about your anonymous posts" not in said_all(await alice.slash(channel, "privacy info"))
    # The facilitator's card no longer leads anywhere: told kindly, nothing is sent.
    again = await fay.user.click(dms(fay)[-1], label="Write to them")
    assert again.modal is None and "no longer open" in (again.followups or [again.response])[-1].content


async def test_an_escalation_survives_discord_failing_and_a_restart_and_arrives_once(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env, facilitators=1)
    queue, mod = w["queue"], w["mod"]
    await w["alice"].slash(w["group"].channel, "care ask")

    def escalations() -> list[discord.Message]:
        return [m for m in queue.history() if "came to the moderators" in m.content]

    env.inject_error("POST", f"/channels/{queue.id}/messages", status=500, times=1)
    await env.advance_time(10 * 60 + 1)
    assert escalations() == []  # Discord said no: the record keeps it and tries again
    await env.advance_time(60)
    assert len(escalations()) == 1
    await harness.restart()  # the escalation isn't armed again, nor its card re-sent
    await env.advance_time(3600)
    (card,) = escalations()  # exactly once
    assert "nobody here has been free to reach out yet" in dms(w["alice"])[-1].content
    claimed = await mod.click(card, label="I'll reach out")  # its button was rebuilt from the record
    assert "It's yours" in claimed.response.content
    assert f"<@{mod.id}> is reaching out" in next(m for m in queue.history() if m.id == card.id).content


async def test_the_follow_up_reminder_survives_a_restart_and_comes_once(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env, facilitators=1)
    fay = w["leads"][0]
    await w["alice"].slash(w["group"].channel, "care ask")
    await fay.user.click(dms(fay)[-1], label="I'll reach out")
    await fay.user.click(dms(fay)[-1], label="Contact made")
    await harness.restart()
    await env.advance_time(24 * 3600 + 60)
    await harness.restart()
    await env.advance_time(3600)
    reminders = [m for m in dms(fay) if "gentle reminder" in m.content]
    assert len(reminders) == 1
    shown = await fay.user.click(reminders[0], label="Close")
    assert shown.modal is not None


async def test_consent_after_erasing_my_data_is_refused_kindly(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env)
    alice, channel = w["alice"], w["group"].channel
    offer = private(await check_in(alice, w["group"], 2, CRISIS, "me"))
    asked = await alice.slash(channel, "privacy delete")
    await alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    pressed = await alice.click(offer.message, label="I'd like someone here to reach out")
    said = (pressed.followups or [pressed.response])[-1].content
    assert "expired" in said and "/care ask" in said
    assert await cases(harness) == []
    assert not dms(w["leads"][0])  # nobody was alerted about erased data


async def test_a_member_whose_dms_are_closed_is_reached_in_a_private_thread(harness: Harness, env: simcord.Env) -> None:
    w = await world(harness, env, facilitators=1)
    alice, fay, channel = w["alice"], w["leads"][0], w["group"].channel
    await alice.slash(channel, "care ask")
    env.inject_error("POST", f"/channels/{alice.user.dm_channel.id}/messages", status=403, code=50007, times=None)
    claimed = await fay.user.click(dms(fay)[-1], label="I'll reach out")
    assert "opened a private thread for you two" in claimed.followups[-1].content
    (thread,) = channel.threads
    assert thread.name == "A quiet space"
    first = thread.history()[0]
    assert alice.mention in first.content and "**lead0**" in first.content
    assert not any(m.author.id == alice.id for m in thread.history())


async def test_the_operator_sees_open_cases_by_state_and_age_and_nobody_in_them(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice = w["alice"]
    assert (await harness.bot.metrics.read_sources())["care_cases"] == []
    done = await check_in(alice, w["group"], 3, CRISIS)
    await alice.click(private(done).message, label="I'd like someone here to reach out")
    [(state, age)] = (await harness.bot.metrics.read_sources())["care_cases"]
    assert state == "unclaimed" and 0 <= age < 60
    await env.advance_time(11 * 60)  # nobody took it: the moderators were told
    [(state, age)] = (await harness.bot.metrics.read_sources())["care_cases"]
    assert state == "escalated" and age >= 11 * 60
    claimed = await w["mod"].click(w["queue"].last_message, label="I'll reach out")
    assert "It's yours" in claimed.response.content
    assert [s for s, _age in (await harness.bot.metrics.read_sources())["care_cases"]] == ["claimed"]
