"""Moderating anonymous posts (made through the real /share): the moderator never learns the author."""

from __future__ import annotations

import re

import discord
import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.moderation.cog import ModerationCog
from cogs.sharing.models import AnonymousBlock, AnonymousPost
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.moderation.support import REASON, Server, audit, items, labels, make_server, refused, report, text_of


async def share(s: Server, text: str = "I can't cope with my mother any more") -> None:
    shown = await s.alice.slash(s.channel, "share")
    assert shown.modal is not None
    await s.alice.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


async def post_row(harness: Harness) -> AnonymousPost:
    async with harness.bot.db.read() as session:
        post = await session.scalar(select(AnonymousPost).order_by(AnonymousPost.id.desc()))
    assert post is not None
    return post


async def shared_and_reported(harness: Harness, s: Server) -> tuple[discord.Message, AnonymousPost]:
    await share(s)
    post = await post_row(harness)
    message = s.channel.last_message
    assert message is not None and message.id == post.message_id
    shown = await s.bob.click(message, label="Report")
    assert shown.modal is not None, "the post's Report button opens moderation's reason form"
    done = await s.bob.submit_modal(shown, {REASON: "This sounds like a crisis"})
    assert "reached the moderators" in text_of(done)
    return message, post


def moderation(harness: Harness) -> ModerationCog:
    cog = harness.bot.get_cog("ModerationCog")
    assert isinstance(cog, ModerationCog)
    return cog


def assert_no_author(s: Server, text: str) -> None:
    assert str(s.alice.id) not in text and "alice" not in text.lower()


async def test_reporting_an_anonymous_post_shows_no_author_and_offers_block_not_timeout(harness: Harness) -> None:
    s = await make_server(harness)
    _message, post = await shared_and_reported(harness, s)

    card = s.card()
    assert f"anonymous post `{post.code}`" in card.content
    assert "This sounds like a crisis" in card.content and "can't cope" in card.content
    assert_no_author(s, card.content)
    assert labels(card) == ["Dismiss", "Delete message", "Warn author", "Block from anonymous sharing"]
    [item] = await items(harness)
    assert item.author_id is None and item.post_id == post.id


async def test_context_menu_on_an_anonymous_post_counts_on_the_same_item(harness: Harness) -> None:
    s = await make_server(harness)
    message, _post = await shared_and_reported(harness, s)

    await report(s.carol, s.channel, message, "worried")
    again = await s.bob.context_menu(s.channel, "Report message", message)
    refused(harness.env, Conflict)

    assert "already reported" in again.response.content
    [item] = await items(harness)
    assert item.report_count == 2 and "Reported by 2 people" in s.card().content


async def test_warning_an_anonymous_author_reaches_them_without_telling_the_moderator(harness: Harness) -> None:
    s = await make_server(harness)
    await shared_and_reported(harness, s)

    form = await s.maya.click(s.card(), label="Warn author")
    done = await s.maya.submit_modal(form, {"mod:warn:text": "Please add a content warning next time"})

    assert "Warning delivered" in text_of(done)
    assert_no_author(s, text_of(done))
    dm = s.alice.user.dm_channel.last_message
    assert dm is not None and "content warning next time" in dm.content
    [entry] = await audit(harness)
    assert entry.action == "warn" and entry.target.startswith("anonymous post ")
    assert_no_author(s, entry.target + entry.detail)
    log = await s.maya.slash(s.general, "mod log")
    assert_no_author(s, log.response.content)


async def test_time_out_is_refused_for_anonymous_posts(harness: Harness) -> None:
    s = await make_server(harness)
    await shared_and_reported(harness, s)
    [item] = await items(harness)
    # The card offers no time-out; a stale or forged press is refused on the server, pointing to Block.
    actor = Actor(guild_id=s.guild.id, user_id=s.maya.id, role_ids=frozenset(), is_admin=True)
    with pytest.raises(BadInput, match="Block from anonymous sharing"):
        await moderation(harness).service.check(actor, item.id, "timeout")
    with pytest.raises(BadInput, match="Block from anonymous sharing"):
        await moderation(harness).service.timed_out(actor, item.id, 60)
    assert await audit(harness) == []


