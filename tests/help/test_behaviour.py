"""/help through SimCord: each role, inside and outside a group channel, sees only what they can use."""

from __future__ import annotations

import re

import simcord

from tests.conftest import Harness
from tests.groups.support import Server, refused, said, server
from tests.support.groups import GroupFixture, make_group

FACILITATOR_ONLY = (
    "facilitate round start",
    "facilitate round end",
    "facilitate meeting schedule",
    "facilitate checkin summary",
    "facilitate group create",
)
MODERATOR_ONLY = ("mod queue", "mod log")


def commands_named(text: str) -> set[str]:
    """Every command /help offers, clickable (``</facilitate round start:1>``) or plain (`/facilitate round start`)."""
    return set(re.findall(r"</([a-z ]+):\d+>", text)) | set(re.findall(r"`/([a-z ]+)`", text))


async def arranged(harness: Harness, env: simcord.Env) -> tuple[Server, GroupFixture, simcord.MemberActor]:
    s = await server(env)
    mod = s.guild.add_member(env.create_user("moe"), roles=[s.moderators])
    group = await make_group(harness, s.guild, "Circle", members=[s.mia, mod, s.admin, s.fran])
    return s, group, mod


async def test_a_member_in_their_group_channel_sees_that_groups_everyday_commands_only(
    harness: Harness, env: simcord.Env
) -> None:
    s, group, _ = await arranged(harness, env)

    result = await s.mia.slash(group.channel, "help")

    text = said(result)
    assert result.ephemeral and "**In Circle** you can:" in text
    offered = commands_named(text)
    assert {"checkin now", "round status", "share", "meeting list"} <= offered
    assert not offered & {*FACILITATOR_ONLY, *MODERATOR_ONLY, "setup"}, offered
    assert re.search(r"</checkin now:\d+>", text), "commands are clickable once synced"
    assert len(text) <= 2000


async def test_a_facilitator_also_sees_how_to_run_the_group(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    offered = commands_named(said(await s.fran.slash(group.channel, "help")))

    assert {
        "facilitate round start",
        "facilitate round end",
        "facilitate meeting schedule",
        "facilitate checkin summary",
        "checkin now",
    } <= offered
    assert not offered & {*MODERATOR_ONLY, "setup"}


async def test_a_moderator_sees_the_queue_but_not_facilitators_tools(harness: Harness, env: simcord.Env) -> None:
    s, group, mod = await arranged(harness, env)

    inside = commands_named(said(await mod.slash(group.channel, "help")))
    outside = commands_named(said(await mod.slash(s.general, "help")))

    assert "mod queue" in inside and {"mod queue", "mod log"} <= outside
    assert not (inside | outside) & {*FACILITATOR_ONLY, "setup"}


async def test_an_admin_sees_setup_and_everything_else(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    outside = commands_named(said(await s.admin.slash(s.general, "help")))
    inside = commands_named(said(await s.admin.slash(group.channel, "help")))

    assert {"setup", "facilitate group create", "mod queue", "group join"} <= outside
    assert {"facilitate round start", "facilitate meeting schedule", "checkin now"} <= inside


async def test_outside_a_group_channel_a_member_learns_how_to_find_and_join_a_group(
    harness: Harness, env: simcord.Env
) -> None:
    s, _, _ = await arranged(harness, env)

    text = said(await s.ben.slash(s.general, "help"))

    assert "find a group and join it" in text
    offered = commands_named(text)
    assert {"group list", "group join"} <= offered
    assert not offered & {*FACILITATOR_ONLY, *MODERATOR_ONLY, "setup"}


async def test_in_a_group_they_have_not_joined_a_member_is_offered_to_join(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    text = said(await s.ben.slash(group.channel, "help"))

    assert "haven't joined yet" in text and "group join" in commands_named(text)
    assert "checkin now" not in commands_named(text)


async def test_a_private_groups_name_is_not_told_to_a_non_member(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    group = await make_group(harness, s.guild, "Grief Circle", members=[s.mia], private=True)

    text = said(await s.ben.slash(group.channel, "help"))

    assert "Grief Circle" not in text


async def test_a_topic_says_what_it_does_and_who_sees_what(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    text = said(await s.mia.slash(group.channel, "help", topic="sharing"))

    assert "**Anonymous sharing**" in text and "No one sees who wrote it" in text
    assert "share" in commands_named(text)


async def test_an_unknown_topic_gets_a_clear_message_listing_the_topics(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    result = await s.mia.slash(group.channel, "help", topic="wizardry")

    refused(env, result, "I don't have a help topic called “wizardry”")
    assert "`rounds`" in said(result) and "`sharing`" in said(result)


async def test_topic_autocomplete_offers_every_loaded_feature(harness: Harness, env: simcord.Env) -> None:
    s, group, _ = await arranged(harness, env)

    choices = await s.mia.autocomplete(group.channel, "help", "topic", "")

    assert {c["value"] for c in choices} == {
        "care",
        "checkins",
        "groups",
        "meetings",
        "moderation",
        "privacy",
        "rounds",
        "sharing",
        "stats",
    }


async def test_help_in_a_dm_points_to_the_server(env: simcord.Env) -> None:
    user = env.create_user("dana")

    result = await user.slash("help")

    assert result.ephemeral and "Hearth works inside your server" in said(result)
