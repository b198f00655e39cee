"""The demo's simulated server, "Peer Support Commons", seeded by people using Hearth's own commands.

Every row comes from a slash command, a button or a form the personas use in SimCord, exactly as the
behaviour tests drive the bot, so the world stays right when a feature changes how it stores things.
A step whose answer is not what a newcomer should see stops the demo with that step's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord
import simcord

from cogs.checkins.views import MOOD_ID, NOTE_ID, VISIBILITY_ID
from cogs.sharing.views import TEXT_ID, WARNING_ID

SERVER_NAME = "Peer Support Commons"
REPORT_REASON_ID = "mod:report:reason"
# SimCord's virtual time starts on Thursday 2026-01-01 00:00 UTC; the world wakes up mid-morning.
MORNING_SECONDS = 9.5 * 3600


class SeedError(RuntimeError):
    """A seeding step did not get the answer it expected (a feature changed what it says or needs)."""


@dataclass
class World:
    env: simcord.Env
    guild: simcord.GuildHandle
    general: simcord.ChannelHandle
    mod_queue: simcord.ChannelHandle
    voice: simcord.ChannelHandle
    caregivers: simcord.ChannelHandle  # the public group's channel
    grief: simcord.ChannelHandle  # the private group's channel
    admin: simcord.MemberActor
    facilitator: simcord.MemberActor
    moderator: simcord.MemberActor
    members: list[simcord.MemberActor]
    anonymous_post: discord.Message | None = None
    reported: discord.Message | None = None
    people: dict[str, simcord.MemberActor] = field(default_factory=dict)

    @property
    def everyone(self) -> list[simcord.MemberActor]:
        return [self.admin, self.facilitator, self.moderator, *self.members]

    def places(self) -> dict[str, simcord.ChannelHandle]:
        """Channels and threads by name, in the order a visitor would look at them."""
        found: dict[str, simcord.ChannelHandle] = {}
        for channel in (self.general, self.caregivers, self.grief, self.mod_queue):
            found[channel.name or str(channel.id)] = channel
            for thread in channel.threads:
                found[thread.name or str(thread.id)] = thread
        return found


def said(result: simcord.InteractionResult) -> str:
    parts = [result.response, *result.followups]
    return "\n".join(p.content for p in parts if p is not None and p.content)


def expect(step: str, result: simcord.InteractionResult, text: str) -> simcord.InteractionResult:
    if text not in said(result):
        raise SeedError(f"demo seeding step {step!r} expected {text!r}, got {said(result)[:300]!r}")
    return result


async def accept_guidelines(member: simcord.MemberActor, channel: simcord.ChannelHandle, group: str) -> None:
    shown = await member.slash(channel, "group guidelines", group=group)
    if shown.response is None or shown.response.message is None:
        raise SeedError(f"no guidelines for {member.user.name} in {group}")
    expect(
        f"{member.user.name} accepts {group}", await member.click(shown.response.message, label="I accept"), "accepted"
    )


async def check_in(
    member: simcord.MemberActor, channel: simcord.ChannelHandle, mood: int, note: str, visibility: str
) -> None:
    shown = await member.slash(channel, "checkin now")
    if shown.modal is None:
        raise SeedError(f"no check-in form for {member.user.name}: {said(shown)[:200]!r}")
    await member.submit_modal(shown, {MOOD_ID: [str(mood)], NOTE_ID: note, VISIBILITY_ID: [visibility]})


async def share(member: simcord.MemberActor, channel: simcord.ChannelHandle, text: str) -> None:
    shown = await member.slash(channel, "share")
    if shown.modal is None:
        raise SeedError(f"no share form for {member.user.name}: {said(shown)[:200]!r}")
    await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


async def reply_anonymously(member: simcord.MemberActor, post: Any, text: str) -> None:
    shown = await member.click(post, label="Reply anonymously")
    if shown.modal is None:
        raise SeedError(f"no reply form for {member.user.name}: {said(shown)[:200]!r}")
    await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


def forget_ephemeral_replies(env: simcord.Env) -> None:
    """Discord forgets "Only you can see this" replies when the app reloads; the seeded world starts that way,
    so a visitor sees the community's messages, not the personas' private receipts from setting it up."""
    for messages in env.backend.messages.values():
        for message_id in [m.id for m in messages.values() if m.is_ephemeral]:
            del messages[message_id]


async def build_world(env: simcord.Env) -> World:
    """Personas, /setup, two groups, a meeting with RSVPs, check-ins, anonymous posts, a waiting report."""
    await env.advance_time(MORNING_SECONDS)
    ada = env.create_user("Ada (admin)")
    guild = env.create_guild(SERVER_NAME, owner=ada)
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    facilitators = guild.create_role("Facilitators")
    moderators = guild.create_role("Moderators")
    general = guild.create_text_channel("general")
    # Moderators and admins read the queue channel; nobody else does (Hearth checks this at /setup).
    see = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)
    mod_queue = guild.create_text_channel(
        "mod-queue",
        overwrites={
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.roles[env.backend.bot_user.name]: see,
            admins: see,
            moderators: see,
        },
    )
    voice = guild.create_voice_channel("meeting-room")

    admin = guild.add_member(ada, roles=[admins])
    facilitator = guild.add_member(env.create_user("Fran (facilitator)"), roles=[facilitators])
    moderator = guild.add_member(env.create_user("Mo (moderator)"), roles=[moderators])
    members = [guild.add_member(env.create_user(name)) for name in ("Alex", "Sam", "Jo", "Riley")]
    alex, sam, jo, riley = members

    expect(
        "/setup",
        await admin.slash(
            general,
            "setup",
            facilitator_role=facilitators,
            moderator_role=moderators,
            mod_queue=mod_queue,
            timezone="Europe/London",
        ),
        "Saved",
    )
    # ...and, as the checklist asks, lets those roles see their commands (Server Settings → Integrations).
    for command, role in (("facilitate", facilitators), ("mod", moderators)):
        found = env.backend.find_command(command, guild.id)
        if found is not None:
            guild.set_command_permissions(int(found["id"]), {role: True})

    # A public group everyone may join, and a private one that needs the facilitator's yes.
    expect(
        "create Caregivers",
        await facilitator.slash(
            general, "facilitate group create", name="Caregivers", description="Looking after someone, and yourself"
        ),
        "Created",
    )
    expect(
        "create Grief Circle",
        await facilitator.slash(
            general, "facilitate group create", name="Grief Circle", description="Living with loss", private=True
        ),
        "Created",
    )
    caregivers = guild.channels["caregivers"]
    grief = guild.channels["grief-circle"]
    for member in members:
        expect(
            f"{member.user.name} joins Caregivers",
            await member.slash(general, "group join", group="Caregivers"),
            "joined",
        )
        await accept_guidelines(member, general, "Caregivers")
    for member in (alex, jo):
        expect(
            f"{member.user.name} asks to join Grief Circle",
            await member.slash(general, "group join", group="Grief Circle"),
            "its facilitators have been asked to let you in",
        )
        request = grief.last_message
        if request is None:
            raise SeedError("no join request in Grief Circle")
        expect("approve a join request", await facilitator.click(request, label="Approve"), "approved")
        await accept_guidelines(member, general, "Grief Circle")

    # A weekly meeting: next Thursday evening, with answers from most of the group.
    expect(
        "/facilitate meeting schedule",
        await facilitator.slash(
            caregivers,
            "facilitate meeting schedule",
            title="Thursday evening circle",
            when="2026-01-08 19:00",
            repeat="weekly",
            voice_channel=voice,
        ),
        "Scheduled",
    )
    card = caregivers.last_message
    if card is None:
        raise SeedError("no meeting card in Caregivers")
    for member, answer in ((alex, "Going"), (sam, "Going"), (jo, "Maybe")):
        await member.click(card, label=answer)

    # Check-ins: some shared with the group, some private.
    await check_in(alex, caregivers, 4, "Slept properly for the first time this week.", "group")
    await check_in(sam, caregivers, 2, "Mum had a hard night. Running on empty.", "group")
    await check_in(jo, caregivers, 3, "", "facilitators")
    await check_in(riley, caregivers, 3, "Only I can see this note.", "me")
    await check_in(jo, grief, 2, "The anniversary is next week.", "group")

    # An anonymous post with anonymous replies, in each group.
    await share(sam, caregivers, "Does anyone else feel guilty when they take an evening off?")
    post = caregivers.last_message
    if post is None:
        raise SeedError("the anonymous post did not appear")
    await reply_anonymously(alex, post, "All the time. You can't pour from an empty cup.")
    await reply_anonymously(jo, post, "I book my evening off like an appointment. It helps.")
    await reply_anonymously(sam, post, "Thank you both. That helps more than you know.")
    await share(jo, grief, "Some days I still reach for my phone to call her.")

    # A message someone reported, waiting in the moderator queue.
    reported = await riley.send(caregivers, "Honestly, some of you just need to toughen up.")
    shown = await alex.context_menu(caregivers, "Report message", reported)
    if shown.modal is None:
        raise SeedError(f"no report form: {said(shown)[:200]!r}")
    expect(
        "report a message",
        await alex.submit_modal(shown, {REPORT_REASON_ID: "Dismissive of people who are struggling"}),
        "reached the moderators",
    )

    forget_ephemeral_replies(env)
    world = World(
        env=env,
        guild=guild,
        general=general,
        mod_queue=mod_queue,
        voice=voice,
        caregivers=caregivers,
        grief=grief,
        admin=admin,
        facilitator=facilitator,
        moderator=moderator,
        members=members,
        anonymous_post=post,
        reported=reported,
    )
    world.people = {m.user.name: m for m in world.everyone}
    return world
