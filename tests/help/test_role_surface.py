"""A command surface per role (issue 14): facilitators' commands live under ``/facilitate`` and
moderators' under ``/mod``, which Discord hides from ordinary members by default permissions
(``bot/role_commands.py``); the command tree still refuses whoever a server shows them to."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import simcord

from bot import __main__ as cli
from bot.app import create_bot
from bot.audience import Audience, audience_of
from bot.config import Settings
from tests.conftest import Harness
from tests.groups.support import refused, said
from tests.help.test_behaviour import arranged
from tests.help.test_commands import leaves
from tests.rounds.helpers import live_view
from tests.support.commands import allow

ROLE_ONLY = {Audience.FACILITATORS, Audience.MODERATORS, Audience.HELPERS}


async def test_the_listing_shows_who_may_use_each_command_and_who_discord_shows_it_to(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli.list_commands(harness.settings, as_json=True) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}

    for name, row in rows.items():
        if Audience(row["audience"]) in ROLE_ONLY:  # hidden from members: on its top-level command
            assert row["default_permissions"], name
        if row["audience"] == Audience.MEMBERS:
            assert row["default_permissions"] == [], name
    assert rows["/facilitate round start"]["default_permissions"] == ["manage_guild"]
    assert rows["/facilitate cases"]["who"] == "facilitators and moderators"
    assert rows["/mod queue"]["default_permissions"] == rows["/mod cases"]["default_permissions"] == ["manage_messages"]
    assert rows["/mod cases"]["who"] == "facilitators and moderators"
    assert rows["/round status"]["who"] == "members" and rows["/round status"]["default_permissions"] == []

    assert await cli.list_commands(harness.settings, as_json=False) == 0
    text = capsys.readouterr().out.splitlines()
    start = text.index(next(line for line in text if line.startswith("/facilitate round start")))
    assert "[who: facilitators; shown to: Manage Server]" in text[start + 1]
    share = text.index(next(line for line in text if line.startswith("/share")))
    assert "[who: members; shown to: everyone]" in text[share + 1]


def test_every_guarded_command_sits_under_a_hidden_top_level_command(harness: Harness) -> None:
    for top in harness.bot.tree.get_commands():
        audiences = {audience_of(leaf) for leaf in leaves(top)}
        if audiences & ROLE_ONLY:
            assert top.default_permissions is not None and top.default_permissions.value, top.name
            assert Audience.MEMBERS not in audiences, f"/{top.name} mixes member and role commands"


async def facilitate_of(settings: Settings, features: list[str]) -> list[str] | None:
    bot = create_bot(dataclasses.replace(settings, bot=dataclasses.replace(settings.bot, features=features)))
    try:
        await bot.load_features()
        found: Any = bot.tree.get_command("facilitate")
        return None if found is None else sorted(c.name for c in found.commands)
    finally:
        await bot.db.close()


async def test_each_loaded_feature_brings_its_own_part_of_facilitate(settings: Settings) -> None:
    assert await facilitate_of(settings, ["privacy"]) is None  # nothing contributed: no /facilitate
    assert await facilitate_of(settings, ["groups", "rounds"]) == ["facilitators", "group", "round"]
    everything = await facilitate_of(settings, [])
    assert everything is not None and {"round", "meeting", "agenda", "checkin", "cases", "stats"} <= set(everything)


async def test_a_member_is_offered_no_facilitator_or_moderator_command(harness: Harness, env: simcord.Env) -> None:
    s, group, mod = await arranged(harness, env)
    by_name = {leaf.qualified_name: leaf for top in harness.bot.tree.get_commands() for leaf in leaves(top)}

    offered = s.mia.available_commands(group.channel)

    assert {"round status", "checkin now", "share", "help", "meeting list", "group join"} <= set(offered)
    assert not [name for name in offered if audience_of(by_name[name]) in ROLE_ONLY], offered
    assert not [name for name in offered if name.split()[0] in ("facilitate", "mod", "setup")]
    # the roles the admin allowed (tests/groups/support.py) see their own, and only theirs
    facilitator = s.fran.available_commands(group.channel)
    assert "facilitate round start" in facilitator and "mod queue" not in facilitator
    moderator = mod.available_commands(group.channel)
    assert "mod queue" in moderator and "facilitate round start" not in moderator
    # Manage Server shows an admin /facilitate and /setup (/mod asks for Manage Messages, which this admin lacks)
    assert {"facilitate round start", "setup"} <= set(s.admin.available_commands(group.channel))


async def test_a_facilitator_starts_a_round_and_a_member_forcing_it_is_refused(
    harness: Harness, env: simcord.Env
) -> None:
    s, group, _ = await arranged(harness, env)
    # A server showing /facilitate to everyone: the command tree still refuses a member.
    allow(env, s.guild, "facilitate", s.guild.default_role)
    assert "facilitate round start" in s.mia.available_commands(group.channel)

    forced = await s.mia.slash(group.channel, "facilitate round start", topic="How was your week?")

    refused(env, forced, "Only facilitators can do that")
    started = await s.fran.slash(group.channel, "facilitate round start", topic="How was your week?")
    assert "Round started" in said(started), said(started)
    assert (await live_view(harness, group.channel)).state is not None


async def test_help_tells_an_admin_how_to_show_facilitate_and_a_facilitator_where_it_is(
    harness: Harness, env: simcord.Env
) -> None:
    s, group, _ = await arranged(harness, env)

    admin = said(await s.admin.slash(s.general, "help"))
    facilitator = said(await s.fran.slash(group.channel, "help"))
    member = said(await s.mia.slash(group.channel, "help"))

    assert "Server Settings → Integrations → Hearth → `/facilitate` → Add Roles or Members" in admin
    assert "Your facilitator commands are under `/facilitate`" in facilitator
    assert "/facilitate" not in member and "Integrations" not in member


# Every command PRODUCT.md promises, under the name it has now (issue 14 moved the role-only ones).
PRODUCT_COMMANDS = {
    "checkin now": "checkin now",
    "checkin history": "checkin history",
    "checkin remind": "checkin remind set",
    "facilitate checkin summary": "facilitate checkin summary",
    "concern": "concern",
    "facilitate group create": "facilitate group create",
    "group join": "group join",
    "group leave": "group leave",
    "group list": "group list",
    "group info": "group info",
    "group guidelines": "group guidelines",
    "facilitate group edit": "facilitate group edit",
    "facilitate group archive": "facilitate group archive",
    "help": "help",
    "facilitate meeting schedule": "facilitate meeting schedule",
    "meeting list": "meeting list",
    "facilitate meeting edit": "facilitate meeting edit",
    "facilitate meeting cancel": "facilitate meeting cancel",
    "facilitate meeting skip": "facilitate meeting skip",
    "meeting agenda": "meeting agenda show",
    "meeting export": "meeting export",
    "mod queue": "mod queue",
    "mod log": "mod log",
    "mod unblock": "mod unblock",
    "privacy info": "privacy info",
    "privacy export": "privacy export",
    "privacy delete": "privacy delete",
    **{f"resource {name}": f"resource {name}" for name in ("add", "search", "list", "edit", "remove")},
    "facilitate round start": "facilitate round start",
    "round status": "round status",
    "facilitate round end": "facilitate round end",
    "setup": "setup",
    "share": "share",
    "stats": "facilitate stats",
}


def test_every_command_product_md_promises_is_still_there(harness: Harness) -> None:
    names = {leaf.qualified_name for top in harness.bot.tree.get_commands() for leaf in leaves(top)}
    assert {promised: now for promised, now in PRODUCT_COMMANDS.items() if now not in names} == {}
