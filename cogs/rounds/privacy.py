"""Privacy provider for rounds: speaking-time records and queue places, and mutes Hearth set.

Erasing also rewrites the live message of a round the member was in (it names the holder and the queue)
and removes the turn notice addressed to them, through the erase's durable delivery records. An ended
round's public summary names nobody (counts only), but summaries posted before that listed who shared:
the erase rewrites the message of every ended round they shared in, with the counts as published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally, count_each
from cogs.rounds import domain as d
from cogs.rounds.models import Round, RoundEntry, RoundMute
from cogs.rounds.service import RoundService, _state_of
from cogs.rounds.views import ENDED_REFRESH, render, render_ended


class RoundsPrivacy:
    name = N_("sharing rounds")
    purpose = N_(
        "Your place in round queues and how long you spoke in each round (never what you said), "
        "so turns go in order, quieter members can go first, and facilitators see overall balance."
    )

    def __init__(self, service: RoundService | None = None, language: Callable[[int], str] | None = None) -> None:
        self.service = service  # renders a live round's message again once the member is gone from it
        self.language = language  # a round's message speaks its server's language (guild id -> code)

    @staticmethod
    def _waiting_query(subject: Subject) -> Select[Any]:
        """Live rounds where they hold the stick or wait for it."""
        return (
            select(RoundEntry.round_id)
            .join(Round, Round.id == RoundEntry.round_id)
            .where(
                RoundEntry.user_id == subject.user_id,
                RoundEntry.place.in_(("queue", "later", "holder")),
                Round.ended_at.is_(None),
            )
        )

    async def _waiting(self, session: AsyncSession, subject: Subject) -> list[int]:
        return list(await session.scalars(self._waiting_query(subject)))

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        entries, waiting, started = await count_each(
            session,
            select(func.count()).where(RoundEntry.user_id == subject.user_id),
            select(func.count()).select_from(self._waiting_query(subject).subquery()),
            select(func.count()).where(Round.started_by == subject.user_id),
        )
        return [
            Tally(
                "rounds",
                plural(
                    "%(count)s round with your place or speaking time",
                    "%(count)s rounds with your place or speaking time",
                ),
                entries,
            ),
            Tally(
                "live_queue_places",
                plural("%(count)s place in a live round queue", "%(count)s places in live round queues"),
                waiting,
            ),
            Tally(
                "rounds_started",
                plural(
                    "%(count)s round naming you as who started it", "%(count)s rounds naming you as who started them"
                ),
                started,
            ),
        ]

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
        return {
            "rounds": rounds,
            "live_queue_places": await self._waiting(session, subject),
            "rounds_started": started,
            "pending_unmutes_in_servers": [str(g) for g in mutes],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        user = subject.user_id
        in_round = select(RoundEntry.round_id).where(RoundEntry.user_id == user)
        await self._rewrite_ended(session, user, erasure)
        live = list(
            await session.scalars(
                select(Round).where(Round.ended_at.is_(None), (Round.holder_id == user) | Round.id.in_(in_round))
            )
        )
        for row in live:
            if row.holder_id == user and row.notice_message_id is not None:  # "your turn" notices are theirs
                erasure.delete_message(
                    session,
                    row.channel_id,
                    row.notice_message_id,
                    what=N_("round notice"),
                    purpose="rounds.erase",
                    guild_id=row.guild_id,
                )
                row.notice_message_id = None
        # A live round they hold: the stick is freed (the next action hands it on), nothing else is lost.
        await session.execute(
            update(Round)
            .where(Round.holder_id == user, Round.ended_at.is_(None))
            .values(
                holder_id=None, due_at=None, remaining=None, stretch_started_at=None, spoken=0.0, turn=Round.turn + 1
            )
        )
        await session.execute(update(Round).where(Round.started_by == user).values(started_by=None))
        await session.execute(delete(RoundEntry).where(RoundEntry.user_id == user))
        # A mute Hearth set is kept until Hearth has undone it (then it is deleted): erasing it would
        # leave the person muted. So it is not counted as erased either.
        await session.flush()
        for row in live:
            if self.service is not None and row.message_id is not None and erasure.now is not None:
                await self._rewrite(session, row.id, erasure)

    async def _rewrite(self, session: AsyncSession, round_id: int, erasure: Erasure) -> None:
        # The service's own loader, state and view, and the live message's own renderer: the same text.
        assert self.service is not None
        assert erasure.now is not None
        row, entries, group = await self.service._load(session, round_id)
        await session.refresh(row)
        view = self.service._view(row, group, _state_of(row, entries, self.service.settings))
        assert row.message_id is not None
        erasure.edit_message(
            session,
            row.channel_id,
            row.message_id,
            render(view, erasure.now),
            what=N_("sharing round message"),
            purpose="rounds.erase",
            guild_id=row.guild_id,
        )

    async def _rewrite_ended(self, session: AsyncSession, user: int, erasure: Erasure) -> None:
        """Ended rounds they shared in: the summary posted then may name them. Rewritten with the counts as
        they were published (read before their entries go), naming nobody."""
        if self.service is None:
            return
        shared_in = select(RoundEntry.round_id).where(RoundEntry.user_id == user, RoundEntry.shared > 0)
        ended = list(
            await session.scalars(
                select(Round.id).where(
                    Round.ended_at.is_not(None), Round.message_id.is_not(None), Round.id.in_(shared_in)
                )
            )
        )
        for round_id in ended:
            row, entries, group = await self.service._load(session, round_id)
            state = _state_of(row, entries, self.service.settings)
            view = self.service._view(row, group, state)
            language = self.language(row.guild_id) if self.language else i18n.current()
            with i18n.using(language):
                content = render_ended(view, d.summarise(state.tallies))
            assert row.message_id is not None
            erasure.edit_message(
                session,
                row.channel_id,
                row.message_id,
                content,
                what=N_("round summary"),
                purpose="rounds.erase",
                guild_id=row.guild_id,
                refresh=f"{ENDED_REFRESH}:{round_id}",
            )
