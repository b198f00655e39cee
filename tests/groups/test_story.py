"""Done means: on a fresh server an admin runs /setup, a facilitator creates a private group, a member
asks to join, the facilitator approves, the member accepts the guidelines and can see the channel."""

from __future__ import annotations

import discord
import simcord

from cogs.groups import queries
from tests.conftest import Harness
from tests.groups.support import can_see, said
from tests.support.commands import allow


async def test_a_private_group_from_setup_to_taking_part(harness: Harness, env: simcord.Env) -> None:
    # A fresh server: an admin, a facilitator, a moderator and a member who wants support.
    guild = env.create_guild()
    general = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    facilitators = guild.create_role("Facilitators")
    moderators = guild.create_role("Moderators")
    see = discord.PermissionOverwrite(view_channel=True)
    queue = guild.create_text_channel(  # private: /setup refuses a queue others can read
        "mod-queue",
        overwrites={
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.roles[env.backend.bot_user.name]: see,
            moderators: see,
            admins: see,
        },
    )
    admin = guild.add_member(env.create_user("ada"), roles=[admins])
    fran = guild.add_member(env.create_user("fran"), roles=[facilitators])
    mo = guild.add_member(env.create_user("mo"), roles=[moderators])
    mia = guild.add_member(env.create_user("mia"))
    bystander = guild.add_member(env.create_user("ben"))

    # The admin runs /setup.
    setup = await admin.slash(
        general,
        "setup",
        facilitator_role=facilitators,
        moderator_role=moderators,
        mod_queue=queue,
        timezone="Europe/Berlin",
    )
    assert setup.ephemeral
    assert "Saved" in setup.response.content and "Europe/Berlin" in setup.response.content
    # ...and lets those roles see their commands, as the checklist says (Integrations).
    allow(env, guild, "facilitate", facilitators)
    allow(env, guild, "mod", moderators)

    # The facilitator creates a private group.
    created = await fran.slash(
        general, "facilitate group create", name="Grief Circle", description="Loss", private=True
    )
    assert created.ephemeral
    assert "Created the private group **Grief Circle**" in said(created)
    channel = guild.channels["grief-circle"]
    role = next(r for name, r in guild.roles.items() if name.startswith("Hearth circle "))
    assert "Grief" not in role.name  # wearing the role outs no one
    assert can_see(channel, fran) and can_see(channel, mo)
    assert not can_see(channel, mia) and not can_see(channel, bystander)

    # The member asks to join; the request goes where only the group's people see it.
    asked = await mia.slash(general, "group join", group="Grief Circle")
    assert asked.ephemeral
    assert "its facilitators have been asked to let you in" in asked.response.content
    request = channel.last_message
    assert request is not None and mia.mention in request.content
    assert not can_see(channel, mia)

    # The facilitator approves; the member is told by DM and can now see the channel.
    approved = await fran.click(request, label="Approve")
    assert "approved" in approved.response.content
    assert "approved" in mia.user.dm_channel.last_message.content  # type: ignore[union-attr]
    assert can_see(channel, mia)
    assert not can_see(channel, bystander)

    # Before taking part the member accepts the guidelines with the button.
    shown = await mia.slash(general, "group guidelines", group="Grief Circle")
    assert shown.ephemeral and "What is shared here stays here" in shown.response.content
    accepted = await mia.click(shown.response.message, label="I accept")
    assert "you accepted **Grief Circle**'s guidelines (version 1)" in accepted.response.content

    async with harness.bot.db.read() as session:
        group = await queries.group_by_name(session, guild.id, "grief circle")
        await queries.require_participant(session, group, mia.id)  # would raise if anything were missing
