"""Every feature alone (with what it NEEDS) and every linked pair: it starts, its commands answer, and a
link to a feature that isn't loaded degrades with a message the member is told (issue 10)."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import simcord

from bot.config import Settings
from tests.conftest import Harness, make_settings
from tests.support.commands import allow
from tests.support.groups import make_group

# Each feature's root command and one command to probe it with.
ROOTS = {
    "groups": ("group", "group list", {}),
    "checkins": ("checkin", "checkin history", {}),
    "meetings": ("meeting", "meeting list", {"group": "Caregivers"}),
    "rounds": ("round", "round status", {}),
    "sharing": ("share", "share", {}),
    "moderation": ("mod", "mod queue", {}),
    "privacy": ("privacy", "privacy info", {}),
    "care": ("care", "care helplines", {}),
}

FEATURE_SETS = [
    "groups",
    "privacy",
    "groups,checkins",
    "groups,meetings",
    "groups,rounds",
    "groups,sharing",
    "groups,moderation",
    "groups,sharing,moderation",  # the linked pair: held posts, Report, blocks
    "groups,privacy,sharing",  # privacy erases through what loaded features register
    "groups,care",  # care alone: the direct ask, helplines; no queue to escalate to
    "groups,checkins,care",  # a check-in's words of crisis reach care
    "groups,sharing,moderation,care",  # an anonymous author reached through sharing; escalation to moderators
]


@pytest.fixture(params=FEATURE_SETS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return make_settings(tmp_path, HEARTH_FEATURES=request.param)


def loaded(harness: Harness) -> set[str]:
    return set(harness.settings.bot.features or ())


async def test_each_loaded_feature_answers_and_nothing_else_is_offered(harness: Harness, env: simcord.Env) -> None:
    guild = env.create_guild()
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    ada = guild.add_member(env.create_user("ada"), roles=[admins])
    channel = guild.create_text_channel("caregivers")
    if "groups" in loaded(harness):
        await make_group(harness, guild, "Caregivers", members=[ada], facilitators=[ada], channel=channel)
    if "moderation" in loaded(harness):  # /mod is shown to Manage Messages; this admin lets themself see it
        allow(env, guild, "mod", admins)
    # /facilitate holds the loaded features' facilitator commands (groups always brings some), else is absent
    facilitate = env.backend.find_command("facilitate", guild.id)
    assert (facilitate is not None) == ("groups" in loaded(harness))
    if facilitate is not None:
        parts = {option["name"] for option in facilitate.get("options", [])}
        assert ("round" in parts) == ("rounds" in loaded(harness)), parts
        assert ("meeting" in parts) == ("meetings" in loaded(harness)), parts

    for feature, (root, probe, options) in ROOTS.items():
        found = env.backend.find_command(root, guild.id)
        # /mod also holds care's `cases` (bot/role_commands.py): moderation itself brings the queue
        offered = found is not None and (root != "mod" or "queue" in {o["name"] for o in found.get("options", [])})
        assert offered == (feature in loaded(harness)), (feature, offered)
        if not offered:
            continue
        result = await ada.slash(channel, probe, **options)
        answer = result.modal or result.response
        assert answer is not None, probe
        if result.modal is None:
            assert result.response is not None and result.response.ephemeral, probe
            text = "\n".join(m.content for m in [result.response, *result.followups] if m is not None)
            assert "Something went wrong" not in text, (probe, text)


async def test_setup_offers_the_same_options_and_refuses_an_absent_features_setting(
    harness: Harness, env: simcord.Env
) -> None:
    if "groups" not in loaded(harness):
        pytest.skip("/setup belongs to groups")
    guild = env.create_guild()
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    ada = guild.add_member(env.create_user("ada"), roles=[admins])
    general = guild.create_text_channel("general")
    command = env.backend.find_command("setup", guild.id)
    assert command is not None
    names = [option["name"] for option in command.get("options", [])]
    assert names == [
        "facilitator_role",
        "moderator_role",
        "mod_queue",
        "confirm_public_queue",
        "timezone",
        "anonymous_sharing",
        "approval_required",
        "break_glass",
        "duty_of_care",
        "care_urgent_minutes",
        "care_gentle_minutes",
    ]

    result = await ada.slash(general, "setup", mod_queue=general, confirm_public_queue=True)

    assert result.response is not None and result.response.ephemeral
    if "moderation" in loaded(harness):
        assert "Saved." in result.response.content
    else:
        assert (
            "isn't running on this server" in result.response.content
            and "Nothing was changed" in result.response.content
        )
        env.errors_since(env._errors_acknowledged)  # the refusal above is the behaviour under test
        env._errors_acknowledged = len(env.errors)
