"""The private welcome a member gets on joining a group (through SimCord)."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import simcord

from bot.config import Settings
from tests.conftest import Harness, make_settings, running
from tests.groups.support import said, server

CARE_DISCLOSURE = "only the writer gets a private message with helplines"


def contents(result: simcord.InteractionResult) -> list[discord.Message]:
    return [m for m in (result.response, *result.followups) if m is not None]


async def test_joining_shows_a_private_welcome_then_the_guidelines_to_accept(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await s.fran.slash(s.general, "facilitate group create", name="Caregivers", description="Caring for someone")
    channel = s.guild.channels["caregivers"]
    scheduled = await s.fran.slash(channel, "facilitate meeting schedule", title="Evening circle", when="tomorrow 7pm")
    assert "Scheduled" in said(scheduled)

    joined = await s.mia.slash(s.general, "group join", group="Caregivers")

    guidelines, welcome = contents(joined)
    assert welcome.ephemeral and guidelines.ephemeral  # nobody else sees who joined
    text = welcome.content
    assert "Welcome to Caregivers" in text
    assert "**Next meeting:** Evening circle, <t:" in text
    assert "Join queue" in text and "/checkin now" in text and "/share" in text
    assert CARE_DISCLOSURE in text
    assert len(text) <= 2000
    assert "You joined **Caregivers**. One step left" in guidelines.content and "Be kind" in guidelines.content
    accepted = await s.mia.click(joined.response.message, label="I accept")
    assert "you accepted **Caregivers**'s guidelines" in said(accepted)


async def test_no_meeting_yet_says_so_kindly(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await s.fran.slash(s.general, "facilitate group create", name="Caregivers")

    joined = await s.mia.slash(s.general, "group join", group="Caregivers")

    assert "none is scheduled yet" in said(joined)


async def test_an_approved_request_gets_the_welcome_by_dm_and_closed_dms_lose_nothing(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await s.fran.slash(s.general, "facilitate group create", name="Grief Circle", private=True)
    channel = s.guild.channels["grief-circle"]
    await s.mia.slash(s.general, "group join", group="Grief Circle")
    await s.ben.slash(s.general, "group join", group="Grief Circle")
    requests = [m for m in channel.history() if m.components]
    mia_request, ben_request = requests[-2], requests[-1]

    await s.fran.click(mia_request, label="Approve")
    env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=1)
    approved = await s.fran.click(ben_request, label="Approve")

    dm = list(s.mia.user.dm_channel.history())[-1].content
    assert "was approved" in dm and "Welcome to Grief Circle" in dm and CARE_DISCLOSURE in dm
    assert "approved" in said(approved)
    info = await s.ben.slash(s.general, "group info", group="Grief Circle")
    assert "You're a member" in said(info)  # the membership stands although the DM could not be sent


@pytest.fixture
def only_groups(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, HEARTH_FEATURES="groups")


async def test_only_loaded_features_appear_in_the_welcome(only_groups: Settings) -> None:
    async for harness in running(only_groups):
        env = harness.env
        guild = env.create_guild()
        general = guild.create_text_channel("general")
        admin = guild.add_member(
            env.create_user("ada"), roles=[guild.create_role("A", permissions=discord.Permissions(manage_guild=True))]
        )
        mia = guild.add_member(env.create_user("mia"))
        await admin.slash(general, "facilitate group create", name="Caregivers")

        joined = await mia.slash(general, "group join", group="Caregivers")
        text = contents(joined)[-1].content

        assert "Welcome to Caregivers" in text
        for absent in ("meeting", "Join queue", "/checkin", "/share", "helplines"):
            assert absent not in text, absent
