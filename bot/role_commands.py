"""``/facilitate`` and ``/mod``: the top-level commands that gather every feature's facilitator-only and
moderator-only commands.

Discord hides a command from a member only through its *default member permissions*, and only on a
top-level command. So the commands only facilitators may use (start a round, schedule a meeting, a group's
check-in summary, ...) live under one top-level group that ordinary members don't see; a server's admins
let their facilitator role see it in Server Settings → Integrations → Hearth → /facilitate. What Discord
shows is only a hint (admins can change it): the tree still refuses anyone outside the audience
(``bot/audience.py``), which this group declares for everything under it. ``/mod`` works the same way for
moderators (shown by default to Manage Messages); care adds ``/mod cases`` there, next to
``/facilitate cases``, so each role finds care requests among its own commands.

Features still own their commands. A cog declares its part with ``parent=FACILITATE``::

    class RoundsCog(commands.Cog):
        controls = app_commands.Group(name="round", description="...", parent=FACILITATE)

        @controls.command(name="start", description="...")
        async def start(self, interaction, ...): ...

and ``gather`` puts every loaded cog's part under the bot's own ``/facilitate`` once the features have
loaded. A feature not loaded contributes nothing, and without any contribution there is no
``/facilitate``, so the command fingerprint (``bot/app.py``) reflects exactly the loaded features.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.audience import KEY, Audience

#: Manage Server: only admins see /facilitate until they allow the facilitator role (Integrations).
PERMISSIONS = discord.Permissions(manage_guild=True)
#: Manage Messages: what moderators usually hold, so /mod needs no setting where that is so.
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True)


def _facilitate() -> app_commands.Group:
    return app_commands.Group(
        name="facilitate",
        description="Facilitators: run rounds, meetings, check-in prompts and groups",
        guild_only=True,
        default_permissions=PERMISSIONS,
        extras={KEY: Audience.FACILITATORS},
    )


def _mod() -> app_commands.Group:
    return app_commands.Group(
        name="mod",
        description="Moderators: the queue, the audit log, unblocking",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
        extras={KEY: Audience.MODERATORS},
    )


#: What cogs declare their facilitators' and moderators' commands under (declarations only; never in a
#: tree: ``gather`` builds each bot's own copies).
FACILITATE = _facilitate()
MODERATE = _mod()
_FRESH = {FACILITATE.name: _facilitate, MODERATE.name: _mod}

Contribution = app_commands.Command[Any, ..., Any] | app_commands.Group


def declared(cog: Any, parent: app_commands.Group) -> list[Contribution]:
    """The subgroups and commands a cog's class declares under ``parent`` (``FACILITATE``, ``MODERATE``)."""
    found: dict[str, Contribution] = {}
    for klass in reversed(type(cog).__mro__):
        for value in vars(klass).values():
            if isinstance(value, app_commands.Command | app_commands.Group) and value.parent is parent:
                found[value.name] = value
    return list(found.values())


def gather(bot: Any) -> None:
    """Build ``/facilitate`` and ``/mod`` from the loaded cogs' declarations, each bound to its cog
    instance as discord.py binds a cog's own commands (``commands.Cog.__new__``). Called once, after the
    features load (``bot/app.py``); a parent nothing contributed to is left out."""
    for declaration in (FACILITATE, MODERATE):
        parts = [(cog, part) for cog in bot.cogs.values() for part in declared(cog, declaration)]
        if not parts:
            continue
        parent = _FRESH[declaration.name]()
        for cog, part in sorted(parts, key=lambda pair: pair[1].name):
            parent.add_command(part._copy_with(parent=parent, binding=cog, set_on_binding=False))
        bot.tree.add_command(parent, override=True)
