"""What moderation holds about a person, for /privacy.

- Items about their own (non-anonymous) messages that someone reported: the excerpt, what was done.
- Audit entries of actions they took as a moderator.
- Reports they made: none can be found. A report stores only an HMAC of (server, message, reporter);
  without the message id it cannot be recomputed, so there is nothing linkable to list or erase.

Erasing cuts the link instead of rewriting history: items lose their author, audit entries keep the
action but name "a former moderator" (actor 0), so the log stays whole and no longer points at them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.moderation.models import AuditEntry, ModItem


class ModerationPrivacy:
    name = "moderation records"
    purpose = (
        "Reports about your messages (so moderators can act on them) and, if you moderate, the actions you "
        "took (the audit log). Reports you made are never linked to you."
    )

    async def _counts(self, session: AsyncSession, user_id: int) -> tuple[int, int]:
        items = await session.scalar(select(func.count()).select_from(ModItem).where(ModItem.author_id == user_id))
        entries = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == user_id)
        )
        return int(items or 0), int(entries or 0)

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        items, entries = await self._counts(session, subject.user_id)
        lines = []
        if items:
            lines.append(f"{items} moderation item(s) about messages you wrote")
        if entries:
            lines.append(f"{entries} moderator action(s) you took, in the audit log")
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
        items = await session.execute(update(ModItem).where(ModItem.author_id == user_id).values(author_id=None))
        await session.execute(update(ModItem).where(ModItem.closed_by == user_id).values(closed_by=None))
        entries = await session.execute(update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_id=0))
        mention = f"<@{user_id}>"
        for item in await session.scalars(select(ModItem).where(ModItem.actions.contains(mention))):
            item.actions = item.actions.replace(mention, "a former moderator")
        return int(items.rowcount or 0) + int(entries.rowcount or 0)  # type: ignore[attr-defined]
