"""The setup checklist when Hearth joins a server, and again from /setup with no options (through SimCord)."""

from __future__ import annotations

import discord
import simcord
from simcord.backend import serializers

from tests.conftest import Harness
from tests.groups.support import Server, bot_role, said, server, take_bot_permission


async def hearth_joins(env: simcord.Env, guild: simcord.GuildHandle, added_by: simcord.MemberActor | None) -> None:
    """Hearth is added to the server (again): Discord logs who added it and sends GUILD_CREATE."""
    if added_by is not None:
        env.backend.record_audit_log(
            guild.id, discord.AuditLogAction.bot_add.value, target_id=env.backend.bot_user.id, user_id=added_by.id
        )
    payload = dict(serializers.guild_create_payload(env.backend, env.backend.get_guild(guild.id)))
    # SimCord marks every GUILD_CREATE "unavailable: false", which discord.py reads as a server coming back
    # (on_guild_available); a join is the same payload without the flag, as Discord sends it on an invite.
    payload.pop("unavailable", None)
    env.backend.emit("GUILD_CREATE", payload)
    await env.settle()


def dms(person: simcord.MemberActor) -> list[discord.Message]:
    return list(person.user.dm_channel.history())


def fully_set_up(env: simcord.Env, s: Server) -> simcord.ChannelHandle:
    return s.guild.create_text_channel(
        "mod-queue",
        overwrites={
            s.guild.default_role: discord.PermissionOverwrite(view_channel=False),
            s.moderators: discord.PermissionOverwrite(view_channel=True),
            s.guild.roles["Admins"]: discord.PermissionOverwrite(view_channel=True),
            bot_role(s.guild, env): discord.PermissionOverwrite(view_channel=True, send_messages=True),
        },
    )


async def test_the_person_who_added_hearth_gets_a_checklist_of_what_is_missing_with_fixes(
    harness: Harness, env: simcord.Env
) -> None:
    guild = env.create_guild("Peer Support")
    guild.create_text_channel("general")
    admin = guild.add_member(
        env.create_user("ada"), roles=[guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))]
    )
    await take_bot_permission(env, guild, "manage_roles")
    await take_bot_permission(env, guild, "manage_events")

    await hearth_joins(env, guild, added_by=admin)

    [message] = dms(admin)
    text = message.content
    assert "Thank you for adding Hearth to **Peer Support**" in text
    assert "missing: Manage Roles (to give each group's members its role), Manage Events" in text
    assert "Server Settings → Roles" in text
    assert "⚠️ **Facilitator role.** Not set" in text and "with `facilitator_role`" in text
    assert "⚠️ **Moderator queue.** The queue channel isn't set" in text
    assert "⚠️ **Timezone.**" in text and "with `timezone`" in text
    assert "✅ **Crisis resources.**" in text and "United States" in text
    assert (
        "Server Settings → Integrations → Hearth → `/facilitate`" in text
    )  # how the facilitator role sees its commands
    assert len(text) <= 2000
    assert message.channel.type is discord.ChannelType.private  # nothing was posted in the server


async def test_with_everything_set_the_checklist_has_nothing_left_to_fix(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    queue = fully_set_up(env, s)
    saved = await s.admin.slash(s.general, "setup", mod_queue=queue, timezone="Europe/Berlin")
    assert "Saved" in said(saved)

    await hearth_joins(env, s.guild, added_by=s.admin)

    text = dms(s.admin)[-1].content
    assert "⚠️" not in text, text
    for item in ("Permissions", "Role order", "Facilitator role", "Moderator queue", "Timezone:", "Crisis resources"):
        assert f"✅ **{item}" in text, item
    shown = await s.admin.slash(s.general, "setup")  # re-checkable any time, privately
    assert shown.ephemeral and "⚠️" not in said(shown) and "✅ **Moderator queue** is private" in said(shown)


async def test_setup_without_options_rechecks_after_a_fix(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    open_queue = s.guild.create_text_channel("reports")
    await s.admin.slash(s.general, "setup", mod_queue=open_queue, confirm_public_queue=True)

    before = said(await s.admin.slash(s.general, "setup"))
    assert "⚠️ **Moderator queue.** Everyone can see the queue channel" in before

    private = fully_set_up(env, s)
    await s.admin.slash(s.general, "setup", mod_queue=private)
    after = said(await s.admin.slash(s.general, "setup"))
    assert "✅ **Moderator queue** is private" in after


async def test_a_group_role_above_hearths_own_is_named_with_the_fix(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    created = await s.fran.slash(s.general, "facilitate group create", name="Caregivers")
    assert "Created" in said(created)
    ours = bot_role(s.guild, env)
    group_role = next(r for name, r in s.guild.roles.items() if name.startswith("Hearth circle"))
    env.backend.edit_role(s.guild.id, group_role.id, {"position": 5})
    env.backend.edit_role(s.guild.id, ours.id, {"position": 1})
    await env.settle()

    text = said(await s.admin.slash(s.general, "setup"))

    assert f"Group roles above Hearth's own role can't be given: {group_role.name}" in text
    assert f"drag **{ours.name}** above them" in text


async def test_dms_closed_the_checklist_goes_to_the_system_channel_without_pings(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    env.backend.edit_guild(s.guild.id, {"system_channel_id": s.general.id})
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=None)

    await hearth_joins(env, s.guild, added_by=s.admin)

    posted = [m for m in s.general.history() if m.author.bot]
    assert len(posted) == 1 and "Hearth setup checklist" in posted[-1].content
    assert not posted[-1].mentions and not posted[-1].role_mentions and not posted[-1].mention_everyone


async def test_unknown_adder_and_a_refused_system_channel_lose_nothing_and_setup_still_works(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    env.backend.edit_guild(s.guild.id, {"system_channel_id": s.general.id})
    env.inject_error("POST", f"/channels/{s.general.id}/messages", status=403, code=50013, times=1)

    await hearth_joins(env, s.guild, added_by=None)

    assert not [m for m in s.general.history() if m.author.bot]
    assert "Hearth setup checklist" in said(await s.admin.slash(s.general, "setup"))


async def test_a_server_without_a_system_channel_or_audit_entry_gets_nothing(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)

    await hearth_joins(env, s.guild, added_by=None)

    assert not [m for m in s.general.history() if m.author.bot]
    assert not dms(s.admin)
