"""/setup and /group through SimCord: every command, button and modal, each wrong input and refusal."""

from __future__ import annotations

import json

import discord
import pytest
import simcord
from sqlalchemy import insert, select

from cogs.groups import queries
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, JoinRequest
from tests.conftest import Harness
from tests.groups.support import Server, bot_role, can_see, refused, said, server, take_bot_permission
from tests.support.commands import allow

# --- helpers ----------------------------------------------------------------------------------------


async def group_row(harness: Harness, guild: simcord.GuildHandle, name: str) -> Group:
    async with harness.bot.db.read() as session:
        return await queries.group_by_name(session, guild.id, name)


async def count(harness: Harness, model: type, **where: int) -> int:
    async with harness.bot.db.read() as session:
        rows = await session.scalars(select(model).filter_by(**where))
        return len(list(rows))


def has_role(env: simcord.Env, guild: simcord.GuildHandle, member: simcord.MemberActor, role_id: int) -> bool:
    return role_id in env.backend.get_member(guild.id, member.id).role_ids


async def public_group(s: Server, name: str = "Caregivers") -> None:
    result = await s.fran.slash(s.general, "facilitate group create", name=name, description="Caring for someone")
    assert "Created the public group" in said(result)


async def private_group(s: Server, name: str = "Grief Circle") -> simcord.ChannelHandle:
    result = await s.fran.slash(s.general, "facilitate group create", name=name, private=True)
    assert "Created the private group" in said(result)
    return s.guild.channels[name.lower().replace(" ", "-")]


# --- /setup -----------------------------------------------------------------------------------------


async def test_setup_without_options_shows_the_current_settings(env: simcord.Env) -> None:
    guild = env.create_guild()
    general = guild.create_text_channel("general")
    admin = guild.add_member(
        env.create_user("ada"), roles=[guild.create_role("A", permissions=discord.Permissions(manage_guild=True))]
    )

    result = await admin.slash(general, "setup")

    assert result.ephemeral
    text = said(result)
    assert "Facilitator role: not set" in text and "Default timezone: UTC (default)" in text
    assert "Anonymous sharing: on" in text


