"""The groups feature's part of /privacy: memberships, facilitation, guideline acceptances, join
requests and the member's own timezone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    JoinRequest,
    MemberProfile,
)


class GroupsPrivacy:
    name = "group memberships"
    purpose = (
        "Which groups you belong to, facilitate or asked to join, which version of their guidelines you "
        "accepted and when, and your timezone if you set one: Hearth needs these to let you take part."
    )

    async def _rows(self, session: AsyncSession, model: Any, user_id: int) -> list[tuple[Any, Group]]:
        result = await session.execute(
            select(model, Group).join(Group, Group.id == model.group_id).where(model.user_id == user_id)
        )
        return [(row[0], row[1]) for row in result.all()]

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        user = subject.user_id
        lines = []
        for one, many, model in (
            ("group membership", "group memberships", GroupMember),
            ("group you facilitate", "groups you facilitate", GroupFacilitator),
            ("guidelines acceptance", "guidelines acceptances", GuidelinesAcceptance),
            ("pending join request", "pending join requests", JoinRequest),
        ):
            count = len(await self._rows(session, model, user))
            if count:
                lines.append(f"{count} {one if count == 1 else many}")
        profile = await session.get(MemberProfile, user)
        if profile is not None and profile.timezone:
            lines.append("your timezone")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        user = subject.user_id
        profile = await session.get(MemberProfile, user)

        def where(group: Group) -> dict[str, Any]:
            return {"server_id": str(group.guild_id), "group": group.name}

        return {
            "memberships": [
                {**where(g), "joined_at": m.joined_at.isoformat()}
                for m, g in await self._rows(session, GroupMember, user)
            ],
            "facilitating": [
                {**where(g), "since": f.added_at.isoformat()}
                for f, g in await self._rows(session, GroupFacilitator, user)
            ],
            "guidelines_accepted": [
                {**where(g), "version": a.version, "accepted_at": a.accepted_at.isoformat()}
                for a, g in await self._rows(session, GuidelinesAcceptance, user)
            ],
            "join_requests": [
                {**where(g), "asked_at": r.created_at.isoformat()}
                for r, g in await self._rows(session, JoinRequest, user)
            ],
            "timezone": profile.timezone if profile else None,
        }

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        user = subject.user_id
        erased = 0
        for model in (GroupMember, GroupFacilitator, GuidelinesAcceptance, JoinRequest, MemberProfile):
            result = await session.execute(delete(model).where(model.user_id == user))
            erased += result.rowcount or 0  # type: ignore[attr-defined]
        return erased
