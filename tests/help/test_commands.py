"""The command surface: who may use each command is declared once (bot/audience.py); the operator's
listing and the server-side check both read that declaration, and every description says something."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from discord import app_commands

from bot import __main__ as cli
from bot.audience import Audience, audience_of
from bot.config import Settings
from tests.conftest import Harness
from tests.groups.support import refused
from tests.help.test_behaviour import arranged


def leaves(command: Any) -> list[Any]:
    if isinstance(command, app_commands.Group):
        return [leaf for child in command.commands for leaf in leaves(child)]
    return [command]


async def test_commands_json_labels_each_command_by_the_rule_the_server_enforces(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await cli.list_commands(harness.settings, as_json=True)
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}

    tree = harness.bot.tree.get_commands(type=None)
    commands = [leaf for top in tree for leaf in leaves(top)]
    assert code == 0 and len(rows) == len(commands)
    for command in commands:
        name = command.name if isinstance(command, app_commands.ContextMenu) else f"/{command.qualified_name}"
        assert rows[name]["who"] == audience_of(command).label, name
    labels = {row["name"]: row["who"] for row in rows.values()}
    # the ones the issue found mislabelled, and a few of each kind
    assert (
        labels["/facilitate round start"]
        == labels["/facilitate round end"]
        == labels["/facilitate meeting schedule"]
        == "facilitators"
    )
    assert labels["/mod queue"] == "moderators" and labels["/setup"].startswith("server admins")
    assert labels["/checkin now"] == labels["/share"] == labels["/help"] == "members"


def filler(parameter: app_commands.Parameter, member: simcord.MemberActor, channel: simcord.ChannelHandle) -> Any:
    kind = parameter.type
    if kind is discord.AppCommandOptionType.integer:
        return 1
    if kind is discord.AppCommandOptionType.number:
        return 1.0
    if kind is discord.AppCommandOptionType.boolean:
        return False
    if kind is discord.AppCommandOptionType.user:
        return member
    if kind is discord.AppCommandOptionType.channel:
        return channel
    return parameter.choices[0].value if parameter.choices else "x"


async def test_every_command_outside_the_members_audience_refuses_a_plain_member(
    harness: Harness, env: simcord.Env
) -> None:
    s, group, _ = await arranged(harness, env)
    guarded = [
        leaf
        for top in harness.bot.tree.get_commands()
        for leaf in leaves(top)
        if audience_of(leaf) is not Audience.MEMBERS
    ]
    assert len(guarded) >= 15
    for command in guarded:
        root = command.root_parent or command
        if root.default_permissions is not None:  # hidden by Discord: a server made it visible to everyone
            found = env.backend.find_command(root.name, s.guild.id)
            assert found is not None
            s.guild.set_command_permissions(int(found["id"]), {s.mia: True})
        options = {p.name: filler(p, s.ben, group.channel) for p in command.parameters if p.required}
        result = await s.mia.slash(group.channel, command.qualified_name, **options)
        refused(env, result, "Only ")
        assert "Saved" not in (result.response.content if result.response else ""), command.qualified_name


def test_no_command_or_option_description_is_a_placeholder(settings: Settings, tmp_path: Path) -> None:
    import asyncio

    from bot.app import create_bot

    async def tree() -> list[Any]:
        bot = create_bot(settings)
        try:
            await bot.load_features()
            return [leaf for top in bot.tree.get_commands() for leaf in leaves(top)]
        finally:
            await bot.db.close()

    empty = []
    for command in asyncio.run(tree()):
        if isinstance(command, app_commands.ContextMenu):
            continue  # Discord gives context menus a name only
        if command.description.strip(" .…") == "":
            empty.append(f"/{command.qualified_name}")
        empty.extend(
            f"/{command.qualified_name} {p.name}" for p in command.parameters if p.description.strip(" .…") == ""
        )
    assert empty == []