async def test_setup_saves_every_option(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    queue = s.guild.create_text_channel("queue")

    result = await s.admin.slash(
        s.general,
        "setup",
        mod_queue=queue,
        confirm_public_queue=True,  # the queue channel is public here
        timezone="America/New_York",
        anonymous_sharing=False,
        approval_required=True,
    )

    assert result.ephemeral and "Anonymous sharing: off" in said(result)
    shown = said(await s.admin.slash(s.general, "setup"))  # each feature stored its own options
    assert f"Moderator queue channel: <#{queue.id}>" in shown
    assert "Default timezone: America/New_York" in shown and "(default)" not in shown
    assert "Anonymous sharing: off" in shown and "need moderator approval by default: yes" in shown
    assert f"Facilitator role: <@&{s.facilitators.id}>" in shown  # untouched options stay


async def test_setup_refuses_an_unknown_timezone_and_saves_nothing(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)

    result = await s.admin.slash(s.general, "setup", timezone="Mars/Olympus", anonymous_sharing=False)

    refused(env, result, "not a timezone I know")
    shown = said(await s.admin.slash(s.general, "setup"))
    assert "Default timezone: UTC (default)" in shown and "Anonymous sharing: on" in shown


async def test_setup_timezone_autocomplete_offers_iana_names(env: simcord.Env) -> None:
    s = await server(env)

    choices = await s.admin.autocomplete(s.general, "setup", "timezone", "berl")

    assert [c["value"] for c in choices] == ["Europe/Berlin"]


async def test_setup_is_refused_server_side_even_when_discord_lets_a_member_run_it(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    command = env.backend.find_command("setup", s.guild.id)
    assert command is not None
    s.guild.set_command_permissions(int(command["id"]), {s.mia: True})  # a server overrode the default

    result = await s.mia.slash(s.general, "setup", anonymous_sharing=False)

    refused(env, result, "Only server admins")
    assert "Anonymous sharing: on" in said(await s.admin.slash(s.general, "setup"))


# --- /facilitate group create ------------------------------------------------------------------------------------


async def test_create_makes_a_neutral_unhoisted_unmentionable_role_and_a_channel(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)

    await public_group(s, "Addiction Recovery")

    group = await group_row(harness, s.guild, "addiction recovery")
    role = env.backend.get_role(s.guild.id, group.role_id or 0)
    assert role.name.startswith("Hearth circle ") and "Addiction" not in role.name
    assert not role.hoist and not role.mentionable and role.permissions == 0
    assert group.channel_id == s.guild.channels["addiction-recovery"].id and group.owns_channel
    assert await count(harness, GroupFacilitator, group_id=group.id, user_id=s.fran.id) == 1


async def test_create_may_name_the_role_after_the_group_and_use_a_given_channel(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    existing = s.guild.create_text_channel("study-hall")

    result = await s.fran.slash(
        s.general, "facilitate group create", name="Study", channel=existing, role_name="group name"
    )

    assert "Created the public group **Study**" in said(result)
    group = await group_row(harness, s.guild, "Study")
    assert env.backend.get_role(s.guild.id, group.role_id or 0).name == "Study"
    assert group.channel_id == existing.id and not group.owns_channel


async def test_a_member_cannot_create_a_group(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    allow(env, s.guild, "facilitate", s.guild.default_role)  # shown to everyone: the tree still refuses members
    roles_before = len(s.guild.roles)

    result = await s.mia.slash(s.general, "facilitate group create", name="Mine")

    refused(env, result, "Only facilitators can do that")
    assert len(s.guild.roles) == roles_before and "mine" not in s.guild.channels
    assert await count(harness, Group) == 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"name": "x"}, "at least 2 characters"),
        ({"name": "x" * 51}, "at most 50 characters"),
    ],
)
async def test_create_refuses_bad_names_and_descriptions(
    harness: Harness, env: simcord.Env, options: dict[str, str], expected: str
) -> None:
    s = await server(env)

    result = await s.fran.slash(s.general, "facilitate group create", **options)

    refused(env, result, expected)
    assert await count(harness, Group) == 0


async def test_an_over_long_description_is_refused_by_discord_itself(env: simcord.Env) -> None:
    s = await server(env)
    with pytest.raises(simcord.OptionError, match="at most 300 characters"):  # the option declares it
        await s.fran.slash(s.general, "facilitate group create", name="Fine", description="d" * 301)


async def test_a_name_differing_only_in_case_is_refused(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s, "Grief")
    roles_before = len(s.guild.roles)

    result = await s.fran.slash(s.general, "facilitate group create", name="GRIEF")

    refused(env, result, "There is already a group called **Grief**")
    assert len(s.guild.roles) == roles_before
    assert await count(harness, Group) == 1


