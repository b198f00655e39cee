"""Deleting your own anonymous post without a code: Delete on the confirmation, and /share mine:True."""

from __future__ import annotations

import pytest
import simcord

from bot.actor import Actor
from bot.errors import NotAllowed
from cogs.sharing.mine import delete_mine
from tests.conftest import Harness
from tests.sharing.test_behaviour import posts, said, setup_group, share


def messages(result: simcord.InteractionResult) -> list[object]:
    return [m for m in (result.response, *result.followups) if m is not None]


def button_labels(message: object) -> list[str]:
    """Labels of a reply's buttons, whether SimCord recorded it as a response (dicts) or a followup."""
    labels = []
    for row in message.components:  # type: ignore[attr-defined]
        children = row["components"] if isinstance(row, dict) else row.children
        labels += [c["label"] if isinstance(c, dict) else c.label for c in children]
    return labels


def last(result: simcord.InteractionResult) -> object:
    return messages(result)[-1]


async def confirm_delete(member: object, shown: object, label: str = "Delete") -> simcord.InteractionResult:
    asked = await member.click(shown, label=label)  # type: ignore[attr-defined]
    assert asked.ephemeral and "Delete this anonymous post for good?" in said(asked)
    return await member.click(last(asked), label="Yes, delete it")  # type: ignore[attr-defined]


async def test_delete_from_the_confirmation_removes_the_post_after_asking(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_others) = await setup_group(harness, env)
    posted = await share(alice, group.channel, "Something I regret saying.")
    assert group.channel.last_message is not None

    done = await confirm_delete(alice, last(posted))

    assert done.ephemeral and "Deleted your anonymous post" in said(done)
    assert not [m for m in group.channel.history() if m.author.bot and m.embeds]
    (row,) = await posts(harness)
    assert row.status == "deleted" and row.content == ""


async def test_share_mine_lists_only_my_posts_here_privately_and_deletes_one(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "First thing I wanted to say.")
    await share(bob, group.channel, "Bob's words, not Alice's.")
    await share(alice, group.channel, "Second thing on my mind.")
    first_request = len(env.http_requests)

    listed = await alice.slash(group.channel, "share", mine=True)

    text = said(listed)
    assert listed.ephemeral
    assert "First thing I wanted to say." in text and "Second thing on my mind." in text
    assert "Bob's words" not in text
    assert button_labels(last(listed)) == ["Delete 1", "Delete 2"]  # newest first
    for request in env.http_requests[first_request:]:  # nothing about the list went anywhere public
        assert request.path.startswith("/interactions") or request.path.startswith("/webhooks"), request.path

    done = await confirm_delete(alice, last(listed), label="Delete 1")

    assert "Deleted your anonymous post" in said(done)
    remaining = {p.content for p in await posts(harness) if p.status != "deleted"}
    assert remaining == {"First thing I wanted to say.", "Bob's words, not Alice's."}
    again = said(await alice.slash(group.channel, "share", mine=True))
    assert "Second thing" not in again and "First thing" in again
    nothing = said(await _others_list(bob, group))
    assert "Bob's words" in nothing and "First thing" not in nothing


async def _others_list(member: object, group: object) -> simcord.InteractionResult:
    return await member.slash(group.channel, "share", mine=True)  # type: ignore[attr-defined]


async def test_someone_else_pressing_a_delete_button_deletes_nothing(harness: Harness, env: simcord.Env) -> None:
    guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    await share(alice, group.channel, "Mine alone.")
    (row,) = await posts(harness)
    keys = harness.bot.require_keys()

    # Bob forges the click: custom ids carry only the post id, so the clicker's own pseudonym decides.
    with pytest.raises(NotAllowed, match="Only the person who wrote this post can delete it"):
        await delete_mine(harness.bot.db, keys, Actor(guild.id, bob.id, frozenset(), False), row.id)

    (row,) = await posts(harness)
    assert row.status == "posted" and row.content == "Mine alone."


async def test_nothing_to_list_and_deleting_twice_are_answered_kindly(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_others) = await setup_group(harness, env)
    empty = await alice.slash(group.channel, "share", mine=True)
    assert empty.ephemeral and "You have no anonymous posts in this server" in said(empty)

    posted = await share(alice, group.channel, "Short-lived.")
    asked = await alice.click(last(posted), label="Delete")
    await alice.click(last(asked), label="Yes, delete it")
    twice = await alice.click(last(asked), label="Yes, delete it")

    assert "already gone" in said(twice)


async def test_discord_failing_to_remove_the_message_says_what_is_left(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice, *_others) = await setup_group(harness, env)
    posted = await share(alice, group.channel, "Please take this down.")
    message = group.channel.last_message
    assert message is not None
    asked = await alice.click(last(posted), label="Delete")
    env.inject_error("DELETE", f"/channels/{group.channel.id}/messages/{message.id}", status=500, times=1)

    done = await alice.click(last(asked), label="Yes, delete it")

    assert "erased the words of your post from Hearth, but Discord didn't remove the message" in said(done)
    (row,) = await posts(harness)
    assert row.content == ""  # the words are gone from Hearth either way
