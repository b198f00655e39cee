"""Sharing loaded without moderation (HEARTH_FEATURES=groups,sharing): nobody could review a held post.

The bug from issue 10: a member was told their post was "waiting for review", an item was stored, and
no moderator would ever see it. Now the post is refused, kindly, before anything is stored.
"""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import simcord

from bot.config import Settings
from bot.errors import NotAllowed
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness, make_settings
from tests.sharing.test_behaviour import expect_refusal, posts, said, setup_group


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, HEARTH_FEATURES="groups,sharing")


async def require_approval(harness: Harness, env: simcord.Env, guild: simcord.GuildHandle) -> None:
    admin = guild.add_member(
        env.create_user("ada"), roles=[guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))]
    )
    general = guild.create_text_channel("general")
    saved = await admin.slash(general, "setup", approval_required=True)
    assert "need moderator approval by default: yes" in saved.response.content  # type: ignore[union-attr]


async def test_a_post_needing_review_is_refused_kindly_when_nobody_can_review_it(
    harness: Harness, env: simcord.Env
) -> None:
    assert harness.bot.get_cog("ModerationCog") is None
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    await require_approval(harness, env, guild)

    refused = await alice.slash(group.channel, "share")

    assert refused.modal is None  # refused before the member types a word
    text = said(refused)
    assert "nobody could review yours" in text and "Nothing was posted or kept" in text
    assert "waiting for review" not in text
    expect_refusal(env, NotAllowed)
    assert await posts(harness) == []


async def test_a_form_sent_after_approval_was_turned_on_is_refused_and_nothing_is_stored(
    harness: Harness, env: simcord.Env
) -> None:
    guild, group, (alice, *_rest) = await setup_group(harness, env)
    shown = await alice.slash(group.channel, "share")
    assert shown.modal is not None
    await require_approval(harness, env, guild)

    result = await alice.submit_modal(shown, {TEXT_ID: "Written before the rule changed.", WARNING_ID: ""})

    assert "nobody could review yours" in said(result)
    expect_refusal(env, NotAllowed)
    assert await posts(harness) == []
    assert all(m.content != "Written before the rule changed." for m in group.channel.history())


async def test_without_approval_sharing_works_and_report_says_it_is_unavailable(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice, bob, _carol) = await setup_group(harness, env)
    shown = await alice.slash(group.channel, "share")
    assert shown.modal is not None
    posted = await alice.submit_modal(shown, {TEXT_ID: "Hello from nobody.", WARNING_ID: ""})
    assert "waiting for review" not in said(posted)
    message = group.channel.last_message
    assert message is not None and message.content == "Hello from nobody."

    report = await bob.click(message, label="Report")

    assert "Reporting isn't available on this server yet" in said(report)


async def test_setup_refuses_moderation_options_when_moderation_is_not_loaded(
    harness: Harness, env: simcord.Env
) -> None:
    guild = env.create_guild()
    admin = guild.add_member(
        env.create_user("ada"), roles=[guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))]
    )
    general = guild.create_text_channel("general")

    result = await admin.slash(general, "setup", mod_queue=general, anonymous_sharing=False)

    assert result.response is not None and result.response.ephemeral
    assert "isn't running on this server" in result.response.content
    expect_refusal(env, Exception)
    shown = await admin.slash(general, "setup")
    assert "Anonymous sharing: on" in shown.response.content  # type: ignore[union-attr]  # nothing was saved
    assert "Moderator queue" not in shown.response.content  # type: ignore[union-attr]
