"""Privacy provider for rounds: speaking-time records and queue places, and mutes Hearth set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import Subject
from cogs.rounds import texts
from cogs.rounds.models import Round, RoundEntry, RoundMute


class RoundsPrivacy:
    name = "sharing rounds"
    purpose = (
        "Your place in round queues and how long you spoke in each round (never what you said), "
        "so turns go in order, quieter members can go first, and facilitators see overall balance."
    )

    async def describe(self, session: AsyncSession, subject: Subject) -> list[str]:
        entries = list(await session.scalars(select(RoundEntry).where(RoundEntry.user_id == subject.user_id)))
        lines = []
        if entries:
            waiting = sum(1 for e in entries if e.place in {"queue", "later", "holder"})
            total = sum(e.seconds for e in entries)
            lines.append(texts.privacy_rounds(len(entries), total / 60))
            if waiting:
                lines.append(texts.privacy_queues(waiting))
        started = await session.scalar(select(Round.id).where(Round.started_by == subject.user_id).limit(1))
        if started is not None:
            lines.append(texts.privacy_starter())
        return lines

    async def export(self, session: AsyncSession, subject: Subject) -> Any:
        rows = await session.execute(
            select(RoundEntry, Round.guild_id, Round.group_id, Round.topic, Round.started_at)
            .join(Round, Round.id == RoundEntry.round_id)
            .where(RoundEntry.user_id == subject.user_id)
            .order_by(Round.started_at)
        )
        rounds = [
            {
                "round_id": entry.round_id,
                "server_id": str(guild_id),
                "group_id": group_id,
                "topic": topic,
                "started_at": started_at.isoformat(),
                "place": entry.place,
                "seconds_spoken": round(entry.seconds, 1),
                "turns_shared": entry.shared,
                "turns_passed": entry.passed,
                "turns_skipped": entry.skipped,
            }
            for entry, guild_id, group_id, topic, started_at in rows.all()
        ]
        started = list(await session.scalars(select(Round.id).where(Round.started_by == subject.user_id)))
        mutes = list(await session.scalars(select(RoundMute.guild_id).where(RoundMute.user_id == subject.user_id)))
        return {"rounds": rounds, "rounds_started": started, "pending_unmutes_in_servers": [str(g) for g in mutes]}

    async def erase(self, session: AsyncSession, subject: Subject) -> int:
        user = subject.user_id
        # A live round they hold: the stick is freed (the next action hands it on), nothing else is lost.
        await session.execute(
            update(Round)
            .where(Round.holder_id == user, Round.ended_at.is_(None))
            .values(
                holder_id=None, due_at=None, remaining=None, stretch_started_at=None, spoken=0.0, turn=Round.turn + 1
            )
        )
        await session.execute(update(Round).where(Round.started_by == user).values(started_by=None))
        entries = await session.execute(delete(RoundEntry).where(RoundEntry.user_id == user))
        # A mute Hearth set is kept until Hearth has undone it (then it is deleted): erasing it would
        # leave the person muted.
        return int(getattr(entries, "rowcount", 0) or 0)