async def test_block_then_unblock_by_code(harness: Harness) -> None:
    s = await make_server(harness)
    _message, post = await shared_and_reported(harness, s)

    blocked = await s.maya.click(s.card(), label="Block from anonymous sharing")
    assert re.search(rf"</mod unblock:\d+> `{post.code}`", text_of(blocked))
    assert_no_author(s, text_of(blocked))
    async with harness.bot.db.read() as session:
        assert len(list(await session.scalars(select(AnonymousBlock)))) == 1
    shown = await s.alice.slash(s.channel, "share")
    if shown.modal is not None:  # sharing may refuse at the command or at submit
        shown = await s.alice.submit_modal(shown, {TEXT_ID: "again", WARNING_ID: ""})
    harness.env.errors  # noqa: B018 - acknowledge the refusal
    assert "can't post anonymously" in text_of(shown)

    unblocked = await s.maya.slash(s.general, "mod unblock", code=post.code)
    assert "can share anonymously again" in unblocked.response.content
    twice = await s.maya.slash(s.general, "mod unblock", code=post.code)
    refused(harness.env, Conflict)
    assert "isn't blocked" in twice.response.content
    unknown = await s.maya.slash(s.general, "mod unblock", code="NOSUCHCODE")
    refused(harness.env, NotFound)
    assert "No anonymous post here has the code" in unknown.response.content
    assert [e.action for e in await audit(harness)] == ["block", "unblock"]
    await share(s, "I'm back")
    assert "I'm back" in s.channel.last_message.content  # type: ignore[union-attr]


async def test_delete_an_anonymous_post(harness: Harness) -> None:
    s = await make_server(harness)
    message, _post = await shared_and_reported(harness, s)

    done = await s.maya.click(s.card(), label="Delete message")

    assert "message is deleted" in text_of(done)
    assert all(m.id != message.id for m in s.channel.history())
    assert (await post_row(harness)).status == "deleted"


async def test_held_post_approve_publishes_it(harness: Harness) -> None:
    s = await make_server(harness, approval=True)
    before = len(s.channel.history())
    await share(s, "please let this through")
    card = s.card()
    assert "awaiting approval" in card.content and "please let this through" in card.content
    assert labels(card) == ["Approve", "Reject", "Block from anonymous sharing"]
    assert len(s.channel.history()) == before

    done = await s.maya.click(card, label="Approve")

    assert "Approved" in text_of(done)
    assert "please let this through" in s.channel.last_message.content  # type: ignore[union-attr]
    assert (await post_row(harness)).status == "posted"
    assert "closed: approved" in s.card().content and labels(s.card()) == []
    assert [e.action for e in await audit(harness)] == ["approve"]


async def test_held_post_reject_tells_the_author_why(harness: Harness) -> None:
    s = await make_server(harness, approval=True)
    before = len(s.channel.history())
    await share(s, "something off-topic")

    form = await s.maya.click(s.card(), label="Reject")
    assert form.modal is not None
    empty = await s.maya.submit_modal(form, {"mod:reject:text": " "})
    refused(harness.env)
    assert "write a reason" in text_of(empty)
    assert (await post_row(harness)).status == "held"
    form = await s.maya.click(s.card(), label="Reject")
    done = await s.maya.submit_modal(form, {"mod:reject:text": "Off-topic for this group"})

    assert "told why" in text_of(done)
    dm = s.alice.user.dm_channel.last_message
    assert dm is not None and "Off-topic for this group" in dm.content
    assert (await post_row(harness)).status == "rejected"
    assert len(s.channel.history()) == before
    [entry] = await audit(harness)
    assert entry.action == "reject" and "Off-topic" in entry.detail


async def test_reveal_is_absent_unless_break_glass(harness: Harness) -> None:
    s = await make_server(harness)
    await shared_and_reported(harness, s)
    assert "Reveal author" not in labels(s.card())


async def test_reveal_author_owner_only_confirmed_and_audited(harness: Harness) -> None:
    s = await make_server(harness, break_glass=True)
    _message, post = await shared_and_reported(harness, s)
    assert "Reveal author" in labels(s.card())

    by_moderator = await s.maya.click(s.card(), label="Reveal author")
    assert "Only the server owner" in text_of(by_moderator)
    assert await audit(harness) == []

    asked = await s.owner.click(s.card(), label="Reveal author")
    assert asked.ephemeral and "audit log" in asked.response.content
    assert await audit(harness) == []  # nothing revealed before confirming
    shown = await s.owner.click(asked.response, label="Yes, reveal the author")

    assert shown.ephemeral or all(f.ephemeral for f in shown.followups)
    assert f"<@{s.alice.id}>" in text_of(shown)
    [entry] = await audit(harness)
    assert (entry.action, entry.actor_id) == ("reveal", s.owner.id)
    assert entry.target == f"anonymous post {post.code}"
    assert_no_author(s, entry.target + entry.detail + s.card().content)


async def test_a_moderator_cannot_confirm_a_reveal_either(harness: Harness) -> None:
    s = await make_server(harness, break_glass=True)
    await shared_and_reported(harness, s)
    [item] = await items(harness)
    # The owner's confirmation is ephemeral; a moderator could only forge the press. The service refuses it.
    actor = Actor(guild_id=s.guild.id, user_id=s.maya.id, role_ids=frozenset(), is_admin=True)
    with pytest.raises(NotAllowed):
        await moderation(harness).service.reveal(actor, item.id, is_owner=False)
    assert await audit(harness) == []
