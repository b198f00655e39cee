"""When the private moderator queue turns readable by others, every admin hears it, once per change, privately;
the system channel (no pings) only when none of those DMs got through (issue 11, "tells the admins")."""

from __future__ import annotations

import discord
import simcord
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

from bot.delivery import GIVEN_UP, SENT
from cogs.moderation.cog import QUEUE_PUBLIC_PURPOSE
from cogs.moderation.queue_check import MAX_ADMINS
from tests.conftest import Harness
from tests.moderation.support import Server, make_server
from tests.moderation.test_queue_privacy import make_public


def dms_of(person: simcord.MemberActor) -> list[str]:
    dm = person.user.dm_channel
    return [] if dm is None else [m.content for m in dm.history() if m.author.bot]


async def with_admins(harness: Harness) -> tuple[Server, simcord.MemberActor, simcord.MemberActor]:
    """The owner; Ada, who holds Manage Server through a role; Abe, an Administrator; Hearth's members otherwise."""
    s = await make_server(harness)
    ada = s.guild.add_member(
        harness.env.create_user("ada"),
        roles=[s.guild.create_role("Staff", permissions=discord.Permissions(manage_guild=True))],
    )
    abe = s.guild.add_member(
        harness.env.create_user("abe"),
        roles=[s.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))],
    )
    harness.env.backend.edit_guild(s.guild.id, {"system_channel_id": s.general.id})
    await harness.env.settle()
    return s, ada, abe


def system_posts(s: Server) -> list[discord.Message]:
    return [m for m in s.general.history() if m.author.bot]


async def test_every_admin_is_told_once_per_change_and_nobody_else(db_harness: Harness) -> None:
    s, ada, abe = await with_admins(db_harness)

    make_public(db_harness, s.queue.id, s.guild.default_role.id)
    await db_harness.env.settle()

    for admin in (s.owner, ada, abe):
        told = dms_of(admin)
        assert len(told) == 1 and "can now be read by @everyone" in told[0], admin.user.name
    # Not the members, not the moderator (they see the warning in the queue itself), and no public post.
    assert not dms_of(s.alice) and not dms_of(s.bob) and not dms_of(s.maya)
    assert system_posts(s) == []
    records = await db_harness.bot.deliveries.records(QUEUE_PUBLIC_PURPOSE)
    assert [r.state for r in records] == [SENT, SENT, SENT]  # each through the delivery record
    assert records[0].user_id == s.owner.id  # the owner first

    # Another change to the still-public channel tells nobody again.
    make_public(db_harness, s.queue.id, s.guild.roles["Moderators"].id)
    await db_harness.env.settle()
    assert [len(dms_of(a)) for a in (s.owner, ada, abe)] == [1, 1, 1]


async def test_one_dm_through_means_no_public_post_and_none_through_means_exactly_one(db_harness: Harness) -> None:
    env = db_harness.env
    s, ada, abe = await with_admins(db_harness)
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=1)  # the owner's DMs are closed

    make_public(db_harness, s.queue.id, s.guild.default_role.id)
    await env.settle()
    assert not dms_of(s.owner) and len(dms_of(ada)) == 1 and len(dms_of(abe)) == 1
    assert system_posts(s) == []  # two admins know: nothing is said in public

    # Fixed, then public again, and now nobody's DMs are open: the system channel gets it once, without pings.
    env.backend.set_overwrite(s.queue.id, overwrite_hiding(s.guild.default_role.id))
    await env.settle()
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=None)
    env.inject_error("POST", f"/channels/{ada.user.dm_channel.id}/messages", status=403, code=50007, times=None)
    env.inject_error("POST", f"/channels/{abe.user.dm_channel.id}/messages", status=403, code=50007, times=None)
    make_public(db_harness, s.queue.id, s.guild.default_role.id)
    await env.settle()

    posted = system_posts(s)
    assert len(posted) == 1 and "can now be read by @everyone" in posted[0].content
    assert not posted[0].mentions and not posted[0].role_mentions and not posted[0].mention_everyone
    states = [r.state for r in await db_harness.bot.deliveries.records(QUEUE_PUBLIC_PURPOSE)]
    assert states.count(GIVEN_UP) == 1 + 3 and states.count(SENT) == 2 + 1


def overwrite_hiding(role_id: int) -> Overwrite:
    return Overwrite(
        target_id=role_id, type=OverwriteType.ROLE, allow=0, deny=discord.Permissions(view_channel=True).value
    )


async def test_the_list_of_admins_is_capped_owner_first_and_leaves_bots_out(harness: Harness) -> None:
    s = await make_server(harness)
    staff = s.guild.create_role("Staff", permissions=discord.Permissions(manage_guild=True))
    for i in range(MAX_ADMINS + 3):
        s.guild.add_member(harness.env.create_user(f"staff{i}"), roles=[staff])
    helper_bot = harness.env.create_user("otherbot", bot=True)
    s.guild.add_member(helper_bot, roles=[staff])
    await harness.env.settle()

    make_public(harness, s.queue.id, s.guild.default_role.id)
    await harness.env.settle()

    records = await harness.bot.deliveries.records(QUEUE_PUBLIC_PURPOSE)
    assert len(records) == MAX_ADMINS and records[0].user_id == s.owner.id
    assert helper_bot.id not in {r.user_id for r in records}