async def test_the_group_limit_is_a_clear_refusal(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    now = harness.clock.now()
    rows = [
        {
            "guild_id": s.guild.id,
            "name": f"G{i}",
            "name_key": f"g{i}",
            "description": "",
            "private": False,
            "owns_channel": False,
            "neutral_role": True,
            "guidelines": "x",
            "guidelines_version": 1,
            "created_by": s.fran.id,
            "created_at": now,
        }
        for i in range(harness.settings.groups.max_groups_per_guild)
    ]
    async with harness.bot.db.write() as session:
        await session.execute(insert(Group), rows)

    result = await s.fran.slash(s.general, "facilitate group create", name="One more")

    refused(env, result, "limit of 50 groups")
    assert await count(harness, Group) == 50


async def test_create_without_manage_channels_is_refused_before_anything_is_made(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await take_bot_permission(env, s.guild, "manage_channels")
    roles_before = len(s.guild.roles)

    result = await s.fran.slash(s.general, "facilitate group create", name="Caregivers")

    refused(env, result, "I need the Manage Channels permission")
    assert len(s.guild.roles) == roles_before and await count(harness, Group) == 0


# --- joining and leaving ------------------------------------------------------------------------------


async def test_joining_a_public_group_gives_its_role_and_the_guidelines_prompt(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await public_group(s)
    group = await group_row(harness, s.guild, "Caregivers")

    result = await s.mia.slash(s.general, "group join", group="Caregivers")

    assert result.ephemeral and "You joined **Caregivers**" in said(result)
    assert has_role(env, s.guild, s.mia, group.role_id or 0)
    accepted = await s.mia.click(result.response.message, label="I accept")
    assert "you accepted **Caregivers**'s guidelines" in said(accepted)
    assert await count(harness, GuidelinesAcceptance, group_id=group.id, user_id=s.mia.id) == 1


async def test_joining_twice_is_refused(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await s.mia.slash(s.general, "group join", group="Caregivers")

    result = await s.mia.slash(s.general, "group join", group="caregivers")

    refused(env, result, "already a member of **Caregivers**")


async def test_join_autocomplete_offers_public_groups_not_yet_joined(env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s, "Caregivers")
    await public_group(s, "Carers Two")
    await private_group(s, "Care Secret")
    await s.mia.slash(s.general, "group join", group="Carers Two")

    choices = await s.mia.autocomplete(s.general, "group join", "group", "car")

    assert [c["value"] for c in choices] == ["Caregivers"]


async def test_leaving_removes_the_role_and_leaving_again_is_refused(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    group = await group_row(harness, s.guild, "Caregivers")
    await s.mia.slash(s.general, "group join", group="Caregivers")

    left = await s.mia.slash(s.general, "group leave", group="Caregivers")
    again = await s.mia.slash(s.general, "group leave", group="Caregivers")

    assert "You left **Caregivers**" in said(left)
    assert not has_role(env, s.guild, s.mia, group.role_id or 0)
    refused(env, again, "You're not a member of **Caregivers**")


async def test_join_without_manage_roles_is_refused_and_nothing_is_stored(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await take_bot_permission(env, s.guild, "manage_roles")

    result = await s.mia.slash(s.general, "group join", group="Caregivers")

    refused(env, result, "I need the Manage Roles permission")
    assert await count(harness, GroupMember, user_id=s.mia.id) == 0


async def test_join_when_the_role_sits_above_the_bot_is_refused(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    group = await group_row(harness, s.guild, "Caregivers")
    top = env.backend.get_role(s.guild.id, bot_role(s.guild, env).id).position
    env.backend.reorder_roles(s.guild.id, [{"id": group.role_id, "position": top + 1}])
    await env.settle()

    result = await s.mia.slash(s.general, "group join", group="Caregivers")

    refused(env, result, "sits above my own role")
    assert await count(harness, GroupMember, user_id=s.mia.id) == 0


async def test_a_role_deleted_by_hand_is_noticed_explained_and_mended(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await s.ben.slash(s.general, "group join", group="Caregivers")
    group = await group_row(harness, s.guild, "Caregivers")
    env.backend.delete_role(s.guild.id, group.role_id or 0)
    await env.settle()
    assert (await group_row(harness, s.guild, "Caregivers")).role_id is None

    refusal = await s.mia.slash(s.general, "group join", group="Caregivers")
    mended = await s.fran.slash(s.general, "facilitate group edit", group="Caregivers", recreate=True)
    joined = await s.mia.slash(s.general, "group join", group="Caregivers")

    refused(env, refusal, "role was deleted in Discord")
    assert "set `recreate` to True" in said(refusal) and "</facilitate group edit:" in said(
        refusal
    )  # a clickable mention
    assert "Made a new role" in said(mended)
    assert "You joined" in said(joined)
    new_role = (await group_row(harness, s.guild, "Caregivers")).role_id
    assert new_role is not None and has_role(env, s.guild, s.ben, new_role) and has_role(env, s.guild, s.mia, new_role)


async def test_a_deleted_channel_is_explained_and_a_new_one_can_be_picked(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    channel = await private_group(s)
    env.backend.delete_channel(channel.id)
    await env.settle()

    refusal = await s.mia.slash(s.general, "group join", group="Grief Circle")
    replacement = s.guild.create_text_channel("grief-new")
    mended = await s.fran.slash(s.general, "facilitate group edit", group="Grief Circle", channel=replacement)

    refused(env, refusal, "channel was deleted in Discord")
    assert await count(harness, JoinRequest) == 0
    assert "now uses" in said(mended)
    assert not can_see(replacement, s.mia) and can_see(replacement, s.fran)


async def test_a_member_leaving_the_server_loses_their_group_records(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await private_group(s)
    await s.mia.slash(s.general, "group join", group="Caregivers")
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    await s.fran.slash(s.general, "facilitate facilitators add", group="Caregivers", member=s.mia)

    s.guild.remove_member(s.mia)
    await env.settle()

    for model in (GroupMember, GroupFacilitator, JoinRequest):
        assert await count(harness, model, user_id=s.mia.id) == 0
    assert await count(harness, GroupFacilitator, user_id=s.fran.id) == 2


# --- private groups: requests -------------------------------------------------------------------------


async def test_only_facilitators_may_decide_a_request(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    channel = await private_group(s)
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    request = channel.last_message
    assert request is not None
    group = await group_row(harness, s.guild, "Grief Circle")
    async with harness.bot.db.write() as session:  # ben is a member who can see the channel, not a facilitator
        session.add(GroupMember(group_id=group.id, user_id=s.ben.id, joined_at=harness.clock.now()))
    env.backend.add_member_role(s.guild.id, s.ben.id, group.role_id or 0)
    await env.settle()

    pressed = await s.ben.click(request, label="Approve")

    assert pressed.ephemeral and "Only facilitators of **Grief Circle**" in said(pressed)
    assert await count(harness, JoinRequest, user_id=s.mia.id) == 1
    assert not can_see(channel, s.mia)


async def test_a_declined_request_is_told_by_dm_even_if_dms_are_closed_nothing_breaks(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    channel = await private_group(s)
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    await s.ben.slash(s.general, "group join", group="Grief Circle")
    mia_request, ben_request = [m for m in channel.history() if m.components][-2:]

    declined = await s.fran.click(mia_request, label="Decline")
    env.inject_error(
        "POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages to this user"
    )
    approved = await s.fran.click(ben_request, label="Approve")

    assert "declined" in said(declined)
    assert "declined" in s.mia.user.dm_channel.last_message.content  # type: ignore[union-attr]
    assert "approved" in said(approved) and can_see(channel, s.ben)
    assert not can_see(channel, s.mia)
    assert await count(harness, JoinRequest) == 0


async def test_asking_twice_says_the_same_and_leave_withdraws_a_request(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await private_group(s)
    first = await s.mia.slash(s.general, "group join", group="Grief Circle")

    again = await s.mia.slash(s.general, "group join", group="Grief Circle")
    withdrawn = await s.mia.slash(s.general, "group leave", group="Grief Circle")

    # The second ask reads as the first (and as for a group that doesn't exist): it reveals nothing.
    assert said(again) == said(first) and "If a private group called" in said(again)
    assert "withdrew your request" in said(withdrawn)
    assert await count(harness, JoinRequest) == 0


async def test_decisions_survive_a_restart(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    channel = await private_group(s)
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    request = channel.last_message
    assert request is not None

    await harness.restart()
    approved = await s.fran.click(request, label="Approve")

    assert "approved" in said(approved) and can_see(channel, s.mia)


# --- list, info, guidelines ----------------------------------------------------------------------------


async def test_list_pages_with_buttons_and_hides_private_groups_from_non_members(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    for i in range(11):
        await public_group(s, f"Group {i:02}")
    await private_group(s, "Hidden Circle")

    page_one = await s.mia.slash(s.general, "group list")
    first = said(page_one)
    page_two = await s.mia.click(page_one.response.message, label="Next")  # edits the same message
    second = said(page_two)
    facilitator_view = await s.fran.slash(s.general, "group list")
    facilitator_first = said(facilitator_view)
    facilitator_next = await s.fran.click(facilitator_view.response.message, label="Next")

    assert page_one.ephemeral and "Group 00" in first and "Group 10" not in first and "Page 1 of 2" in first
    assert "Group 10" in second and "Page 2 of 2" in second and "Group 00" not in second
    assert "Hidden Circle" not in first + second
    assert "Hidden Circle" in facilitator_first + said(facilitator_next)


async def test_list_with_no_groups_says_how_to_start(env: simcord.Env) -> None:
    s = await server(env)

    result = await s.mia.slash(s.general, "group list")

    assert result.ephemeral and "no groups here yet" in said(result)


async def test_info_shows_a_public_group_and_hides_a_private_one(env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await private_group(s)

    public = await s.mia.slash(s.general, "group info", group="Caregivers")
    private = await s.mia.slash(s.general, "group info", group="Grief Circle")

    assert public.ephemeral and "**Caregivers** — public" in said(public) and "Members: 0" in said(public)
    refused(env, private, "There is no group called “Grief Circle”")


async def test_editing_guidelines_asks_members_again_and_a_stale_button_is_refused(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await public_group(s)
    joined = await s.mia.slash(s.general, "group join", group="Caregivers")
    await s.mia.click(joined.response.message, label="I accept")
    stale = await s.mia.slash(s.general, "group guidelines", group="Caregivers")
    assert "You accepted these" in said(stale)
    old_prompt = (await s.ben.slash(s.general, "group join", group="Caregivers")).response.message

    form = await s.fran.slash(s.general, "facilitate group edit", group="Caregivers")
    assert form.modal is not None
    saved = await s.fran.submit_modal(
        form,
        {
            "groups:edit:name": "Caregivers",
            "groups:edit:description": "Caring for someone",
            "groups:edit:guidelines": "Be gentle. Keep confidences.",
        },
    )

    assert "version 2" in said(saved)
    group = await group_row(harness, s.guild, "Caregivers")
    async with harness.bot.db.read() as session:
        with pytest.raises(queries.GuidelinesNotAccepted):
            await queries.require_participant(session, group, s.mia.id)
    asked_again = await s.mia.slash(s.general, "group guidelines", group="Caregivers")
    assert "Be gentle" in said(asked_again) and "version 2" in said(asked_again)
    pressed = await s.ben.click(old_prompt, label="I accept")
    assert pressed.ephemeral and "guidelines changed since" in said(pressed)


async def test_a_member_cannot_edit_archive_or_add_facilitators(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    allow(env, s.guild, "facilitate", s.guild.default_role)  # shown to everyone: the tree still refuses members
    await public_group(s)
    await s.mia.slash(s.general, "group join", group="Caregivers")

    for name, options in (
        ("facilitate group edit", {}),
        ("facilitate group archive", {}),
        ("facilitate group unarchive", {}),
        ("facilitate facilitators add", {"member": s.ben}),
        ("facilitate facilitators remove", {"member": s.fran}),
    ):
        result = await s.mia.slash(s.general, name, group="Caregivers", **options)
        refused(env, result, "Only facilitators")
    assert (await group_row(harness, s.guild, "Caregivers")).archived_at is None
    assert await count(harness, GroupFacilitator) == 1


async def test_the_edit_modal_refuses_a_taken_name(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s, "Caregivers")
    await public_group(s, "Grief")

    form = await s.fran.slash(s.general, "facilitate group edit", group="Caregivers")
    result = await s.fran.submit_modal(
        form, {"groups:edit:name": "grief", "groups:edit:description": "", "groups:edit:guidelines": "Rules"}
    )

    refused(env, result, "already a group called **Grief**")
    assert (await group_row(harness, s.guild, "Caregivers")).guidelines_version == 1


async def test_role_naming_can_switch_between_neutral_and_the_group_name(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    group = await group_row(harness, s.guild, "Caregivers")
    neutral = env.backend.get_role(s.guild.id, group.role_id or 0).name

    await s.fran.slash(s.general, "facilitate group edit", group="Caregivers", role_name="group name")
    named = env.backend.get_role(s.guild.id, group.role_id or 0).name
    await s.fran.slash(s.general, "facilitate group edit", group="Caregivers", role_name="neutral")

    assert neutral.startswith("Hearth circle ") and named == "Caregivers"
    assert env.backend.get_role(s.guild.id, group.role_id or 0).name.startswith("Hearth circle ")


# --- archive -------------------------------------------------------------------------------------------


async def test_archive_removes_the_role_stops_joining_and_unarchive_restores(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await public_group(s)
    await s.mia.slash(s.general, "group join", group="Caregivers")
    group = await group_row(harness, s.guild, "Caregivers")

    archived = await s.fran.slash(s.general, "facilitate group archive", group="Caregivers")
    refusal = await s.ben.slash(s.general, "group join", group="Caregivers")
    refused(env, refusal, "archived")
    assert not has_role(env, s.guild, s.mia, group.role_id or 0)
    twice = await s.fran.slash(s.general, "facilitate group archive", group="Caregivers")
    restored = await s.fran.slash(s.general, "facilitate group unarchive", group="Caregivers")

    assert "Archived **Caregivers**" in said(archived) and "1 member no longer wears its role" in said(archived)
    refused(env, twice, "already archived")
    assert "active again" in said(restored) and has_role(env, s.guild, s.mia, group.role_id or 0)
    assert await count(harness, GroupMember, group_id=group.id) == 1  # history kept


# --- facilitators --------------------------------------------------------------------------------------


async def test_group_facilitators_see_the_private_channel_and_can_be_removed(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    channel = await private_group(s)

    added = await s.fran.slash(s.general, "facilitate facilitators add", group="Grief Circle", member=s.ben)
    assert "now facilitates" in said(added) and can_see(channel, s.ben)
    assert "Integrations → Hearth → `/facilitate`" in said(added)  # where they find their commands
    twice = await s.fran.slash(s.general, "facilitate facilitators add", group="Grief Circle", member=s.ben)
    refused(env, twice, "already facilitate")
    removed = await s.fran.slash(s.general, "facilitate facilitators remove", group="Grief Circle", member=s.ben)
    not_one = await s.fran.slash(s.general, "facilitate facilitators remove", group="Grief Circle", member=s.mia)

    assert "no longer facilitates" in said(removed) and not can_see(channel, s.ben)
    refused(env, not_one, "not one of **Grief Circle**'s own facilitators")


# --- privacy -------------------------------------------------------------------------------------------


async def test_privacy_export_and_delete_cover_memberships(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    await private_group(s)
    joined = await s.mia.slash(s.general, "group join", group="Caregivers")
    await s.mia.click(joined.response.message, label="I accept")
    await s.mia.slash(s.general, "group join", group="Grief Circle")

    info = await s.mia.slash(s.general, "privacy info")
    exported = await s.mia.slash(s.general, "privacy export")
    message = exported.response
    assert message is not None and exported.ephemeral
    data = json.loads(await message.attachments[0].read())["data"]["group memberships"]
    assert "1 group membership" in said(info) and "1 pending join request" in said(info)
    assert [m["group"] for m in data["memberships"]] == ["Caregivers"]
    assert [r["group"] for r in data["join_requests"]] == ["Grief Circle"]
    assert data["guidelines_accepted"][0]["version"] == 1

    confirm = await s.mia.slash(s.general, "privacy delete")
    await s.mia.click(confirm.response.message, label="Yes, erase my data")

    for model in (GroupMember, GuidelinesAcceptance, JoinRequest):
        assert await count(harness, model, user_id=s.mia.id) == 0
