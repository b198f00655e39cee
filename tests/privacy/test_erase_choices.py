"""/privacy delete as a member meets it: the choice about their anonymous posts' words (remove by
default, or keep them with no link to them), and a reply that says truthfully what Discord let Hearth
remove, what it is still trying, and what a moderator has to take down."""

from __future__ import annotations

import simcord
from sqlalchemy import select

from cogs.sharing.models import AnonymousPost
from tests.conftest import Harness
from tests.moderation.support import Server, items, make_server, report, text_of
from tests.privacy.story import message_with, share

POST = "Tern-post: I finally slept through the night"
KEEP = "Erase, but keep my anonymous posts' words"


async def posts(harness: Harness) -> list[AnonymousPost]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(AnonymousPost).order_by(AnonymousPost.id)))


async def shared(harness: Harness) -> tuple[Server, simcord.ChannelHandle]:
    s = await make_server(harness)
    await share(s.alice, s.channel, POST)
    await report(s.bob, s.channel, message_with(s.channel, POST), "checking on this")
    return s, s.channel


def buttons(result: simcord.InteractionResult) -> list[str]:
    assert result.response is not None
    rows = result.response.components
    return [c.get("label") for row in rows for c in row["components"]]  # type: ignore[index, union-attr]


async def test_by_default_the_words_go_everywhere(harness: Harness) -> None:
    s, channel = await shared(harness)
    asked = await s.alice.slash(s.general, "privacy delete")
    assert asked.ephemeral
    assert buttons(asked) == ["Yes, erase my data", KEEP, "Cancel"]
    assert "removes their words everywhere (the default)" in asked.response.content  # type: ignore[union-attr]
    assert "1 anonymous post" in asked.response.content  # type: ignore[union-attr]

    done = await s.alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    said = text_of(done)
    assert "1 anonymous post" in said and "1 moderator-queue quote of your anonymous posts" in said
    assert "Taken off Discord or rewritten: 2 messages." in said  # the post, and the moderator's card
    assert await posts(harness) == []
    assert all(POST not in m.content for m in channel.history())
    [item] = await items(harness)
    assert POST not in item.excerpt and item.status == "closed"
    assert POST not in s.card().content and "removed at the author's request" in s.card().content


async def test_keeping_the_words_leaves_them_in_place_with_no_link_to_the_member(harness: Harness) -> None:
    s, channel = await shared(harness)
    asked = await s.alice.slash(s.general, "privacy delete")
    done = await s.alice.click(asked.response, label=KEEP)  # type: ignore[arg-type]
    said = text_of(done)
    assert "Kept where they were, as you chose, with no link to you left anywhere:" in said
    assert "• anonymous posts: 1 anonymous post" in said
    assert "Erased everywhere:" in said  # her group membership and the rest still went

    [post] = await posts(harness)
    assert post.content == POST and post.pseudonym.startswith("erased:") and post.author_ciphertext is None
    assert any(m.content == POST for m in channel.history())  # still on Discord, for the group
    assert POST in s.card().content  # and the moderators still see what they are reviewing
    info = text_of(await s.alice.slash(s.general, "privacy info"))
    assert "1 anonymous post" not in info  # nothing of hers is found any more
    refused = await s.alice.slash(channel, "share", delete=post.code)  # nor can she delete it now
    assert refused.ephemeral
    harness.env.errors.clear()


async def test_someone_without_anonymous_posts_is_not_offered_the_choice(harness: Harness) -> None:
    s = await make_server(harness)
    asked = await s.carol.slash(s.general, "privacy delete")
    assert buttons(asked) == ["Yes, erase my data", "Cancel"]
    assert "anonymous posts" not in asked.response.content.lower()  # type: ignore[union-attr]


async def test_a_message_discord_refuses_to_delete_is_named_with_a_link_for_a_moderator(harness: Harness) -> None:
    s, channel = await shared(harness)
    post = message_with(channel, POST)
    harness.env.inject_error("DELETE", f"/channels/{channel.id}/messages/{post.id}", status=403, code=50013, times=None)
    asked = await s.alice.slash(s.general, "privacy delete")
    done = await s.alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    said = text_of(done)
    assert "Discord refused to remove 1 message" in said
    assert "Its text is already gone from Hearth. Ask a server moderator to delete it:" in said
    assert f"• anonymous post: https://discord.com/channels/{s.guild.id}/{channel.id}/{post.id}" in said
    assert "Taken off Discord or rewritten: 1 message." in said  # the card was rewritten all the same
    assert await posts(harness) == []  # nothing of it is kept by Hearth


async def test_a_busy_discord_is_said_and_the_clean_up_carries_on_by_itself(harness: Harness) -> None:
    s, channel = await shared(harness)
    post = message_with(channel, POST)
    harness.env.inject_error("DELETE", f"/channels/{channel.id}/messages/{post.id}", status=500, times=1)
    asked = await s.alice.slash(s.general, "privacy delete")
    done = await s.alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    said = text_of(done)
    assert "Still on Discord for now: 1 message (anonymous post)" in said
    assert "Hearth keeps trying on its own" in said
    assert any(m.id == post.id for m in channel.history())
    await harness.env.advance_time(60)
    assert all(m.id != post.id for m in channel.history())


async def test_a_failure_while_trying_the_clean_up_at_once_never_reads_as_a_failed_erase(harness: Harness) -> None:
    s, channel = await shared(harness)

    async def broken(ids: object, *, limit: int = 0) -> None:
        raise RuntimeError("database went away for a moment")

    harness.bot.deliveries.attempt_now = broken  # type: ignore[method-assign]
    asked = await s.alice.slash(s.general, "privacy delete")
    said = text_of(await s.alice.click(asked.response, label="Yes, erase my data"))  # type: ignore[arg-type]
    assert said.startswith("Done. Erased everywhere:")
    assert "Still on Discord for now: 2 messages" in said  # committed: the loop takes it from here
    assert await posts(harness) == []
    await harness.env.advance_time(60)
    assert all(POST not in m.content for m in channel.history())
