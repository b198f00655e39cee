"""Joining and leaving a group: plans, joins, requests and their decisions, and the undo steps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.groups import queries, refusals
from cogs.groups.models import (
    Group,
    GroupDeparture,
    GroupMember,
    GuidelinesAcceptance,
    JoinRequest,
)
from cogs.groups.records import (
    GroupInfo,
    JoinPlan,
    Request,
)
from cogs.groups.service_base import ServiceBase

QUARTER_HOUR = timedelta(minutes=15)


async def count_departures(session: AsyncSession, group_ids: Iterable[int], at: datetime) -> None:
    """Add one to each group's departure counter for the quarter hour holding ``at``. Only a count is kept,
    never who left: /facilitate stats shows it per closed week under the aggregate rule."""
    bucket = at - timedelta(minutes=at.minute % 15, seconds=at.second, microseconds=at.microsecond)
    rows = [{"group_id": group_id, "bucket_start": bucket, "count": 1} for group_id in sorted(set(group_ids))]
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(GroupDeparture).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[GroupDeparture.group_id, GroupDeparture.bucket_start],
            set_={"count": GroupDeparture.count + 1},
        )
    )


class Membership(ServiceBase):
    # --- joining and leaving -------------------------------------------------------------------

    async def _join_checks(self, session: AsyncSession, actor: Actor, group: Group) -> None:
        if group.archived_at is not None:
            raise BadInput(refusals.archived_no_members(group.name))
        if await queries.is_member(session, group.id, actor.user_id):
            raise Conflict(refusals.already_member(group.name))
        if await self._has_request(session, group.id, actor.user_id):
            raise Conflict(refusals.already_requested(group.name))

    async def join_plan(self, actor: Actor, name: str) -> JoinPlan:
        """What /group join does. A missing name, and a private group the member may not see, plan the same
        (``hidden``): the member reads one answer for both, so a private group's existence never leaks."""
        async with self.db.read() as session:
            try:
                group = await queries.group_by_name(session, actor.guild_id, name)
            except NotFound:
                return JoinPlan(None, needs_approval=True)
            if not await queries.may_see(session, actor, group):
                if group.archived_at is not None or await self._has_request(session, group.id, actor.user_id):
                    return JoinPlan(None, needs_approval=True)  # nothing to do, and nothing to tell
                return JoinPlan(GroupInfo.of(group), needs_approval=True)
            await self._join_checks(session, actor, group)
            return JoinPlan(GroupInfo.of(group), needs_approval=group.private)

    async def join(self, actor: Actor, group_id: int) -> GroupInfo:
        """A public group: the member is in at once."""
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                if group.private:
                    raise NotAllowed(refusals.private_named_ask(group.name))
                await self._join_checks(session, actor, group)
                session.add(GroupMember(group_id=group.id, user_id=actor.user_id, joined_at=self.clock.now()))
                await session.flush()
                return GroupInfo.of(group)
        except IntegrityError:
            raise Conflict(refusals.already_member(None)) from None

    async def undo_join(self, group_id: int, user_id: int) -> None:
        async with self.db.undo() as session:
            await session.execute(
                delete(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
            )

    async def request_join(self, actor: Actor, group_id: int) -> Request:
        try:
            async with self.db.write() as session:
                group = await self._group(session, actor, group_id, lock=True)
                await self._join_checks(session, actor, group)
                request = JoinRequest(group_id=group.id, user_id=actor.user_id, created_at=self.clock.now())
                session.add(request)
                await session.flush()
                return Request(request.id, GroupInfo.of(group), actor.user_id, None, None)
        except IntegrityError:
            raise Conflict(refusals.already_requested(None)) from None

    async def attach_request_message(self, request_id: int, channel_id: int, message_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(JoinRequest)
                .where(JoinRequest.id == request_id)
                .values(message_channel_id=channel_id, message_id=message_id)
            )

    async def cancel_request(self, request_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(delete(JoinRequest).where(JoinRequest.id == request_id))

    async def _request(self, session: AsyncSession, actor: Actor, request_id: int, *, lock: bool) -> JoinRequest:
        query = select(JoinRequest).where(JoinRequest.id == request_id)
        request = await session.scalar(query.with_for_update() if lock else query)
        if request is None:
            raise NotFound(refusals.request_gone())
        group = await self._group(session, actor, request.group_id)
        await queries.require_facilitator(session, actor, group)
        return request

    async def pending_request(self, actor: Actor, request_id: int) -> Request:
        """A request a facilitator of its group is about to decide (refuses anyone else)."""
        async with self.db.read() as session:
            request = await self._request(session, actor, request_id, lock=False)
            group = await queries.get_group(session, actor.guild_id, request.group_id)
            return Request(
                request.id, GroupInfo.of(group), request.user_id, request.message_channel_id, request.message_id
            )

    async def decide(self, actor: Actor, request_id: int, *, approve: bool) -> Request:
        """Approve (the requester becomes a member) or decline (the request is dropped)."""
        now = self.clock.now()
        async with self.db.write() as session:
            request = await self._request(session, actor, request_id, lock=True)
            group = await queries.get_group(session, actor.guild_id, request.group_id)
            if approve:
                if group.archived_at is not None:
                    raise BadInput(refusals.approve_archived(group.name))
                if not await queries.is_member(session, group.id, request.user_id):
                    session.add(GroupMember(group_id=group.id, user_id=request.user_id, joined_at=now))
            decided = Request(
                request.id, GroupInfo.of(group), request.user_id, request.message_channel_id, request.message_id
            )
            await session.delete(request)
            return decided

    async def undo_approval(self, request: Request) -> None:
        """Discord refused the role: put the request back as it was."""
        async with self.db.undo() as session:
            await session.execute(
                delete(GroupMember).where(
                    GroupMember.group_id == request.group.id, GroupMember.user_id == request.user_id
                )
            )
            session.add(
                JoinRequest(
                    id=request.id,
                    group_id=request.group.id,
                    user_id=request.user_id,
                    created_at=self.clock.now(),
                    message_channel_id=request.message_channel_id,
                    message_id=request.message_id,
                )
            )

    async def leave_plan(self, actor: Actor, name: str) -> GroupInfo:
        async with self.db.read() as session:
            group = await queries.group_by_name(session, actor.guild_id, name)
            if not await queries.may_see(session, actor, group) and not await self._has_request(
                session, group.id, actor.user_id
            ):
                raise queries.no_such_group(name)
            if not await queries.is_member(session, group.id, actor.user_id):
                if await self._has_request(session, group.id, actor.user_id):
                    return GroupInfo.of(group)
                raise BadInput(refusals.nothing_to_leave(group.name))
            return GroupInfo.of(group)

    async def leave(self, actor: Actor, group_id: int) -> bool:
        """Leave (or withdraw a pending request). Returns True when a membership ended."""
        async with self.db.write() as session:
            group = await self._group(session, actor, group_id)
            withdrawn = await session.execute(
                delete(JoinRequest).where(JoinRequest.group_id == group.id, JoinRequest.user_id == actor.user_id)
            )
            left = await session.execute(
                delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == actor.user_id)
            )
            await session.execute(
                delete(GuidelinesAcceptance).where(
                    GuidelinesAcceptance.group_id == group.id, GuidelinesAcceptance.user_id == actor.user_id
                )
            )
            if not left.rowcount and not withdrawn.rowcount:  # type: ignore[attr-defined]
                raise BadInput(refusals.nothing_to_leave(group.name))
            if left.rowcount:  # type: ignore[attr-defined]
                await count_departures(session, [group.id], self.clock.now())
            return bool(left.rowcount)  # type: ignore[attr-defined]
