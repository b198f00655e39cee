"""Read helpers shared by the check-in use cases; each takes the caller's open session."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.checkins.domain import Visibility
from cogs.checkins.models import Checkin, CheckinSupport
from cogs.checkins.records import CheckinInfo
from cogs.groups import api as groups


def checkin_info(checkin: Checkin, group_name: str, support_count: int = 0) -> CheckinInfo:
    return CheckinInfo(
        id=checkin.id,
        group_id=checkin.group_id,
        group_name=group_name,
        user_id=checkin.user_id,
        mood=checkin.mood,
        note=checkin.note,
        visibility=Visibility(checkin.visibility),
        created_at=checkin.created_at,
        support_count=support_count,
        card_channel_id=checkin.card_channel_id,
        card_message_id=checkin.card_message_id,
    )


async def support_count(session: AsyncSession, checkin_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(CheckinSupport).where(CheckinSupport.checkin_id == checkin_id)
        )
        or 0
    )


async def facilitator_ids(session: AsyncSession, group_id: int) -> list[int]:
    return await groups.facilitator_ids(session, group_id)
