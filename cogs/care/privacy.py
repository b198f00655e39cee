"""Care in the privacy protocol: cases about a member, cases they raised or handled, their care preferences.

``counts`` is the one counting used by /privacy info, the export and the erase reply. Erasing deletes
the cases about them (named, or found by recomputing an anonymous case's seal) and rewrites every card
that carried those cases (facilitators' DMs, the moderator queue) through the erase's durable delivery
record, so no card keeps naming them. A worried report they made stays (it is about someone else) but
loses the link to them. A facilitator or moderator erasing their data lets go of the cases they own or help
with: those go back to the pool (due for the moderators at once, so the member still reaches a person) and every
card that said "<@them> is reaching out" is rewritten the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally
from cogs.care.domain import seal
from cogs.care.models import CareCase, CareMessage, CarePreference
from cogs.care.service import Case, _case, card_messages, release

#: The card text for one message carrying a case (the cog knows whether that channel is readable by others).
CardText = Callable[[AsyncSession, Case, int], Awaitable[str]]
#: The card's buttons after a change, as a delivery view key (None: leave the message's buttons as they are).
CardView = Callable[[Case], str | None]
#: Run after the erase commits, with the cases that went back to the pool (to arm their escalation).
Released = Callable[[list[Case]], None]

# What a card about an erased case reads afterwards: no name, no group, nothing left to act on.
ERASED_CARD = "**Care request removed**\nThe member asked Hearth to erase their data, so this request is gone."


async def _sealed(session: AsyncSession, subject: Subject) -> list[CareCase]:
    """Their anonymous concerns and the cases about their anonymous posts: found only by recomputing each
    case's seal with their id (nothing stores the id itself)."""
    rows = await session.scalars(select(CareCase).where(CareCase.seal.is_not(None)).order_by(CareCase.id))
    return [r for r in rows if r.seal == seal(subject.keys, r.guild_id, r.id, subject.user_id)]


async def _about(session: AsyncSession, subject: Subject) -> list[CareCase]:
    return list(
        await session.scalars(select(CareCase).where(CareCase.member_id == subject.user_id).order_by(CareCase.id))
    )


async def _raised(session: AsyncSession, subject: Subject) -> list[CareCase]:
    return list(
        await session.scalars(select(CareCase).where(CareCase.raised_by == subject.user_id).order_by(CareCase.id))
    )


async def _handled(session: AsyncSession, subject: Subject) -> list[CareCase]:
    """Cases they took or helped with (as a facilitator or moderator): their name is on those cards."""
    return list(
        await session.scalars(
            select(CareCase)
            .where((CareCase.owner_id == subject.user_id) | (CareCase.helper_id == subject.user_id))
            .order_by(CareCase.id)
        )
    )


def _split(sealed: list[CareCase]) -> tuple[list[CareCase], list[CareCase]]:
    """Anonymous concerns they raised, and cases about their anonymous posts."""
    return [c for c in sealed if c.source == "concern"], [c for c in sealed if c.source != "concern"]


