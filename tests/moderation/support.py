"""Arrange a server with a group, a moderator role and a mod-queue channel for moderation tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
import simcord
from sqlalchemy import select

from cogs.moderation.models import AuditEntry, ModerationConfig, ModItem, ModReport
from cogs.sharing.models import SharingConfig
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group

if TYPE_CHECKING:
    from tests.conftest import Harness

REASON = "mod:report:reason"


@dataclass
class Server:
    guild: simcord.GuildHandle
    group: GroupFixture
    queue: simcord.ChannelHandle
    general: simcord.ChannelHandle
    alice: simcord.MemberActor  # writes messages
    bob: simcord.MemberActor  # reports
    carol: simcord.MemberActor  # reports too
    maya: simcord.MemberActor  # moderator
    owner: simcord.MemberActor  # server owner

    @property
    def channel(self) -> simcord.ChannelHandle:
        return self.group.channel

    def card(self) -> discord.Message:
        message = self.queue.last_message
        assert message is not None, "no card in the mod-queue channel"
        return message


SEE = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)


def private_queue(
    env: simcord.Env, guild: simcord.GuildHandle, moderators: simcord.RoleHandle, name: str = "mod-queue"
) -> simcord.ChannelHandle:
    """A queue channel only moderators (and admins, and Hearth) can read, as /setup expects."""
    return guild.create_text_channel(
        name,
        overwrites={
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.roles[env.backend.bot_user.name]: SEE,
            moderators: SEE,
        },
    )


async def make_server(
    harness: Harness,
    *,
    queue_channel: bool = True,
    break_glass: bool = False,
    approval: bool = False,
    public_queue: bool = False,
) -> Server:
    env = harness.env
    owner_user = env.create_user("olivia")
    guild = env.create_guild(owner=owner_user)
    mods = guild.create_role("Moderators")
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    carol = guild.add_member(env.create_user("carol"))
    maya = guild.add_member(env.create_user("maya"), roles=[mods])
    owner = simcord.MemberActor(env, guild, owner_user)
    group = await make_group(harness, guild, "Caregivers", members=[alice, bob, carol])
    queue = guild.create_text_channel("mod-queue") if public_queue else private_queue(env, guild, mods)
    general = guild.create_text_channel("general")
    allow(env, guild, "mod", mods)  # as the checklist asks admins (Integrations): moderators see /mod
    async with harness.bot.db.write() as session:
        session.add(
            ModerationConfig(
                guild_id=guild.id, moderator_role_id=mods.id, mod_queue_channel_id=queue.id if queue_channel else None
            )
        )
        session.add(
            SharingConfig(
                guild_id=guild.id, anonymous_sharing=True, approval_required=approval, break_glass=break_glass
            )
        )
    return Server(guild, group, queue, general, alice, bob, carol, maya, owner)


async def report(
    reporter: simcord.MemberActor, channel: simcord.ChannelHandle, message: object, reason: str = "This is hurtful"
) -> simcord.InteractionResult:
    shown = await reporter.context_menu(channel, "Report message", message)  # type: ignore[arg-type]
    assert shown.modal is not None, f"no reason form: {shown.response and shown.response.content}"
    return await reporter.submit_modal(shown, {REASON: reason})


async def items(harness: Harness) -> list[ModItem]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(ModItem).order_by(ModItem.id)))


async def reports(harness: Harness) -> list[ModReport]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(ModReport).order_by(ModReport.id)))


async def audit(harness: Harness) -> list[AuditEntry]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def labels(message: discord.Message) -> list[str]:
    return [child.label for row in message.components for child in row.children]  # type: ignore[attr-defined]


def text_of(result: simcord.InteractionResult) -> str:
    """What the member saw: the response, or the last followup after a defer."""
    if result.followups:
        return result.followups[-1].content
    assert result.response is not None, "no answer"
    return result.response.content


def refused(env: simcord.Env, kind: type[BaseException] | None = None) -> None:
    """The bot answered with an expected error: acknowledge it (SimCord fails the test on unread errors)."""
    errors = env.errors
    if kind is None:
        return
    assert errors, "expected a refusal"
    original = getattr(errors[-1], "original", errors[-1])
    assert isinstance(original, kind), repr(original)
