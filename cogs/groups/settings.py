"""Groups' part of /setup: the server's facilitator role and default timezone (see bot/setup.py)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BadInput
from bot.setup import SetupContext, Value
from cogs.groups import queries, setup_texts
from cogs.groups.models import GuildConfig


class GroupsSetup:
    feature: str = "groups"
    options: tuple[str, ...] = ("facilitator_role", "timezone")

    def __init__(self, default_timezone: str) -> None:
        self.default_timezone = default_timezone

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        config = await queries.guild_config(session, guild_id)
        role = config.facilitator_role_id
        return {
            "facilitator_role": setup_texts.setup_facilitator_role(f"<@&{role}>" if role else None),
            "timezone": setup_texts.setup_timezone(
                config.timezone or self.default_timezone, default=config.timezone is None
            ),
        }

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        role = values.get("facilitator_role")
        timezone = values.get("timezone")
        zone = queries.parse_timezone(str(timezone)).key if timezone is not None else None
        if role is not None and role == context.actor.guild_id:
            raise BadInput(setup_texts.everyone_not_facilitator_role())
        config = await session.get(GuildConfig, context.actor.guild_id, with_for_update=True)
        if config is None:
            config = GuildConfig(guild_id=context.actor.guild_id)
            session.add(config)
        if role is not None:
            config.facilitator_role_id = int(role)
        if zone is not None:
            config.timezone = zone
        return ""