class CarePrivacy:
    def __init__(
        self,
        card_text: CardText,
        card_view: CardView,
        released: Released,
    ) -> None:
        self.card_text, self.card_view, self.released = card_text, card_view, released

    name = N_("care requests")
    purpose = N_(
        "Care requests (yours, or a worried report about you): group, urgency, who took it and when, a private "
        "closing note; your automatic-message choice; your `/concern` conversations; the requests you took or "
        "helped with as a facilitator or moderator (erasing hands them back to the others)."
    )

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        concerns, posts = _split(await _sealed(session, subject))
        prefs = await session.scalar(
            select(func.count()).select_from(CarePreference).where(CarePreference.user_id == subject.user_id)
        )
        return [
            Tally(
                "your_anonymous_concerns",
                plural("%(count)s anonymous concern you raised", "%(count)s anonymous concerns you raised"),
                len(concerns),
            ),
            Tally(
                "requests_about_your_anonymous_posts",
                plural(
                    "%(count)s care request about your anonymous posts",
                    "%(count)s care requests about your anonymous posts",
                ),
                len(posts),
            ),
            Tally(
                "requests_about_you",
                plural("%(count)s care request about you", "%(count)s care requests about you"),
                len(await _about(session, subject)),
            ),
            Tally(
                "worried_reports_you_made",
                plural("%(count)s worried report you made", "%(count)s worried reports you made"),
                len(await _raised(session, subject)),
            ),
            Tally(
                "requests_you_handled",
                plural(
                    "%(count)s care request you took or helped with",
                    "%(count)s care requests you took or helped with",
                ),
                len(await _handled(session, subject)),
            ),
            Tally(
                "preferences",
                plural(
                    "%(count)s choice about automatic crisis messages",
                    "%(count)s choices about automatic crisis messages",
                ),
                int(prefs or 0),
            ),
        ]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
        about = await _about(session, subject)
        concerns, posts = _split(await _sealed(session, subject))
        said: dict[int, list[dict[str, Any]]] = {}
        for m in await session.scalars(
            select(CareMessage)
            .where(CareMessage.case_id.in_([c.id for c in [*about, *concerns, *posts]]))
            .order_by(CareMessage.id)
        ):
            said.setdefault(m.case_id, []).append(
                {"from": "you" if m.from_member else "handler", "at": m.at.isoformat(), "text": m.text}
            )

        def request(c: CareCase) -> dict[str, Any]:
            return {
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

        prefs = await session.scalars(select(CarePreference).where(CarePreference.user_id == subject.user_id))
        return {
            "your_anonymous_concerns": [request(c) for c in concerns],
            "requests_about_your_anonymous_posts": [request(c) for c in posts],
            "requests_about_you": [request(c) for c in about],
            # Only that they made it: the case itself is about someone else and stays theirs.
            "worried_reports_you_made": [
                {"server_id": str(c.guild_id), "at": c.opened_at.isoformat()} for c in await _raised(session, subject)
            ],
            # Only their part: the case is about someone else and stays theirs.
            "requests_you_handled": [
                {
                    "server_id": str(c.guild_id),
                    "role": "took it" if c.owner_id == subject.user_id else "helped",
                    "status": c.status,
                    "taken_at": c.claimed_at.isoformat() if c.claimed_at else None,
                }
                for c in await _handled(session, subject)
            ],
            "preferences": [{"server_id": str(p.guild_id), "automatic_messages": p.automatic} for p in prefs],
        }

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        cases = {c.id: c for c in [*await _about(session, subject), *await _sealed(session, subject)]}
        # Read before the delete: a card's alert row goes with its case.
        for case_id, channel_id, message_id in await card_messages(session, list(cases)):
            erasure.edit_message(
                session,
                channel_id,
                message_id,
                ERASED_CARD,
                what=N_("care request card about you"),
                purpose="care.erase",
                guild_id=cases[case_id].guild_id,
            )
        if cases:
            await session.execute(delete(CareCase).where(CareCase.id.in_(list(cases))))
        await session.execute(update(CareCase).where(CareCase.raised_by == subject.user_id).values(raised_by=None))
        await self._let_go(session, subject, erasure, set(cases))
        await session.execute(delete(CarePreference).where(CarePreference.user_id == subject.user_id))

    async def _let_go(self, session: AsyncSession, subject: Subject, erasure: Erasure, erased: set[int]) -> None:
        """The cases they handled stop naming them; the ones they owned go back to the pool."""
        rows = [row for row in await _handled(session, subject) if row.id not in erased]
        released: list[Case] = []
        for row in rows:
            if release(row, subject.user_id, erasure.now or row.opened_at):
                released.append(_case(row))
        if not rows:
            return
        await session.flush()
        cases = {row.id: _case(row) for row in rows}
        for case_id, channel_id, message_id in await card_messages(session, list(cases)):
            case = cases[case_id]
            text = await self.card_text(session, case, channel_id)
            erasure.edit_message(
                session,
                channel_id,
                message_id,
                text,
                what=N_("care request card naming you"),
                purpose="care.erase",
                guild_id=case.guild_id,
                view=self.card_view(case),
            )
        if released:
            done = self.released
            # Armed once the erase is committed: a timer must never fire for a release that was rolled back.
            event.listen(session.sync_session, "after_commit", lambda _session: done(released), once=True)
