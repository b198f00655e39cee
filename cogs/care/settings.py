"""Care's part of /setup: duty-of-care mode and how long an unclaimed request waits before the moderators get it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from bot.setup import SetupContext, Value
from cogs.care import domain
from cogs.care.models import CareConfig


class CareSetup:
    feature: str = "care"
    options: tuple[str, ...] = ("duty_of_care", "care_urgent_minutes", "care_gentle_minutes")

    async def describe(self, session: AsyncSession, guild_id: int) -> dict[str, str]:
        config = await session.get(CareConfig, guild_id)
        duty = bool(config and config.duty_of_care)
        urgent = (config.urgent_minutes if config else None) or domain.DEFAULT_URGENT_MINUTES
        gentle = (config.gentle_minutes if config else None) or domain.DEFAULT_GENTLE_MINUTES
        return {
            "duty_of_care": "Duty-of-care mode: "
            + ("on (facilitators are alerted on every sign of crisis; members are told)" if duty else "off"),
            "care_urgent_minutes": f"Unclaimed urgent care requests go to the moderators after {urgent} minutes",
            "care_gentle_minutes": f"Unclaimed gentle care requests go to the moderators after {gentle} minutes\n• "
            + crisis_languages_line(domain.parse_crisis_texts(config.crisis_texts or "") if config else {}),
        }

    async def apply(self, session: AsyncSession, context: SetupContext, values: Mapping[str, Value]) -> str:
        config = await session.get(CareConfig, context.actor.guild_id, with_for_update=True)
        if config is None:
            config = CareConfig(guild_id=context.actor.guild_id, duty_of_care=False, resources="")
            session.add(config)
        if "duty_of_care" in values:
            config.duty_of_care = bool(values["duty_of_care"])
        if "care_urgent_minutes" in values:
            config.urgent_minutes = int(values["care_urgent_minutes"])
        if "care_gentle_minutes" in values:
            config.gentle_minutes = int(values["care_gentle_minutes"])
        if values.get("duty_of_care"):
            return (
                "Duty-of-care mode is on: every sign of crisis alerts the group's facilitators with the group and "
                "how urgent it is — never what the member wrote, and never an anonymous author's identity. Each "
                "member is told, in the message itself."
            )
        return ""


def crisis_languages_line(texts: Mapping[str, object]) -> str:
    """/setup's word on crisis messages in other languages (set with `/care-setup crisis-message`)."""
    if not texts:
        return (
            "Crisis message: English for everyone (`/care-setup crisis-message` adds your own reviewed text for a "
            "language, e.g. German)"
        )
    names = ", ".join(f"{domain.LANGUAGES.get(code, code)} ({code})" for code in texts)
    return (
        f"Crisis message: your own reviewed text in {names}; English for everyone else (`/care-setup crisis-message`)"
    )
