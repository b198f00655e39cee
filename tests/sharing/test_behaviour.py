"""/share end to end through SimCord: what members see, what Discord receives, what the database keeps."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
import simcord
from sqlalchemy import select

from bot.errors import BadInput, NotAllowed, NotFound, RateLimited
from cogs.moderation.models import ModerationConfig
from cogs.sharing.models import AnonymousBlock, AnonymousPost, GroupSharing, SharingConfig
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.support.groups import GroupFixture, make_group


async def setup_group(harness: Harness, env: simcord.Env, **kwargs: Any) -> tuple[Any, GroupFixture, list[Any]]:
    guild = env.create_guild()
    members = [guild.add_member(env.create_user(name)) for name in ("alice", "bob", "carol")]
    group = await make_group(harness, guild, "Caregivers", members=members, **kwargs)
    return guild, group, members


async def share(member: Any, channel: Any, text: str, warning: str = "", **options: Any) -> simcord.InteractionResult:
    shown = await member.slash(channel, "share", **options)
    assert shown.modal is not None, shown
    return await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: warning})


async def posts(harness: Harness) -> list[AnonymousPost]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(AnonymousPost).order_by(AnonymousPost.id)))


def expect_refusal(env: simcord.Env, kind: type[BaseException]) -> None:
    """The bot answered with an expected error: acknowledge it (SimCord fails on unread errors) and check its kind."""
    errors = env.errors
    assert errors, "expected a refusal"
    original = getattr(errors[-1], "original", errors[-1])
    assert isinstance(original, kind), repr(original)


def said(result: simcord.InteractionResult) -> str:
    messages = [m for m in [result.response, *result.followups] if m is not None]
    assert all(m.ephemeral for m in messages), "every reply to an anonymous action is ephemeral"
    return "\n".join(m.content for m in messages)


async def test_share_posts_as_anonymous_member_without_any_trace_of_the_author(
    harness: Harness, env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for name in ("hearth", "cogs", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)
    _guild, group, (alice, *_others) = await setup_group(harness, env)
    first_request = len(env.http_requests)

    result = await share(alice, group.channel, "Today was a long day with my dad.")

    post = group.channel.last_message
    assert post is not None
    assert post.author.id == env.bot.user.id
    assert post.content == "Today was a long day with my dad."
    assert post.embeds[0].title == "Anonymous member"
    assert post.interaction_metadata is None  # not an interaction response: nothing points at alice
    labels = [c.label for row in post.components for c in row.children]  # type: ignore[attr-defined]
    assert labels == ["Reply anonymously", "Report"]
    (row,) = await posts(harness)
    assert row.status == "posted"
    assert row.message_id == post.id
    assert row.code in post.embeds[0].footer.text  # type: ignore[operator]
    text = said(result)
    assert "Delete" in text and "with `mine: True`" in text  # no code to remember
    confirmation = [m for m in (result.response, *result.followups) if m is not None][-1]
    assert "'label': 'Delete'" in str(confirmation.components) or "label='Delete'" in str(confirmation.components)

    needles = {str(alice.id), alice.name}
    for column in AnonymousPost.__table__.columns:
        value = getattr(row, column.key)
        assert not any(n in str(value) for n in needles), column.key
    for request in env.http_requests[first_request:]:
        body = json.dumps(request.json, default=str) if request.json is not None else ""
        assert not any(n in body or n in request.path for n in needles), request.path
    for record in caplog.records:
        assert not any(n in record.getMessage() for n in needles), record.getMessage()
        assert "long day" not in record.getMessage()
    assert all(str(c.id) not in json.dumps(post.components[0].to_dict()) for c in [alice])


async def test_mentions_in_a_share_ping_nobody(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    loud = guild.create_role("Everyone loud", mentionable=True)
    bot_perms = env.backend.compute_permissions(guild.id, env.bot.user.id, group.channel.id)
    assert bot_perms & (1 << 17), "the bot could ping @everyone here, so the test can fail"
    first_request = len(env.http_requests)

    await share(alice, group.channel, f"@everyone @here {loud.mention} {bob.mention} please read")

    post = group.channel.last_message
    assert post is not None
    stored = env.backend.get_message(group.channel.id, post.id)
    assert stored.mention_everyone is False
    assert stored.ping_user_ids == []
    assert stored.ping_role_ids == []
    assert post.content.startswith("@everyone @here")  # rendered as text
    sent = [r for r in env.http_requests[first_request:] if r.method == "POST" and r.path.endswith("/messages")]
    assert sent
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in sent)


async def test_anonymous_replies_keep_stable_labels_and_mark_the_op(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, bob, carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Does anyone else feel guilty taking a break?")
    post = group.channel.last_message
    assert post is not None

    async def reply_as(member: Any, text: str, on: Any = post) -> simcord.InteractionResult:
        shown = await member.click(on, label="Reply anonymously")
        assert shown.modal is not None
        return await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})

    await reply_as(bob, "All the time.")
    await reply_as(alice, "Thank you, that helps.")
    await reply_as(carol, "Me too.")
    (thread,) = group.channel.threads
    await reply_as(bob, "You deserve rest.", on=thread.last_message)

    titles = [m.embeds[0].title for m in thread.history() if m.embeds]
    assert sorted(titles) == sorted(["Anonymous 1", "Anonymous member (OP)", "Anonymous 2", "Anonymous 1"])
    by_text = {m.content: m.embeds[0].title for m in thread.history() if m.embeds}
    assert by_text["All the time."] == by_text["You deserve rest."] == "Anonymous 1"
    assert by_text["Thank you, that helps."] == "Anonymous member (OP)"
    assert by_text["Me too."] == "Anonymous 2"
    assert len(group.channel.threads) == 1
    rows = await posts(harness)
    assert {r.thread_id for r in rows[1:]} == {thread.id}


async def test_author_deletes_own_post_by_code_and_others_are_refused(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Something I regret saying.")
    (row,) = await posts(harness)
    message_id = row.message_id

    denied = await bob.slash(group.channel, "share", delete=row.code.lower())
    text = said(denied)
    assert "Only the person who wrote this post can delete it" in text
    expect_refusal(env, NotAllowed)
    assert "alice" not in text and str(alice.id) not in text
    assert group.channel.last_message is not None and group.channel.last_message.id == message_id

    done = await alice.slash(group.channel, "share", delete=f" {row.code[:8]}-{row.code[8:]} ")
    assert "Deleted your anonymous post" in said(done)
    assert all(m.id != message_id for m in group.channel.history())
    (row,) = await posts(harness)
    assert row.status == "deleted"
    assert row.content == ""

    again = await alice.slash(group.channel, "share", delete=row.code)
    assert "There is no anonymous post with the code" in said(again)
    expect_refusal(env, NotFound)


async def test_unknown_and_malformed_codes_get_clear_messages(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_rest) = await setup_group(harness, env)
    unknown = await alice.slash(group.channel, "share", delete="ABCDEFGHJKLMNPQR")
    assert "There is no anonymous post with the code ABCDEFGHJKLMNPQR" in said(unknown)
    expect_refusal(env, NotFound)
    malformed = await alice.slash(group.channel, "share", delete="123")
    assert "is not a post code" in said(malformed)
    expect_refusal(env, BadInput)


async def held_group(harness: Harness, env: simcord.Env) -> tuple[Any, GroupFixture, list[Any], Any]:
    guild, group, members = await setup_group(harness, env)
    queue = guild.create_text_channel("mod-queue")
    async with harness.bot.db.write() as session:
        session.add(GroupSharing(group_id=group.group_id, shares_need_approval=True))
        session.add(ModerationConfig(guild_id=guild.id, mod_queue_channel_id=queue.id))
    return guild, group, members, queue


async def test_held_post_waits_for_approval_then_publishes_on_the_event(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, *_rest), queue = await held_group(harness, env)
    moderators = guild.create_role("Moderators")
    moderator = guild.add_member(env.create_user("mod"), roles=[moderators])
    async with harness.bot.db.write() as session:
        moderation = await session.get(ModerationConfig, guild.id)
        assert moderation is not None
        moderation.moderator_role_id = moderators.id
    before = len(group.channel.history())

    result = await share(alice, group.channel, "Please hold this one.")

    assert "waiting for review" in said(result)
    assert len(group.channel.history()) == before  # nothing in the channel yet
    (row,) = await posts(harness)
    assert row.status == "held"
    assert row.message_id is None
    from cogs.moderation.models import ModItem

    async with harness.bot.db.read() as session:
        (item,) = list(await session.scalars(select(ModItem)))
    assert (item.kind, item.post_id, item.author_id) == ("held", row.id, None)
    assert item.excerpt == "Please hold this one."

    card = queue.last_message
    assert card is not None
    await moderator.click(card, label="Approve")  # moderation dispatches hearth_share_approved

    post = group.channel.last_message
    assert post is not None and post.content == "Please hold this one."
    assert post.embeds[0].title == "Anonymous member"
    (row,) = await posts(harness)
    assert (row.status, row.message_id) == ("posted", post.id)
    cog = harness.bot.get_cog("Sharing")
    await cog.on_hearth_share_approved(row.id)  # type: ignore[attr-defined]  # a repeat publishes nothing twice
    assert sum(1 for m in group.channel.history() if m.content == "Please hold this one.") == 1


async def test_server_default_holds_posts_when_the_group_did_not_choose(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    async with harness.bot.db.write() as session:
        session.add(SharingConfig(guild_id=guild.id, anonymous_sharing=True, approval_required=True, break_glass=False))
    await share(alice, group.channel, "Held by the server default.")
    (row,) = await posts(harness)
    assert row.status == "held"


async def test_blocked_author_cannot_share_and_is_not_told_who_blocked(harness: Harness, env: simcord.Env) -> None:
    from cogs.sharing import records as api

    guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "First post.")
    async with harness.bot.db.write() as session:
        (row,) = list(await session.scalars(select(AnonymousPost)))
        await api.block_author(session, row, now=harness.clock.now())

    denied = await alice.slash(group.channel, "share")
    assert denied.modal is None
    assert "can't post anonymously in this server" in said(denied)
    expect_refusal(env, NotAllowed)
    shown = await bob.slash(group.channel, "share")  # others are unaffected
    assert shown.modal is not None

    async with harness.bot.db.write() as session:
        assert await api.unblock_by_code(session, guild.id, row.code)
        assert list(await session.scalars(select(AnonymousBlock))) == []
    await share(alice, group.channel, "Back again.")
    assert group.channel.last_message is not None and group.channel.last_message.content == "Back again."


async def test_rate_limit_refuses_with_a_clear_message_until_the_hour_passes(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice, *_rest) = await setup_group(harness, env)
    for n in range(harness.settings.sharing.shares_per_hour):
        await share(alice, group.channel, f"post {n}")

    denied = await alice.slash(group.channel, "share")
    assert denied.modal is None
    text = said(denied)
    assert "limit of 5 anonymous posts an hour" in text and "about 60 minutes" in text
    expect_refusal(env, RateLimited)

    await env.advance_time(3601)
    await share(alice, group.channel, "after the hour")
    assert group.channel.last_message is not None and group.channel.last_message.content == "after the hour"


async def test_safety_keyword_gets_the_author_care_privately_and_no_moderation_flag(
    harness: Harness, env: simcord.Env
) -> None:
    """With care loaded, words of crisis become an offer only the author sees (care's tests follow it
    further); moderators get nothing unless the author asks or the server chose duty-of-care mode."""
    _guild, group, (alice, *_rest) = await setup_group(harness, env)

    result = await share(alice, group.channel, "Some days I want to end my life.")

    text = said(result)
    assert "I'd like someone here to reach out" in str(result.followups[-1].components)
    assert "emergency number" in text
    post = group.channel.last_message
    assert post is not None and "emergency number" not in post.content
    from cogs.moderation.models import ModItem

    async with harness.bot.db.read() as session:
        assert list(await session.scalars(select(ModItem))) == []


async def test_buttons_survive_a_restart(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Before the restart.")
    post = group.channel.last_message
    assert post is not None

    await harness.restart()

    shown = await bob.click(post, label="Reply anonymously")
    assert shown.modal is not None
    await bob.submit_modal(shown, {TEXT_ID: "After the restart.", WARNING_ID: ""})
    (thread,) = group.channel.threads
    assert thread.last_message is not None and thread.last_message.content == "After the restart."


async def test_content_warning_hides_the_post_behind_a_spoiler(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_rest) = await setup_group(harness, env)
    await share(alice, group.channel, "About the funeral.", warning="grief")
    post = group.channel.last_message
    assert post is not None
    assert post.content == "||About the funeral.||"
    assert "**Content warning:** grief" in (post.embeds[0].description or "")


@pytest.mark.parametrize(
    ("text", "warning", "message"),
    [
        ("   ", "", "Your post is empty"),
        ("x" * 1999, "grief", "the limit with a content warning is 1,996"),
    ],
)
async def test_wrong_text_is_refused_and_nothing_is_stored(
    harness: Harness, env: simcord.Env, text: str, warning: str, message: str
) -> None:
    _guild, group, (alice, *_rest) = await setup_group(harness, env)
    before = len(group.channel.history())
    result = await share(alice, group.channel, text, warning=warning)
    assert message in said(result)
    expect_refusal(env, BadInput)
    assert await posts(harness) == []
    assert len(group.channel.history()) == before


async def test_non_member_is_refused_before_the_form(harness: Harness, env: simcord.Env) -> None:
    guild, group, _members = await setup_group(harness, env)
    dave = guild.add_member(env.create_user("dave"))
    result = await dave.slash(group.channel, "share")
    assert result.modal is None
    assert "You're not a member of **Caregivers**" in said(result)
    expect_refusal(env, NotAllowed)


async def test_guidelines_must_be_accepted_first(harness: Harness, env: simcord.Env) -> None:
    from cogs.groups.queries import GuidelinesNotAccepted

    _guild, group, (alice, *_rest) = await setup_group(harness, env, accepted=False)
    result = await alice.slash(group.channel, "share")
    assert result.modal is None
    assert "accept its guidelines" in said(result)
    expect_refusal(env, GuidelinesNotAccepted)


async def test_sharing_turned_off_for_the_server(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    async with harness.bot.db.write() as session:
        session.add(
            SharingConfig(guild_id=guild.id, anonymous_sharing=False, approval_required=False, break_glass=False)
        )
    result = await alice.slash(group.channel, "share")
    assert result.modal is None
    assert "Anonymous sharing is turned off in this server" in said(result)
    expect_refusal(env, NotAllowed)


async def test_rules_are_checked_again_when_the_form_is_sent(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    shown = await alice.slash(group.channel, "share")
    async with harness.bot.db.write() as session:
        session.add(
            SharingConfig(guild_id=guild.id, anonymous_sharing=False, approval_required=False, break_glass=False)
        )
    result = await alice.submit_modal(shown, {TEXT_ID: "typed while it was on", WARNING_ID: ""})
    assert "turned off" in said(result)
    expect_refusal(env, NotAllowed)
    assert await posts(harness) == []


async def test_group_option_autocompletes_my_groups(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    await make_group(harness, guild, "Grief", members=[alice])
    general = guild.create_text_channel("general")
    choices = await alice.autocomplete(general, "share", "group", "gri")
    assert [c["name"] for c in choices] == ["Grief"]
    await share(alice, general, "Posted into the named group.", group="Caregivers")
    assert group.channel.last_message is not None
    assert group.channel.last_message.content == "Posted into the named group."


async def test_report_button_opens_the_report_form(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Something reportable.")
    post = group.channel.last_message
    assert post is not None
    result = await bob.click(post, label="Report")
    assert result.modal is not None


async def test_privacy_export_and_delete_cover_my_posts_only(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Alice's words.")
    await share(bob, group.channel, "Bob's words.")
    alice_post = next(m for m in group.channel.history() if m.content == "Alice's words.")

    exported = await alice.slash(group.channel, "privacy export")
    (file,) = [a for m in [exported.response, *exported.followups] if m is not None for a in m.attachments]
    data = json.loads(await file.read())
    mine = data["data"]["anonymous posts"]["posts"]
    assert [p["text"] for p in mine] == ["Alice's words."]

    shown = await alice.slash(group.channel, "privacy delete")
    await alice.click(shown.response, label="Yes, erase my data")  # type: ignore[arg-type]
    await env.advance_time(5)
    assert [p.content for p in await posts(harness)] == ["Bob's words."]
    assert all(m.id != alice_post.id for m in group.channel.history())


async def test_expired_posts_are_removed_by_retention(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_rest) = await setup_group(harness, env)
    await share(alice, group.channel, "Old news.")
    await share(alice, group.channel, "Recent news.")
    days = harness.settings.retention.anonymous_posts_days
    async with harness.bot.db.write() as session:
        old = await session.scalar(select(AnonymousPost).where(AnonymousPost.content == "Old news."))
        assert old is not None
        old.created_at = harness.clock.now() - timedelta(days=days, minutes=1)
    await env.advance_time(6 * 3600 + 1)  # the next retention pass
    assert [p.content for p in await posts(harness)] == ["Recent news."]
