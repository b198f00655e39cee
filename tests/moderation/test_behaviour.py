"""Report message, queue cards and their actions, /mod, through SimCord with the real bot."""

from __future__ import annotations

import json

import discord

from bot.errors import BadInput, Conflict, NotAllowed
from tests.conftest import Harness
from tests.moderation.support import audit, items, labels, make_server, refused, report, reports, text_of
from tests.support.commands import allow


async def test_report_posts_a_card_and_the_reporter_stays_anonymous(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "you are all useless")

    result = await report(s.bob, s.channel, message, "Insulting the group")

    assert result.ephemeral
    assert "reached the moderators" in text_of(result)
    card = s.card()
    assert f"/channels/{s.guild.id}/{s.channel.id}/{message.id}" in card.content
    assert "you are all useless" in card.content
    assert "Insulting the group" in card.content
    assert "Reported by 1 person" in card.content
    assert f"<@{s.alice.id}>" in card.content
    assert str(s.bob.id) not in card.content and "bob" not in card.content
    assert labels(card) == ["Dismiss", "Delete message", "Warn author", "Time out author"]
    [row] = await reports(harness)
    assert row.reporter_key and str(s.bob.id) not in row.reporter_key
    # Nothing the bot sent anywhere carries the reporter's id.
    sent = [json.dumps(r.json) for r in harness.env.http_requests if r.json is not None]
    assert any("Insulting the group" in body for body in sent)  # the card itself was captured
    assert not any(str(s.bob.id) in body or "bob" in body for body in sent)


async def test_second_reporter_bumps_the_count_on_the_same_card(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "spam spam")
    await report(s.bob, s.channel, message, "spam")
    first_card = s.card()

    await report(s.carol, s.channel, message, "more spam")

    assert len(await items(harness)) == 1
    card = s.card()
    assert card.id == first_card.id
    assert "Reported by 2 people" in card.content
    assert "more spam" in card.content


async def test_a_member_cannot_report_the_same_message_twice(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "hm")
    await report(s.bob, s.channel, message)

    again = await s.bob.context_menu(s.channel, "Report message", message)
    refused(harness.env, Conflict)

    assert again.modal is None
    assert again.ephemeral
    assert "already reported this message" in again.response.content
    assert len(await reports(harness)) == 1


async def test_reporting_outside_a_group_channel_is_refused(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.general, "hello")

    result = await s.bob.context_menu(s.general, "Report message", message)

    assert result.modal is None and result.ephemeral
    assert "group's channel" in result.response.content
    # Only care's "I'm worried about this person" applies there (tests/care/test_worried_anywhere.py).
    assert "I'm worried about this person" in str(result.response.components)
    assert await items(harness) == []


async def test_reporting_your_own_message_is_refused(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "mine")

    result = await s.alice.context_menu(s.channel, "Report message", message)
    refused(harness.env, BadInput)

    assert result.modal is None and "your own message" in result.response.content


