"""Moderation's records other features reach through ``cogs/moderation/api.py`` (no discord here).

Every function takes the caller's session, so it joins the caller's transaction.
After the transaction commits, the caller dispatches ``hearth_mod_item`` with the item id and
moderation posts (or updates) the queue card.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.moderation import domain
from cogs.moderation.models import AuditEntry, ModItem, ModReport


async def open_item(
    session: AsyncSession,
    *,
    guild_id: int,
    kind: str,
    channel_id: int | None,
    message_id: int | None,
    post_id: int | None,
    author_id: int | None,
    excerpt: str,
    now: datetime,
    reason: str | None = None,
    reporter_key: str | None = None,
) -> int:
    """Open a queue item and return its id. A report on a message that already has an open report
    item counts one more report on that item instead. ``author_id`` must be None for anonymous posts."""
    if kind not in domain.KINDS:
        raise ValueError(f"unknown moderation item kind {kind!r}")
    if post_id is not None:
        author_id = None  # an anonymous author is never stored next to their post
    item: ModItem | None = None
    if kind == "report" and message_id is not None:
        item = await session.scalar(
            select(ModItem)
            .where(
                ModItem.guild_id == guild_id,
                ModItem.message_id == message_id,
                ModItem.kind == "report",
                ModItem.status == "open",
            )
            .with_for_update()
        )
    if item is None:
        item = ModItem(
            guild_id=guild_id,
            kind=kind,
            status="open",
            channel_id=channel_id,
            message_id=message_id,
            post_id=post_id,
            author_id=author_id,
            excerpt=domain.excerpt(excerpt),
            report_count=0,
            actions="",
            created_at=now,
        )
        session.add(item)
        await session.flush()
    if kind == "report":
        item.report_count += 1
    if reason:
        session.add(
            ModReport(item_id=item.id, reporter_key=reporter_key, reason=reason[: domain.REASON_LIMIT], created_at=now)
        )
    await session.flush()
    return item.id


async def audit(
    session: AsyncSession,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    target: str,
    now: datetime,
    item_id: int | None = None,
    detail: str = "",
) -> None:
    """One audit-log line: who (a moderator), did what, to what. Never an anonymous author's identity."""
    session.add(
        AuditEntry(
            guild_id=guild_id,
            actor_id=actor_id,
            action=action[:32],
            target=target[:200],
            item_id=item_id,
            detail=detail[:500],
            created_at=now,
        )
    )


async def snapshot(
    session: AsyncSession, item: ModItem, *, post_code: str | None, break_glass: bool = False
) -> domain.ItemSnapshot:
    """What a card or a queue line shows about ``item``: the one place a row becomes a snapshot."""
    reasons = await session.scalars(select(ModReport.reason).where(ModReport.item_id == item.id).order_by(ModReport.id))
    return domain.ItemSnapshot(
        id=item.id,
        guild_id=item.guild_id,
        kind=item.kind,
        status=item.status,
        channel_id=item.channel_id,
        message_id=item.message_id,
        post_id=item.post_id,
        post_code=post_code,
        author_id=item.author_id,
        excerpt=item.excerpt,
        report_count=item.report_count,
        created_at=item.created_at,
        reasons=list(reasons),
        actions=[line for line in item.actions.split("\n") if line],
        resolution=item.resolution,
        closed_by=item.closed_by,
        break_glass=break_glass,
    )
