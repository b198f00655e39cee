"""Care in the privacy protocol: cases about a member, cases they raised, their care preferences."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.care.models import CareCase, CarePreference


class CarePrivacy:
    name = "care requests"
    purpose = (
        "Requests for someone to reach out (yours, or a member's worried report about you): the group, how "
        "urgent, who took it and when, and their short private closing note; and whether you turned the "
        "automatic crisis messages off. Never what you wrote."
    )

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        about = await session.scalar(select(func.count()).where(CareCase.member_id == subject.user_id))
        raised = await session.scalar(select(func.count()).where(CareCase.raised_by == subject.user_id))
        lines = []
        if about:
            lines.append(f"{about} care request{'s' if about != 1 else ''} about you")
        if raised:
            lines.append(f"{raised} worried report{'s' if raised != 1 else ''} you made")
        prefs = await session.scalar(select(func.count()).where(CarePreference.user_id == subject.user_id))
        if prefs:
            lines.append("your choice about automatic crisis messages")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        cases = await session.scalars(select(CareCase).where(CareCase.member_id == subject.user_id))
        prefs = await session.scalars(select(CarePreference).where(CarePreference.user_id == subject.user_id))
        return {
            "requests": [
                {
                    "id": c.id,
                    "server_id": str(c.guild_id),
                    "group": c.group_name,
                    "status": c.status,
                    "opened_at": c.opened_at.isoformat(),
                    "taken_at": c.claimed_at.isoformat() if c.claimed_at else None,
                    "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                    "closing_note": c.note,
                }
                for c in cases
            ],
            "preferences": [{"server_id": str(p.guild_id), "automatic_messages": p.automatic} for p in prefs],
        }

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        about = await session.execute(delete(CareCase).where(CareCase.member_id == subject.user_id))
        raised = await session.execute(
            update(CareCase).where(CareCase.raised_by == subject.user_id).values(raised_by=None)
        )
        prefs = await session.execute(delete(CarePreference).where(CarePreference.user_id == subject.user_id))
        counts = [int(getattr(r, "rowcount", 0) or 0) for r in (about, raised, prefs)]
        return sum(counts)
