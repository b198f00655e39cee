"""A member who uses every feature that stores something about them, and the scans that look for them
afterwards: every table, every message Hearth posted on Discord, REST bodies and logs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import simcord
from sqlalchemy import select

from bot.db import Base
from cogs.groups.models import GroupFacilitator
from cogs.sharing.models import GroupSharing
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.moderation.support import Server, make_server, report
from tests.support.groups import GroupFixture, make_group

# Alice's words, each with a marker no other text contains.
NOTE = "Wren-note: the new medication makes mornings heavy"
POST = "Finch-post: I told my sister about the diagnosis"
REPLY = "Plover-reply: that took courage, thank you for saying it"
HELD = "Heron-held: I almost skipped the group today"
SAID = "Linnet-said: this week was better than last"
REASON = "Dunlin-reason: that message felt unkind"
RESOURCE = "Curlew-resource: grounding with five senses"
WORDS = (NOTE, POST, REPLY, HELD, SAID, REASON, RESOURCE)
MARKERS = tuple(word.split(":")[0] for word in WORDS)

# Others' words that must stay.
BOB_POST = "Sparrow-post: a quiet week for me"
BOB_SAID = "Robin-said: you are all too sensitive"


@dataclass
class Story:
    s: Server
    quiet: GroupFixture  # a group whose anonymous posts wait for approval

    @property
    def alice(self) -> simcord.MemberActor:
        return self.s.alice


async def share(member: simcord.MemberActor, channel: simcord.ChannelHandle, text: str) -> None:
    shown = await member.slash(channel, "share")
    assert shown.modal is not None, shown.response and shown.response.content
    await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


def message_with(channel: simcord.ChannelHandle, text: str) -> Any:
    found = [m for m in channel.history() if text in m.content]
    assert found, f"no message with {text[:12]!r} in #{channel.name}"
    return found[-1]


async def live(harness: Harness) -> Story:
    """Alice joins, checks in for the group, shares, replies, waits for approval, is reported (as herself
    and anonymously), reports someone, and adds a resource."""
    s = await make_server(harness)
    quiet = await make_group(harness, s.guild, "Quiet Room", members=[s.alice, s.bob])
    async with harness.bot.db.write() as session:
        session.add(GroupSharing(group_id=quiet.group_id, shares_need_approval=True))
    alice, bob, carol = s.alice, s.bob, s.carol

    shown = await alice.slash(s.channel, "checkin now")
    assert shown.modal is not None
    await alice.submit_modal(shown, {"checkin:mood": ["3"], "checkin:note": NOTE, "checkin:visibility": ["group"]})
    assert any(NOTE in m.content or NOTE in str(m.embeds and m.embeds[0].to_dict()) for m in s.channel.history())

    await share(alice, s.channel, POST)
    await share(bob, s.channel, BOB_POST)
    shown = await alice.click(message_with(s.channel, BOB_POST), label="Reply anonymously")
    assert shown.modal is not None
    await alice.submit_modal(shown, {TEXT_ID: REPLY, WARNING_ID: ""})
    await share(alice, quiet.channel, HELD)  # held: its card quotes it to the moderators

    await report(carol, s.channel, message_with(s.channel, POST), "worried about this post")
    said = await alice.send(s.channel, SAID)
    await report(bob, s.channel, said, "not sure this belongs here")
    unkind = await bob.send(s.channel, BOB_SAID)
    await report(alice, s.channel, unkind, REASON)

    added = await alice.slash(s.channel, "resource add", title=RESOURCE, description="Name five things you see.")
    assert added.response is not None

    # She asks to join a private group: its facilitators get a card naming her.
    owls = await make_group(harness, s.guild, "Night Owls", facilitators=[s.maya], private=True)
    asked = await alice.slash(s.general, "group join", group="Night Owls")
    assert asked.response is not None
    assert any(str(alice.id) in m.content for m in owls.channel.history()), "no request card"

    # Maya facilitates the group: a meeting Alice answers, and a round in which Alice holds the stick.
    async with harness.bot.db.write() as session:
        session.add(GroupFacilitator(group_id=s.group.group_id, user_id=s.maya.id, added_at=harness.clock.now()))
    scheduled = await s.maya.slash(
        s.channel, "facilitate meeting schedule", title="Weekly circle", when="2026-01-08 19:00"
    )
    assert scheduled.response is not None
    card = s.channel.last_message
    assert card is not None and card.embeds and card.embeds[0].title == "Weekly circle"
    await alice.click(card, label="Going")
    started = await s.maya.slash(
        s.channel, "facilitate round start", topic="Round-topic", minutes=5, present=f"<@{alice.id}> <@{bob.id}>"
    )
    assert started.response is not None and "Round started" in started.response.content
    await harness.env.advance_time(5)
    return Story(s, quiet)


# --- scans ----------------------------------------------------------------------------------------------


def _carries(value: Any, user_id: int) -> list[str]:
    """What in one stored value points at the member: their id (as a number or inside text) or their words."""
    found = []
    if isinstance(value, int) and not isinstance(value, bool) and value == user_id:
        found.append("their id")
    if isinstance(value, (str, bytes)):
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        if re.search(rf"(?<!\d){user_id}(?!\d)", text):
            found.append("their id in text")
        found += [f"their words {m!r}" for m in MARKERS if m in text]
    return found


async def scan_tables(harness: Harness, user_id: int) -> list[str]:
    """Every row of every table Hearth has, read back: what still points at the member."""
    findings = []
    async with harness.bot.db.read() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                for column, value in row.items():
                    findings += [f"{table.name}.{column}: {what}" for what in _carries(value, user_id)]
    return findings


def scan_messages(env: simcord.Env, user_id: int, *, except_channels: set[int]) -> list[str]:
    """Every message Hearth posted (not ephemeral replies, which Discord never stores for others)."""
    bot_id = env.bot.user.id  # type: ignore[union-attr]
    findings = []
    for channel_id, messages in env.backend.messages.items():
        if channel_id in except_channels:
            continue
        for message in messages.values():
            if message.author_id != bot_id or message.is_ephemeral:
                continue
            stored = [message.content, repr(message.embeds), repr(message.components), repr(message.mention_user_ids)]
            for value in stored:
                findings += [f"message {message.id} in {channel_id}: {w}" for w in _carries(value, user_id)]
    return findings


def scan_requests(env: simcord.Env, since: int, user_id: int) -> list[str]:
    """REST calls Hearth made since ``since`` (their paths and bodies)."""
    findings = []
    for request in env.http_requests[since:]:
        body = repr(request.json)
        for value in (request.path, body):
            findings += [f"{request.method} {request.path}: {w}" for w in _carries(value, user_id)]
    return findings


def scan_text(text: str, ids: list[int]) -> list[str]:
    found = [f"words {m!r}" for m in MARKERS if m in text]
    found += [f"id {i}" for i in ids if str(i) in text]
    return found
