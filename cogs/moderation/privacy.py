"""What moderation holds about a person, for /privacy.

- Items about their own (non-anonymous) messages that someone reported: the excerpt, what was done.
- Audit entries of actions they took as a moderator.
- Reports they made: a report stores only an HMAC of (server, message, reporter), which the secret key
  and the stored message id could recompute. On erase the key is dropped (and the reason they wrote with
  it), so afterwards nothing, not even Hearth, can tell which reports were theirs.

Erasing cuts the link instead of rewriting history: items lose their author and the excerpt of their words
(the queue card is edited to say so, through the durable delivery record), audit entries keep the action
but name "a former moderator" (actor 0), so the log stays whole and no longer points at them.
``counts`` is the one counting used by /privacy info, the export and the erase reply.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import Deliveries, Delivery
from bot.privacy import Subject
from cogs.moderation.models import AuditEntry, ModItem, ModReport

REMOVED = "(removed at the author's request)"
REMOVED_REASON = "(removed at the reporter's request)"


def removed_card(item_id: int) -> str:
    return f"**Moderation item #{item_id}**: the reported message's text was removed at the author's request."


class ModerationPrivacy:
    name = "moderation records"
    purpose = (
        "Reports about your messages (so moderators can act on them) and, if you moderate, the actions you "
        "took (the audit log). Reports you made are never linked to you."
    )

    def __init__(self, deliveries: Deliveries | None = None) -> None:
        self.deliveries = deliveries

    async def _my_reports(self, session: AsyncSession, subject: Subject) -> list[int]:
        """Ids of reports this person filed, found by recomputing each report's key (only until erased)."""
        rows = await session.execute(
            select(ModReport.id, ModReport.reporter_key, ModItem.guild_id, ModItem.message_id)
            .join(ModItem, ModItem.id == ModReport.item_id)
            .where(ModReport.reporter_key.is_not(None))
        )
        return [
            report_id
            for report_id, key, guild_id, message_id in rows
            if message_id is not None and key == subject.keys.tag("reporter", guild_id, message_id, subject.user_id)
        ]

    async def counts(self, session: AsyncSession, subject: Subject) -> dict[str, int]:
        """The one counting: what /privacy info lists, the export holds and the erase reply says."""
        user_id = subject.user_id
        items = await session.scalar(select(func.count()).select_from(ModItem).where(ModItem.author_id == user_id))
        entries = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == user_id)
        )
        return {
            "items": int(items or 0),
            "actions": int(entries or 0),
            "reports": len(await self._my_reports(session, subject)),
        }

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        counts = await self.counts(session, subject)
        lines = []
        if counts["items"]:
            lines.append(f"{counts['items']} moderation item(s) about messages you wrote")
        if counts["actions"]:
            lines.append(f"{counts['actions']} moderator action(s) you took, in the audit log")
        if counts["reports"]:
            lines.append(f"{counts['reports']} report(s) you filed (unlinked from you if you erase your data)")
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        items = await session.scalars(select(ModItem).where(ModItem.author_id == subject.user_id).order_by(ModItem.id))
        entries = await session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == subject.user_id).order_by(AuditEntry.id)
        )
        return {
            "items_about_your_messages": [
                {
                    "item": item.id,
                    "server_id": str(item.guild_id),
                    "channel_id": str(item.channel_id),
                    "message_id": str(item.message_id),
                    "excerpt": item.excerpt,
                    "times_reported": item.report_count,
                    "status": item.status,
                    "resolution": item.resolution,
                    "created_at": item.created_at.isoformat(),
                }
                for item in items
            ],
            "reports_you_filed": [
                {"reason": reason, "at": at.isoformat()}
                for reason, at in (
                    await session.execute(
                        select(ModReport.reason, ModReport.created_at)
                        .where(ModReport.id.in_(await self._my_reports(session, subject)))
                        .order_by(ModReport.id)
                    )
                )
            ],
            "your_moderator_actions": [
                {
                    "server_id": str(entry.guild_id),
                    "action": entry.action,
                    "target": entry.target,
                    "detail": entry.detail,
                    "at": entry.created_at.isoformat(),
                }
                for entry in entries
            ],
        }

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        user_id = subject.user_id
        counted = await self.counts(session, subject)
        reports = await self._my_reports(session, subject)
        if reports:
            await session.execute(
                update(ModReport).where(ModReport.id.in_(reports)).values(reporter_key=None, reason=REMOVED_REASON)
            )
        for item in await session.scalars(select(ModItem).where(ModItem.author_id == user_id)):
            item.excerpt = REMOVED
            item.author_id = None
            if self.deliveries is not None and item.card_channel_id and item.card_message_id:
                # Written with the erase: the card is edited even if Hearth stops right after.
                self.deliveries.enqueue(
                    session,
                    Delivery.edit(
                        item.card_channel_id,
                        item.card_message_id,
                        removed_card(item.id),
                        purpose="moderation.erase",
                        guild_id=item.guild_id,
                    ),
                )
        await session.execute(update(ModItem).where(ModItem.closed_by == user_id).values(closed_by=None))
        await session.execute(update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_id=0))
        mention = f"<@{user_id}>"
        for item in await session.scalars(select(ModItem).where(ModItem.actions.contains(mention))):
            item.actions = item.actions.replace(mention, "a former moderator")
        return sum(counted.values())