async def test_a_blank_reason_is_refused_and_nothing_is_stored(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")

    result = await report(s.bob, s.channel, message, "   ")
    refused(harness.env, BadInput)

    assert result.ephemeral and "write a reason" in text_of(result)
    assert await items(harness) == [] and await reports(harness) == []


async def test_without_a_queue_channel_the_reporter_is_pointed_to_mod_queue(harness: Harness) -> None:
    s = await make_server(harness, queue_channel=False)
    message = await s.alice.send(s.channel, "x")

    result = await report(s.bob, s.channel, message)
    listing = await s.maya.slash(s.general, "mod queue")

    assert "</mod queue:" in text_of(result)
    assert "No mod-queue channel is set" in listing.response.content
    assert f"#{(await items(harness))[0].id}" in listing.response.content


async def test_dismiss_closes_the_item_and_is_audited(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    result = await s.maya.click(s.card(), label="Dismiss")

    assert result.ephemeral and "dismissed" in text_of(result)
    card = s.card()
    assert "closed: dismissed" in card.content and labels(card) == []
    [entry] = await audit(harness)
    assert (entry.actor_id, entry.action) == (s.maya.id, "dismiss")
    assert (await items(harness))[0].status == "closed"


async def test_a_non_moderator_pressing_card_buttons_is_refused(harness: Harness) -> None:
    s = await make_server(harness, public_queue=True)  # a misconfigured server: everyone reads the queue
    message = await s.alice.send(s.channel, "you are all idiots")
    await report(s.bob, s.channel, message)
    assert "idiots" not in s.card().content and s.alice.mention not in s.card().content  # nothing leaks there

    for label in ("Dismiss", "Delete message", "Warn author", "Time out author"):
        result = await s.carol.click(s.card(), label=label)
        assert result.ephemeral and result.modal is None
        assert "Only moderators can do that." in text_of(result), label
        refused(harness.env)
    assert (await items(harness))[0].status == "open"
    assert await audit(harness) == []
    assert s.channel.history()[-1].id == message.id  # not deleted


async def test_delete_message_removes_it(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "delete me")
    await report(s.bob, s.channel, message)

    result = await s.maya.click(s.card(), label="Delete message")

    assert "message is deleted" in text_of(result)
    assert all(m.id != message.id for m in s.channel.history())
    assert (await items(harness))[0].resolution == "deleted the message"
    assert [e.action for e in await audit(harness)] == ["delete"]


async def test_delete_without_manage_messages_says_so(harness: Harness) -> None:
    s = await make_server(harness)
    channel = s.guild.create_text_channel(
        "locked", overwrites={harness.bot.user: discord.PermissionOverwrite(manage_messages=False)}
    )
    from tests.support.groups import make_group

    await make_group(harness, s.guild, "Grief", members=[s.alice, s.bob], channel=channel)
    message = await s.alice.send(channel, "x")
    await report(s.bob, channel, message)

    result = await s.maya.click(s.card(), label="Delete message")
    refused(harness.env)

    assert result.ephemeral and "Manage Messages" in text_of(result)
    assert any(m.id == message.id for m in channel.history())
    assert (await items(harness))[0].status == "open" and await audit(harness) == []


async def test_warn_author_dms_them_and_is_audited(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    form = await s.maya.click(s.card(), label="Warn author")
    assert form.modal is not None
    result = await s.maya.submit_modal(form, {"mod:warn:text": "Please keep to guideline 2 @everyone"})

    assert "Warning delivered" in text_of(result)
    dm = s.alice.user.dm_channel.last_message
    assert dm is not None and "guideline 2" in dm.content
    assert "Warn author" in labels(s.card())  # the item stays open for more actions
    assert "warned the author by" in s.card().content
    assert [e.action for e in await audit(harness)] == ["warn"]


async def test_an_empty_warning_is_refused(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    form = await s.maya.click(s.card(), label="Warn author")
    result = await s.maya.submit_modal(form, {"mod:warn:text": "  "})
    refused(harness.env, BadInput)

    assert "write a warning" in text_of(result)
    assert s.alice.user.dm_channel.last_message is None
    assert await audit(harness) == []


async def test_time_out_author_with_a_chosen_length(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    choice = await s.maya.click(s.card(), label="Time out author")
    assert choice.ephemeral
    result = await s.maya.click(choice.response, label="1 hour")

    assert "Timed out" in text_of(result)
    member = harness.env.backend.get_guild(s.guild.id).members[s.alice.id]
    assert member.timed_out_until is not None
    [entry] = await audit(harness)
    assert (entry.action, entry.detail) == ("timeout", "1 hour")


async def test_mod_queue_lists_open_items_oldest_first_with_pages(harness: Harness) -> None:
    s = await make_server(harness)
    for number in range(7):
        message = await s.alice.send(s.channel, f"message {number}")
        await report(s.bob, s.channel, message)
        await harness.env.advance_time(60)
    ids = [item.id for item in await items(harness)]

    first = await s.maya.slash(s.general, "mod queue")
    assert first.ephemeral
    content = first.response.content
    assert "7 open items" in content and "page 1/2" in content
    assert content.index(f"#{ids[0]}") < content.index(f"#{ids[4]}")
    assert f"**#{ids[5]}**" not in content

    second = await s.maya.click(first.response, label="Next")
    assert "page 2/2" in second.response.content and f"**#{ids[6]}**" in second.response.content


async def test_mod_queue_select_opens_a_card_whose_buttons_work(harness: Harness) -> None:
    s = await make_server(harness, queue_channel=False)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)
    [item] = await items(harness)

    listing = await s.maya.slash(s.general, "mod queue")
    opened = await s.maya.select(listing.response, [str(item.id)], custom_id="mod:queue:open")
    assert opened.ephemeral and "Dismiss" in labels(opened.response.message)
    await s.maya.click(opened.response, label="Dismiss")

    assert (await items(harness))[0].status == "closed"


async def test_mod_commands_refuse_non_moderators(harness: Harness) -> None:
    s = await make_server(harness)
    allow(harness.env, s.guild, "mod", s.guild.default_role)  # shown to everyone: the tree still refuses members
    for command, options in (("mod queue", {}), ("mod log", {}), ("mod unblock", {"code": "ABC"})):
        result = await s.bob.slash(s.general, command, **options)
        assert result.ephemeral and "Only moderators" in result.response.content, command
        refused(harness.env, NotAllowed)


async def test_mod_log_filters_by_action_moderator_and_days(harness: Harness) -> None:
    s = await make_server(harness)
    first = await s.alice.send(s.channel, "one")
    await report(s.bob, s.channel, first)
    await s.maya.click(s.card(), label="Dismiss")
    await harness.env.advance_time(3 * 86400)
    second = await s.alice.send(s.channel, "two")
    await report(s.bob, s.channel, second)
    await s.owner.click(s.card(), label="Delete message")

    everything = await s.maya.slash(s.general, "mod log")
    assert "2 entries" in everything.response.content
    assert f"author <@{s.alice.id}>" in everything.response.content
    only_dismiss = await s.maya.slash(s.general, "mod log", action="dismiss")
    assert "1 entry" in only_dismiss.response.content and "**dismissed**" in only_dismiss.response.content
    by_owner = await s.maya.slash(s.general, "mod log", moderator=s.owner)
    assert "1 entry" in by_owner.response.content and "**deleted the message**" in by_owner.response.content
    recent = await s.maya.slash(s.general, "mod log", days=1)
    assert "1 entry" in recent.response.content and "**deleted the message**" in recent.response.content


async def test_mod_log_pages(harness: Harness) -> None:
    s = await make_server(harness)
    for number in range(12):
        message = await s.alice.send(s.channel, f"m{number}")
        await report(s.bob, s.channel, message)
        await s.maya.click(s.card(), label="Dismiss")

    log = await s.maya.slash(s.general, "mod log")
    assert "page 1/2" in log.response.content
    following = await s.maya.click(log.response, label="Next")
    assert "page 2/2" in following.response.content
    assert following.response.content.count("**dismissed**") == 2


async def test_open_card_buttons_still_work_after_a_restart(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    await harness.restart()
    result = await s.maya.click(s.card(), label="Dismiss")

    assert "dismissed" in text_of(result)
    assert (await items(harness))[0].status == "closed"


async def test_a_reporter_is_not_linked_in_privacy_export(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)

    info = await s.alice.slash(s.general, "privacy info")
    assert "1 moderation item about messages you wrote" in info.response.content
    bob_info = await s.bob.slash(s.general, "privacy info")
    why = await s.bob.select(bob_info.response, ["moderation records"], custom_id="privacy:info")  # the why
    assert "Reports you made are never linked to you" in why.response.content


async def test_timeout_button_on_a_closed_item_is_refused(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "x")
    await report(s.bob, s.channel, message)
    choice = await s.maya.click(s.card(), label="Time out author")
    await s.maya.click(s.card(), label="Dismiss")

    late = await s.maya.click(choice.response, label="1 day")
    refused(harness.env)

    assert "already closed" in text_of(late)
    assert harness.env.backend.get_guild(s.guild.id).members[s.alice.id].timed_out_until is None
