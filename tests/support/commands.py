"""What a server's admin does in Server Settings → Integrations → Hearth: let a role or a member see a
command that Discord hides by default (``/facilitate``, ``/mod``; ``bot/role_commands.py``)."""

from __future__ import annotations

import simcord

Target = simcord.RoleHandle | simcord.MemberActor


def allow(env: simcord.Env, guild: simcord.GuildHandle, command: str, *targets: Target) -> None:
    """Add ``targets`` to the command's allowed roles and members (keeping those already allowed)."""
    backend = env.backend
    found = backend.find_command(command, guild.id)
    assert found is not None, f"/{command} is not synced"
    command_id = int(found["id"])
    entries = {int(e["id"]): e for e in backend.get_command_permissions(guild.id, command_id) or []}
    for target in targets:
        kind = 1 if isinstance(target, simcord.RoleHandle) else 2  # Discord's ids: 1 role, 2 user
        entries[target.id] = {"id": str(target.id), "type": kind, "permission": True}
    backend.set_command_permissions(guild.id, command_id, list(entries.values()))


def allow_facilitators(env: simcord.Env, guild: simcord.GuildHandle, *targets: Target) -> None:
    """Let facilitators see ``/facilitate``, as the onboarding checklist asks admins to."""
    allow(env, guild, "facilitate", *targets)
