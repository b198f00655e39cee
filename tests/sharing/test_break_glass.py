"""Break-glass through /setup: only the owner switches it; off deletes every stored author identity."""

from __future__ import annotations

import discord
import simcord
from sqlalchemy import select

from bot.errors import NotAllowed
from cogs.moderation.models import AuditEntry
from cogs.sharing.models import AnonymousPost
from tests.conftest import Harness
from tests.sharing.test_behaviour import expect_refusal, share
from tests.support.groups import make_group


async def stored_ciphertexts(harness: Harness) -> int:
    async with harness.bot.db.read() as session:
        rows = await session.scalars(select(AnonymousPost).where(AnonymousPost.author_ciphertext.is_not(None)))
        return len(list(rows))


async def test_owner_turns_break_glass_on_and_off_and_off_deletes_identities(
    harness: Harness, env: simcord.Env
) -> None:
    owner_user = env.create_user("owner")
    guild = env.create_guild(owner=owner_user)
    owner = guild.add_member(owner_user)
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admins])
    alice = guild.add_member(env.create_user("alice"))
    group = await make_group(harness, guild, "Grief", members=[alice])
    setup_channel = guild.create_text_channel("admin")

    refused = await admin.slash(setup_channel, "setup", break_glass=True)
    assert refused.ephemeral
    assert "Only the server owner can turn break-glass on or off" in refused.response.content
    expect_refusal(env, NotAllowed)

    turned_on = await owner.slash(setup_channel, "setup", break_glass=True)
    assert turned_on.ephemeral
    assert "Break-glass (the owner may reveal an anonymous author, audited): on" in turned_on.response.content

    await share(alice, group.channel, "Something I can only say without my name.")
    assert await stored_ciphertexts(harness) == 1
    async with harness.bot.db.read() as session:
        post = await session.scalar(select(AnonymousPost))
        assert post is not None
        assert str(alice.id).encode() not in (post.author_ciphertext or b"")  # encrypted, not merely encoded

    turned_off = await owner.slash(setup_channel, "setup", break_glass=False)
    assert "1 stored author identity was deleted" in turned_off.response.content
    assert await stored_ciphertexts(harness) == 0

    async with harness.bot.db.read() as session:
        actions = [e.action for e in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["break-glass on", "break-glass off"]

    await share(alice, group.channel, "And now nothing links this to me at all.")
    assert await stored_ciphertexts(harness) == 0
