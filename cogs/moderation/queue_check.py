"""Is the moderator queue private? Judged from Discord's effective permissions on the channel.

The queue must be readable by moderators and admins only (PRODUCT.md). Anyone else who can see it —
@everyone, a role without Manage Server that isn't the moderator role, a member given access by name —
is named here so an admin can fix it; while the list isn't empty Hearth leaves members' words and names
out of what it posts there.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import discord

from bot.db import Database
from bot.delivery import GIVEN_UP, Deliveries, Delivery, GivenUp
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


MAX_ADMINS = 10  # a big server's admin list is not a mailing list: the owner and the first few are enough


def admins_of(guild: discord.Guild) -> list[int]:
    """Who is told when the queue turns public: the owner first, then human members holding Administrator or
    Manage Server through a role (from the guild's member cache), at most ``MAX_ADMINS``."""
    found = [guild.owner_id] if guild.owner_id is not None else []
    for role in sorted(guild.roles, key=lambda r: -r.position):
        if role.is_default() or not _is_admin(role.permissions):
            continue
        found += [m.id for m in role.members if not m.bot and m.id not in found]
    return found[:MAX_ADMINS]


class QueueNotices:
    """Tells every admin, once per change, that the private queue channel can now be read by others: a DM each
    through the delivery record, and one post in the system channel (no pings) when none of the DMs got through.

    The DMs of one change share a ``ref``; the delivery record's give-up hook posts the fallback once the last of
    them is given up, so a DM that did arrive means no public post, and two refusals never mean two posts."""

    def __init__(
        self,
        client: discord.Client,
        deliveries: Deliveries,
        db: Database,
        purpose: str,
        queue_of: Callable[[int], Awaitable[tuple[int | None, int | None]]],
    ) -> None:
        self.client, self.deliveries, self.db, self.purpose, self.queue_of = client, deliveries, db, purpose, queue_of

    def attach(self) -> None:
        self.deliveries.on_given_up(self.purpose, self.given_up)

    def detach(self) -> None:
        self.deliveries.drop_hook(self.purpose)

    async def tell_admins(self, channel: discord.TextChannel, readers: list[str]) -> int:
        """Called once per change (private -> readable), not on every channel event. Returns how many DMs."""
        guild = channel.guild
        text = queue_turned_public(guild.name, channel.id, readers)
        change = f"{channel.id}:{secrets.token_hex(6)}"  # one change: its DMs' common ref, nothing about anyone
        notices = [
            Delivery.dm(admin, text, purpose=self.purpose, guild_id=guild.id, ref=change) for admin in admins_of(guild)
        ]
        if notices:
            async with self.db.write() as session:
                await self.deliveries.enqueue_many(session, notices)
        return len(notices)

    async def given_up(self, given_up: GivenUp) -> None:
        """A DM of a change was refused: when it was the last one still hoping, post in the system channel."""
        if given_up.guild_id is None or not given_up.ref:
            return
        change = [r for r in await self.deliveries.records(self.purpose) if r.ref == given_up.ref]
        if any(r.kind != "dm" or r.state != GIVEN_UP for r in change):
            return  # a DM arrived (or is still being tried), or the fallback is already out
        guild = self.client.get_guild(given_up.guild_id)
        channel = guild.get_channel(int(given_up.ref.split(":")[0])) if guild else None
        system = guild.system_channel if guild else None
        if guild is None or not isinstance(channel, discord.TextChannel) or system is None or system.id == channel.id:
            return
        readers = others_who_can_read(channel, (await self.queue_of(guild.id))[1])
        if not readers:
            return  # fixed meanwhile: nothing left to say
        text = queue_turned_public(guild.name, channel.id, readers)
        async with self.db.write() as session:
            self.deliveries.enqueue(
                session, Delivery.channel(system.id, text, purpose=self.purpose, guild_id=guild.id, ref=given_up.ref)
            )
