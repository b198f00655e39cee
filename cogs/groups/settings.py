"""Groups' part of /setup: the server's facilitator role and default timezone (see bot/setup.py)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BadInput
from bot.setup import SetupContext, Value
from cogs.groups import queries
from cogs.groups.models import GuildConfig


def role_line(role_id: int | None) -> str:
    return f"<@&{role_id}>" if role_id else "not set (only server admins)"


class GroupsSetup:
    feature: str = "groups"
    options: tuple[str, ...] = ("facilitator_role", "timezone")

    def __init__(self, default_timezone: str) -> None:
        self.default_timezone = default_timezone

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        config = await queries.guild_config(session, guild_id)
        timezone = (config.timezone or self.default_timezone) + (" (default)" if config.timezone is None else "")
        return {
            "facilitator_role": f"Facilitator role: {role_line(config.facilitator_role_id)}",
            "timezone": f"Default timezone: {timezone}",
        }

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        role = values.get("facilitator_role")
        timezone = values.get("timezone")
        zone = queries.parse_timezone(str(timezone)).key if timezone is not None else None
        if role is not None and role == context.actor.guild_id:
            raise BadInput("@everyone can't be the facilitator role: pick a role only facilitators have.")
        config = await session.get(GuildConfig, context.actor.guild_id, with_for_update=True)
        if config is None:
            config = GuildConfig(guild_id=context.actor.guild_id)
            session.add(config)
        if role is not None:
            config.facilitator_role_id = int(role)
        if zone is not None:
            config.timezone = zone
        return ""
