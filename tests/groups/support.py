"""Small helpers for the groups tests."""

from __future__ import annotations

from dataclasses import dataclass

import discord
import simcord

from bot.errors import HearthError
from tests.support.commands import allow


def can_see(channel: simcord.ChannelHandle, member: simcord.MemberActor) -> bool:
    """Whether the member's Discord client would show this channel."""
    try:
        channel.history(viewer=member)
    except simcord.SetupError:
        return False
    return True


def said(result: simcord.InteractionResult) -> str:
    """Everything the bot answered to one interaction (the response and any followups)."""
    parts = [result.response, *result.followups]
    return "\n".join(p.content for p in parts if p is not None)


@dataclass
class Server:
    guild: simcord.GuildHandle
    general: simcord.ChannelHandle
    facilitators: simcord.RoleHandle
    moderators: simcord.RoleHandle
    admin: simcord.MemberActor
    fran: simcord.MemberActor  # holds the server's facilitator role
    mia: simcord.MemberActor  # an ordinary member
    ben: simcord.MemberActor  # another ordinary member


async def server(env: simcord.Env) -> Server:
    """A server where /setup already ran: facilitator and moderator roles chosen."""
    guild = env.create_guild()
    general = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    facilitators = guild.create_role("Facilitators")
    moderators = guild.create_role("Moderators")
    admin = guild.add_member(env.create_user("ada"), roles=[admins])
    fran = guild.add_member(env.create_user("fran"), roles=[facilitators])
    mia = guild.add_member(env.create_user("mia"))
    ben = guild.add_member(env.create_user("ben"))
    result = await admin.slash(general, "setup", facilitator_role=facilitators, moderator_role=moderators)
    assert "Saved" in said(result)
    # What the checklist asks of an admin: let the roles see /facilitate and /mod (Integrations).
    allow(env, guild, "facilitate", facilitators)
    allow(env, guild, "mod", moderators)
    return Server(guild, general, facilitators, moderators, admin, fran, mia, ben)


def bot_role(guild: simcord.GuildHandle, env: simcord.Env) -> simcord.RoleHandle:
    return guild.roles[env.backend.bot_user.name]


async def take_bot_permission(env: simcord.Env, guild: simcord.GuildHandle, name: str) -> None:
    """An admin removes one permission from Hearth's role by hand."""
    role = bot_role(guild, env)
    stored = env.backend.get_role(guild.id, role.id)
    permissions = discord.Permissions(stored.permissions)
    setattr(permissions, name, False)
    env.backend.edit_role(guild.id, role.id, {"permissions": permissions.value})
    await env.settle()


def refused(env: simcord.Env, result: simcord.InteractionResult, text: str) -> None:
    """The user got an ephemeral refusal containing ``text``, and the bot raised nothing but expected errors.

    SimCord records every error that reaches the command tree's on_error, even the ones Hearth turns
    into a polite reply; reading ``env.errors`` acknowledges them, after checking none is a bug.
    """
    answer = said(result)
    assert result.ephemeral, answer
    assert text in answer, answer
    for error in env.errors:
        original = getattr(error, "original", error)
        assert isinstance(original, HearthError), repr(error)
