"""Care in the privacy protocol: cases about a member, cases they raised, their care preferences."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.care.domain import seal
from cogs.care.models import CareCase, CareMessage, CarePreference


async def _sealed(session: AsyncSession, subject: Subject) -> list[CareCase]:
    """Their anonymous concerns and the cases about their anonymous posts: found only by recomputing each
    case's seal with their id (nothing stores the id itself)."""
    rows = await session.scalars(select(CareCase).where(CareCase.seal.is_not(None)))
    return [r for r in rows if r.seal == seal(subject.keys, r.guild_id, r.id, subject.user_id)]


class CarePrivacy:
    name = "care requests"
    purpose = (
        "Care requests (yours, or a worried report about you): group, urgency, who took it and when, a private "
        "closing note; your automatic-message choice; your `/concern` conversations."
    )

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        about = await session.scalar(select(func.count()).where(CareCase.member_id == subject.user_id))
        raised = await session.scalar(select(func.count()).where(CareCase.raised_by == subject.user_id))
        mine = await _sealed(session, subject)
        sealed = sum(1 for r in mine if r.source == "concern")
        posts = len(mine) - sealed
        lines = [f"{sealed} anonymous concern{'s' if sealed != 1 else ''} you raised"] if sealed else []
        if posts:
            lines.append(f"{posts} care request{'s' if posts != 1 else ''} about your anonymous posts")
        if about:
            lines.append(f"{about} care request{'s' if about != 1 else ''} about you")
        if raised:
            lines.append(f"{raised} worried report{'s' if raised != 1 else ''} you made")
        prefs = await session.scalar(select(func.count()).where(CarePreference.user_id == subject.user_id))
        if prefs:
            lines.append("your choice about automatic crisis messages")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        cases = [
            *await session.scalars(select(CareCase).where(CareCase.member_id == subject.user_id)),
            *await _sealed(session, subject),
        ]
        said: dict[int, list[dict[str, Any]]] = {}
        for m in await session.scalars(
            select(CareMessage).where(CareMessage.case_id.in_([c.id for c in cases])).order_by(CareMessage.id)
        ):
            said.setdefault(m.case_id, []).append(
                {"from": "you" if m.from_member else "handler", "at": m.at.isoformat(), "text": m.text}
            )
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
                    "kind": c.source,
                    "anonymous": c.member_id is None,
                    "conversation": said.get(c.id, []),
                }
                for c in cases
            ],
            "preferences": [{"server_id": str(p.guild_id), "automatic_messages": p.automatic} for p in prefs],
        }

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        about = await session.execute(delete(CareCase).where(CareCase.member_id == subject.user_id))
        sealed = [r.id for r in await _sealed(session, subject)]
        if sealed:
            await session.execute(delete(CareCase).where(CareCase.id.in_(sealed)))
        raised = await session.execute(
            update(CareCase).where(CareCase.raised_by == subject.user_id).values(raised_by=None)
        )
        prefs = await session.execute(delete(CarePreference).where(CarePreference.user_id == subject.user_id))
        counts = [int(getattr(r, "rowcount", 0) or 0) for r in (about, raised, prefs)]
        return sum(counts) + len(sealed)
