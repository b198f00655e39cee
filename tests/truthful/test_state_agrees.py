"""State and message agree after every failure: what is stored matches what happened and what the
member is told, and a failed attempt uses up no limit (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses

import pytest
import simcord
from sqlalchemy import func, select, update

from cogs.groups.models import Group, GroupMember
from cogs.sharing.models import AnonymousPost
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.groups.support import said
from tests.support.groups import make_group


async def count(harness: Harness, model: type) -> int:
    async with harness.bot.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def share(member: simcord.MemberActor, channel: simcord.ChannelHandle, text: str) -> simcord.InteractionResult:
    shown = await member.slash(channel, "share")
    assert shown.modal is not None
    return await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


@pytest.mark.parametrize(
    ("status", "told"),
    [
        (500, "nothing was posted and nothing was kept"),
        (503, "nothing was posted and nothing was kept"),
        (429, "nothing was posted and nothing was kept"),
        (403, "I need the"),
        (404, "no longer exists"),
    ],
)
async def test_a_share_discord_refuses_keeps_nothing_and_uses_up_no_limit(
    db_harness: Harness, status: int, told: str
) -> None:
    harness, env = db_harness, db_harness.env
    service = harness.bot.get_cog("Sharing").service  # type: ignore[union-attr]
    service.settings = dataclasses.replace(service.settings, shares_per_hour=1)  # a failed try must not use it
    guild = env.create_guild()
    alice = guild.add_member(env.create_user("alice"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])

    env.inject_error("POST", "/channels/*/messages", status=status)
    failed = await share(alice, group.channel, "Today was heavy.")

    assert told in said(failed)
    assert "reference" not in said(failed)
    assert failed.ephemeral
    assert await count(harness, AnonymousPost) == 0  # no `posted` row without a message, no text kept
    assert group.channel.history() == []
    env.errors  # the refusal was the behaviour under test  # noqa: B018

    again = await share(alice, group.channel, "Today was heavy.")
    assert "Posted anonymously" in said(again)
    assert await count(harness, AnonymousPost) == 1


async def test_joining_a_group_with_the_longest_guidelines_says_it_joined(db_harness: Harness) -> None:
    """1,800-character guidelines (the documented maximum) used to make the reply too long; the member
    was told nothing was saved although the membership was."""
    harness, env = db_harness, db_harness.env
    guild = env.create_guild()
    alice, bob = (guild.add_member(env.create_user(name)) for name in ("alice", "bob"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    guidelines = "Be kind and patient. " * 85 + "Thanks."
    assert len(guidelines) <= 1800
    async with harness.bot.db.write() as session:
        await session.execute(update(Group).values(guidelines=guidelines))

    joined = await bob.slash(group.channel, "group join", group="Caregivers")

    text = said(joined)
    assert "You joined **Caregivers**" in text and "Nothing you entered was saved" not in text
    assert all(len(m.content) <= 2000 for m in [joined.response, *joined.followups] if m is not None)
    assert guidelines in text  # whole: the member accepts what they could read
    assert await count(harness, GroupMember) == 2


async def test_deleting_a_share_when_discord_fails_says_what_is_left(db_harness: Harness) -> None:
    harness, env = db_harness, db_harness.env
    guild = env.create_guild()
    alice = guild.add_member(env.create_user("alice"))
    group = await make_group(harness, guild, "Caregivers", members=[alice])
    await share(alice, group.channel, "Something I regret saying.")
    async with harness.bot.db.read() as session:
        code = (await session.scalars(select(AnonymousPost.code))).one()

    env.inject_error("DELETE", "/channels/*/messages/*", status=500)
    result = await alice.slash(group.channel, "share", delete=code)

    text = said(result)
    assert "erased the words" in text and "didn't remove the message" in text
    assert "Nothing" not in text and "reference" not in text
    async with harness.bot.db.read() as session:
        post = (await session.scalars(select(AnonymousPost))).one()
    assert post.status == "deleted" and post.content == ""  # what the member was told
    env.errors  # noqa: B018
