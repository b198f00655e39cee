"""/privacy delete as a member meets it: the keep choices (their anonymous posts' words, their resources:
removed by default, or kept for the group with no link to them), and a reply that says truthfully what
Discord let Hearth remove, what it is still trying, and what a moderator has to take down. Every test runs
on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import simcord
from sqlalchemy import select

from cogs.resources.models import Resource
from cogs.sharing.models import AnonymousPost
from tests.conftest import Harness
from tests.moderation.support import Server, items, make_server, report, text_of
from tests.privacy.story import message_with, share

POST = "Tern-post: I finally slept through the night"
WORDS = "anonymous_text"  # the menu's values (KeepChoice keys)
RESOURCES = "resources_without_author"
ERASE = "Yes, erase my data"


@pytest.fixture
def harness(db_harness: Harness) -> Harness:
    """These choices touch every table: run them on both databases."""
    return db_harness


async def posts(harness: Harness) -> list[AnonymousPost]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(AnonymousPost).order_by(AnonymousPost.id)))


async def shared(harness: Harness) -> tuple[Server, simcord.ChannelHandle]:
    s = await make_server(harness)
    await share(s.alice, s.channel, POST)
    await report(s.bob, s.channel, message_with(s.channel, POST), "checking on this")
    return s, s.channel


def components(result: simcord.InteractionResult) -> list[dict]:  # type: ignore[type-arg]
    assert result.response is not None
    rows = result.response.components
    return [c for row in rows for c in row["components"]]  # type: ignore[index, misc]


def buttons(result: simcord.InteractionResult) -> list[str]:
    return [c["label"] for c in components(result) if c.get("type") == 2]


def menu(result: simcord.InteractionResult) -> list[str]:
    """The keep menu's options, as the member reads them (empty when nothing is offered)."""
    return [o["label"] for c in components(result) if c.get("type") == 3 for o in c["options"]]


async def erase(member: simcord.MemberActor, where: simcord.ChannelHandle, keep: Sequence[str] = ()) -> str:
    """/privacy delete, pick ``keep`` in the menu (if anything), then confirm; returns the answer."""
    asked = await member.slash(where, "privacy delete")
    assert asked.ephemeral and asked.response is not None
    if keep:
        picked = await member.select(asked.response, list(keep), custom_id="privacy:keep")
        assert picked.response is not None
    return text_of(await member.click(asked.response, label=ERASE))


async def test_by_default_the_words_go_everywhere(harness: Harness) -> None:
    s, channel = await shared(harness)
    asked = await s.alice.slash(s.general, "privacy delete")
    assert asked.ephemeral
    assert buttons(asked) == ["Yes, erase my data", "Cancel"]
    assert menu(asked) == ["Keep my anonymous posts' words"]  # she has no resources: not offered
    assert "**Your anonymous posts**: removed everywhere by default." in asked.response.content  # type: ignore[union-attr]
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
    said = await erase(s.alice, s.general, keep=[WORDS])
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
    assert menu(asked) == []
    assert "anonymous posts" not in asked.response.content.lower()  # type: ignore[union-attr]
    assert "resources" not in asked.response.content.lower()  # type: ignore[union-attr]


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


# --- resources: "keep without author" through the same menu ---------------------------------------------


async def library(harness: Harness) -> list[Resource]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(Resource).order_by(Resource.id)))


async def test_resources_are_removed_by_default(harness: Harness) -> None:
    s = await make_server(harness)
    added = await s.alice.slash(s.channel, "resource add", title="Grounding: 5-4-3-2-1")
    assert added.response is not None
    asked = await s.alice.slash(s.general, "privacy delete")
    assert menu(asked) == ["Keep my resources for the group, without my name"]
    assert "**Resources you added**: removed by default." in asked.response.content  # type: ignore[union-attr]
    said = text_of(await s.alice.click(asked.response, label=ERASE))  # type: ignore[arg-type]
    assert "• resources: 1 resource added" in said.split("Kept where")[0]
    assert "Kept where" not in said
    assert await library(harness) == []


async def test_keeping_resources_leaves_them_in_the_library_with_no_author(harness: Harness) -> None:
    s = await make_server(harness)
    await s.alice.slash(s.channel, "resource add", title="Grounding: 5-4-3-2-1")
    said = await erase(s.alice, s.general, keep=[RESOURCES])
    kept = said.split("Kept where they were, as you chose, with no link to you left anywhere:")
    assert len(kept) == 2 and "• resources: 1 resource added" in kept[1]
    [resource] = await library(harness)
    assert resource.title == "Grounding: 5-4-3-2-1" and resource.author_id is None
    found = await s.bob.slash(s.channel, "resource search", query="grounding")
    assert "Grounding: 5-4-3-2-1" in text_of(found)  # still there for the group
    info = text_of(await s.alice.slash(s.general, "privacy info"))
    assert "resource added" not in info  # nothing links it to her any more


async def test_both_choices_at_once_and_each_only_for_what_it_names(harness: Harness) -> None:
    s, _channel = await shared(harness)
    await s.alice.slash(s.channel, "resource add", title="Grounding: 5-4-3-2-1")
    asked = await s.alice.slash(s.general, "privacy delete")
    assert menu(asked) == ["Keep my anonymous posts' words", "Keep my resources for the group, without my name"]
    said = await erase(s.alice, s.general, keep=[WORDS, RESOURCES])
    assert "1 anonymous post" in said.split("Kept where")[1] and "1 resource added" in said.split("Kept where")[1]
    [post] = await posts(harness)
    assert post.content == POST and post.pseudonym.startswith("erased:")
    [resource] = await library(harness)
    assert resource.author_id is None


async def test_picking_then_unpicking_keeps_nothing(harness: Harness) -> None:
    s, _channel = await shared(harness)
    asked = await s.alice.slash(s.general, "privacy delete")
    assert asked.response is not None
    await s.alice.select(asked.response, [WORDS], custom_id="privacy:keep")
    await s.alice.select(asked.response, [], custom_id="privacy:keep")
    said = text_of(await s.alice.click(asked.response, label=ERASE))
    assert "Kept where" not in said
    assert await posts(harness) == []


async def test_keeping_resources_keeps_only_published_ones_and_the_reply_says_so(harness: Harness) -> None:
    """A suggestion still waiting for review is removed even when the member keeps their resources, and the
    erase reply lists it as erased, not as kept."""
    s = await make_server(harness)
    await s.alice.slash(s.channel, "resource add", title="Grounding: 5-4-3-2-1")
    switched = await s.owner.slash(s.channel, "facilitate resource settings", suggestions=True)
    assert switched.response is not None
    await s.alice.slash(s.channel, "resource add", title="Box breathing")  # now a suggestion, waiting
    assert sorted(r.status for r in await library(harness)) == ["live", "pending"]
    said = await erase(s.alice, s.general, keep=[RESOURCES])
    erased, kept = said.split("Kept where they were, as you chose, with no link to you left anywhere:")
    assert "1 suggestion waiting for review" in erased
    assert "1 resource added" in kept and "suggestion" not in kept
    assert [r.title for r in await library(harness)] == ["Grounding: 5-4-3-2-1"]
