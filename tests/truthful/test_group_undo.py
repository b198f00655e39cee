"""When Discord refuses the second half of a /group change, the first half is taken back and the
member is told so: never "saved" for something the database no longer holds (issue 13)."""

from __future__ import annotations

import pytest
import simcord
from sqlalchemy import func, select

from cogs.groups.models import Group, GroupFacilitator, GroupMember, JoinRequest
from tests.conftest import Harness
from tests.groups.support import Server, can_see, said, server
from tests.support.faults import discord_failing


async def count(harness: Harness, model: type, **where: int) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    async with harness.bot.db.read() as session:
        return int(await session.scalar(query) or 0)


async def private_group(s: Server, name: str = "Grief Circle") -> simcord.ChannelHandle:
    result = await s.fran.slash(s.general, "facilitate group create", name=name, private=True)
    assert "Created the private group" in said(result)
    return s.guild.channels[name.lower().replace(" ", "-")]


@pytest.mark.parametrize("kind", ["403", "500"])
async def test_adding_a_facilitator_discord_refuses_says_nothing_was_kept(db_harness: Harness, kind: str) -> None:
    harness, env = db_harness, db_harness.env
    s = await server(env)
    channel = await private_group(s)
    before = await count(harness, GroupFacilitator)

    with discord_failing(kind) as failed:
        added = await s.fran.slash(s.general, "facilitate facilitators add", group="Grief Circle", member=s.ben)

    assert failed, "the channel permission step must have been tried"
    text = said(added)
    assert added.ephemeral
    assert "now facilitates" not in text and "was saved" not in text, text
    assert "Nothing was changed" in text or "nothing was changed" in text, text
    assert await count(harness, GroupFacilitator, user_id=s.ben.id) == 0
    assert await count(harness, GroupFacilitator) == before
    assert not can_see(channel, s.ben)
    env.errors  # the refusal was the behaviour under test  # noqa: B018

    again = await s.fran.slash(s.general, "facilitate facilitators add", group="Grief Circle", member=s.ben)
    assert "now facilitates" in said(again) and can_see(channel, s.ben)


@pytest.mark.parametrize("kind", ["403", "404", "500"])
async def test_approving_a_request_discord_refuses_the_role_keeps_the_request(db_harness: Harness, kind: str) -> None:
    harness, env = db_harness, db_harness.env
    s = await server(env)
    channel = await private_group(s)
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    request = channel.last_message
    assert request is not None

    with discord_failing(kind) as failed:
        pressed = await s.fran.click(request, label="Approve")

    assert failed, "the role grant must have been tried"
    text = said(pressed)
    assert pressed.ephemeral, text
    assert "approved" not in text and "was saved" not in text, text
    assert "Nothing was changed" in text, text
    assert await count(harness, GroupMember, user_id=s.mia.id) == 0
    assert await count(harness, JoinRequest, user_id=s.mia.id) == 1
    assert not can_see(channel, s.mia)
    env.errors  # noqa: B018

    approved = await s.fran.click(request, label="Approve")
    assert "approved" in said(approved) and can_see(channel, s.mia)
    assert await count(harness, JoinRequest) == 0


async def test_approving_someone_discord_no_longer_knows_drops_the_request_and_says_so(db_harness: Harness) -> None:
    harness, env = db_harness, db_harness.env
    s = await server(env)
    channel = await private_group(s)
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    request = channel.last_message
    assert request is not None
    env.inject_error("PUT", "/guilds/*/members/*/roles/*", status=404, code=10007, message="Unknown Member")

    pressed = await s.fran.click(request, label="Approve")

    assert "no longer on this server, so the request was dropped" in said(pressed)
    assert await count(harness, GroupMember, user_id=s.mia.id) == 0
    assert await count(harness, JoinRequest) == 0
    env.errors  # noqa: B018


async def test_archiving_when_discord_refuses_some_role_removals_names_who_still_has_it(db_harness: Harness) -> None:
    harness, env = db_harness, db_harness.env
    s = await server(env)
    created = await s.fran.slash(s.general, "facilitate group create", name="Caregivers")
    assert "Created the public group" in said(created)
    for member in (s.mia, s.ben):
        await member.slash(s.general, "group join", group="Caregivers")
    async with harness.bot.db.read() as session:
        group = (await session.scalars(select(Group))).one()
    role_id = group.role_id or 0
    env.inject_error("DELETE", f"/guilds/*/members/{s.ben.id}/roles/*", status=403, code=50013, message="Missing")

    archived = await s.fran.slash(s.general, "facilitate group archive", group="Caregivers")

    text = said(archived)
    assert archived.ephemeral
    assert "Archived **Caregivers**" in text and "1 member no longer wears its role" in text, text
    assert f"who still has it: <@{s.ben.id}>" in text and f"<@{s.mia.id}>" not in text, text
    assert role_id in env.backend.get_member(s.guild.id, s.ben.id).role_ids
    assert role_id not in env.backend.get_member(s.guild.id, s.mia.id).role_ids
    async with harness.bot.db.read() as session:
        assert (await session.get(Group, group.id)).archived_at is not None  # type: ignore[union-attr]
    env.errors  # noqa: B018


async def test_unarchiving_when_discord_refuses_the_role_names_who_lacks_it(db_harness: Harness) -> None:
    env = db_harness.env
    s = await server(env)
    await s.fran.slash(s.general, "facilitate group create", name="Caregivers")
    await s.mia.slash(s.general, "group join", group="Caregivers")
    await s.fran.slash(s.general, "facilitate group archive", group="Caregivers")

    with discord_failing("500"):
        restored = await s.fran.slash(s.general, "facilitate group unarchive", group="Caregivers")

    text = said(restored)
    assert "active again; 0 members have its role back" in text, text
    assert f"who doesn't have it yet: <@{s.mia.id}>" in text, text
    env.errors  # noqa: B018
