"""Is the moderator queue private? Judged from Discord's effective permissions on the channel.

The queue must be readable by moderators and admins only (PRODUCT.md). Anyone else who can see it —
@everyone, a role without Manage Server that isn't the moderator role, a member given access by name —
is named here so an admin can fix it; while the list isn't empty Hearth leaves members' words and names
out of what it posts there.
"""

from __future__ import annotations

import discord

from bot.delivery import Delivery
from cogs.moderation.domain import queue_turned_public

MAX_NAMES = 5


def _is_admin(permissions: discord.Permissions) -> bool:
    return permissions.administrator or permissions.manage_guild


def others_who_can_read(channel: discord.abc.GuildChannel, moderator_role_id: int | None) -> list[str]:
    """Who besides moderators, admins and Hearth can read ``channel`` (names for the admin; empty: private)."""
    guild = channel.guild
    me = guild.me
    if channel.permissions_for(guild.default_role).view_channel:
        return ["@everyone"]  # every other role then sees it too: naming them all would bury the point
    names: list[str] = []
    for role in guild.roles:
        if role.is_default() or role.id == moderator_role_id or _is_admin(role.permissions):
            continue
        if me is not None and role.is_bot_managed() and role in me.roles:
            continue  # Hearth's own role
        if channel.permissions_for(role).view_channel:
            names.append(f"@{role.name}")
    for target, overwrite in channel.overwrites.items():
        if not isinstance(target, discord.Member) or not overwrite.view_channel:
            continue
        if (me is not None and target.id == me.id) or _is_admin(target.guild_permissions):
            continue
        if moderator_role_id is not None and any(r.id == moderator_role_id for r in target.roles):
            continue
        names.append(target.display_name)
    return names[:MAX_NAMES] + ([f"{len(names) - MAX_NAMES} more"] if len(names) > MAX_NAMES else [])


def queue_readers(client: discord.Client, guild_id: int, channel_id: int, moderator_role_id: int | None) -> list[str]:
    """``others_who_can_read`` by ids; a channel Hearth can't see (yet) counts as private: nothing is posted
    there anyway."""
    guild = client.get_guild(guild_id)
    channel = guild.get_channel(channel_id) if guild else None
    if channel is None or isinstance(channel, discord.CategoryChannel):
        return []
    return others_who_can_read(channel, moderator_role_id)


def owner_notice(channel: discord.TextChannel, readers: list[str], purpose: str) -> Delivery | None:
    """Admins may never open the queue channel: a DM to the owner, the system channel if DMs are refused."""
    guild = channel.guild
    if guild.owner_id is None:
        return None
    text = queue_turned_public(guild.name, channel.id, readers)
    system = guild.system_channel
    fallback = system.id if system is not None and system.id != channel.id else None
    return Delivery.dm(
        guild.owner_id,
        text,
        purpose=purpose,
        guild_id=guild.id,
        fallback_channel_id=fallback,
        fallback_content=text if fallback is not None else None,
    )
