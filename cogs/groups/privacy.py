"""The groups feature's part of /privacy: memberships, facilitation, guideline acceptances, join
requests, groups they created and the member's own timezone.

Erasing deletes those rows, takes a pending join request's card off the facilitators' channel (through
the erase's durable delivery record) and leaves a group they created in place, no longer naming them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally, count_each
from cogs.groups.models import (
    Group,
    GroupFacilitator,
    GroupMember,
    GuidelinesAcceptance,
    JoinRequest,
    MemberProfile,
)

_KINDS = (
    ("memberships", plural("%(count)s group membership", "%(count)s group memberships"), GroupMember),
    ("facilitating", plural("%(count)s group you facilitate", "%(count)s groups you facilitate"), GroupFacilitator),
    (
        "guidelines_accepted",
        plural("%(count)s guidelines acceptance", "%(count)s guidelines acceptances"),
        GuidelinesAcceptance,
    ),
    ("join_requests", plural("%(count)s pending join request", "%(count)s pending join requests"), JoinRequest),
)


class GroupsPrivacy:
    name = N_("group memberships")
    purpose = N_(
        "Which groups you belong to, facilitate, created or asked to join, which version of their guidelines "
        "you accepted and when, and your timezone if you set one: Hearth needs these to let you take part."
    )

    async def _rows(self, session: AsyncSession, model: Any, user_id: int) -> list[tuple[Any, Group]]:
        result = await session.execute(
            select(model, Group).join(Group, Group.id == model.group_id).where(model.user_id == user_id)
        )
        return [(row[0], row[1]) for row in result.all()]

    async def _created(self, session: AsyncSession, user_id: int) -> list[Group]:
        return list(await session.scalars(select(Group).where(Group.created_by == user_id).order_by(Group.id)))

    async def _timezone(self, session: AsyncSession, user_id: int) -> str | None:
        profile = await session.get(MemberProfile, user_id)
        return profile.timezone if profile is not None else None

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        user = subject.user_id
        *kinds, created, timezone = await count_each(
            session,
            *(
                select(func.count())
                .select_from(model)
                .join(Group, Group.id == model.group_id)
                .where(model.user_id == user)
                for _, _, model in _KINDS
            ),
            select(func.count()).select_from(Group).where(Group.created_by == user),
            select(func.count()).where(
                MemberProfile.user_id == user, MemberProfile.timezone.is_not(None), MemberProfile.timezone != ""
            ),
        )
        tallies = [Tally(key, label, n) for (key, label, _), n in zip(_KINDS, kinds, strict=True)]
        tallies.append(
            Tally("groups_created", plural("%(count)s group you created", "%(count)s groups you created"), created)
        )
        tallies.append(
            Tally("timezone", plural("%(count)s timezone setting", "%(count)s timezone settings"), min(timezone, 1))
        )
        return tallies

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        user = subject.user_id
        timezone = await self._timezone(session, user)

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
            "groups_created": [
                {**where(g), "created_at": g.created_at.isoformat()} for g in await self._created(session, user)
            ],
            "timezone": [timezone] if timezone else [],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        user = subject.user_id
        for request, group in await self._rows(session, JoinRequest, user):
            if request.message_channel_id and request.message_id:
                erasure.delete_message(
                    session,
                    request.message_channel_id,
                    request.message_id,
                    what=N_("join request card"),
                    purpose="groups.erase",
                    guild_id=group.guild_id,
                )
        for model in (GroupMember, GroupFacilitator, GuidelinesAcceptance, JoinRequest, MemberProfile):
            await session.execute(delete(model).where(model.user_id == user))
        # The group stays for its members; it just no longer names who created it (0, like the audit log).
        await session.execute(update(Group).where(Group.created_by == user).values(created_by=0))
