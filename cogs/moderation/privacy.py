"""What moderation holds about a person, for /privacy.

- Items about their own (non-anonymous) messages that someone reported: the excerpt, what was done.
- Audit entries of actions they took as a moderator.
- Reports they made: a report stores only an HMAC of (server, message, reporter), which the secret key
  and the stored message id could recompute. On erase the key is dropped (and the reason they wrote with
  it), so afterwards nothing, not even Hearth, can tell which reports were theirs.

Erasing cuts the link instead of rewriting history: items lose their author and the excerpt of their words
and reports lose the reason they wrote; every queue card that showed them is rewritten, through the durable
delivery record of the erase. Audit entries keep the action but name "a former moderator" (actor 0), so the
log stays whole and no longer points at them.
``counts`` is the one counting used by /privacy info, the export and the erase reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, plural
from bot.privacy import Erasure, Subject, Tally, count_each
from cogs.moderation import records
from cogs.moderation.domain import render_card
from cogs.moderation.models import AuditEntry, ModItem, ModReport
from cogs.sharing.api import AnonymousPosts

REMOVED = "(removed at the author's request)"
REMOVED_REASON = "(removed at the reporter's request)"
ERASED_RESOLUTION = "erased at the author's request"

PostCodes = Callable[[AsyncSession, int], Awaitable[str | None]]


async def _no_code(_session: AsyncSession, _post_id: int) -> str | None:
    return None


def post_codes(posts: Callable[[], AnonymousPosts | None]) -> PostCodes:
    """Sharing's post codes, asked at call time (None when sharing isn't loaded)."""

    async def code(session: AsyncSession, post_id: int) -> str | None:
        sharing = posts()
        post = await sharing.post_by_id(session, post_id) if sharing is not None else None
        return post.code if post is not None else None

    return code


async def _render(session: AsyncSession, item: ModItem, post_code: PostCodes) -> str:
    """The card as it reads once the erase is done: rendered exactly as moderation renders it."""
    code = await post_code(session, item.post_id) if item.post_id is not None else None
    view = await records.snapshot(session, item, post_code=code)
    return render_card(view)


async def _rewrite_cards(
    session: AsyncSession, items: dict[int, tuple[ModItem, str]], erasure: Erasure, post_code: PostCodes = _no_code
) -> None:
    """Each card that showed the member (their words, their report, their name) is rewritten once the erase
    commits, through its durable delivery record."""
    await session.flush()
    for item, what in items.values():
        if item.card_channel_id and item.card_message_id:
            erasure.edit_message(
                session,
                item.card_channel_id,
                item.card_message_id,
                await _render(session, item, post_code),
                what=what,
                purpose="moderation.erase",
                guild_id=item.guild_id,
            )


# --- anonymous posts: sharing finds the member's posts, moderation clears its quotes of them ---------


async def count_post_items(session: AsyncSession, post_ids: list[int]) -> int:
    found = await session.scalar(select(func.count()).select_from(ModItem).where(ModItem.post_id.in_(post_ids)))
    return int(found or 0)


async def post_item_excerpts(session: AsyncSession, post_ids: list[int]) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(ModItem.post_id, ModItem.excerpt).where(ModItem.post_id.in_(post_ids)).order_by(ModItem.id)
    )
    return [(int(post_id), excerpt) for post_id, excerpt in rows.all() if post_id is not None]


async def erase_post_items(session: AsyncSession, post_ids: list[int], erasure: Erasure) -> None:
    """The posts are being erased: their quotes go, an item still waiting (a held post, a report) is
    closed since there is nothing left to act on, and each card is rewritten once the erase commits."""
    touched = {}
    for item in await session.scalars(select(ModItem).where(ModItem.post_id.in_(post_ids))):
        item.excerpt = REMOVED
        item.post_id = None
        if item.status == "open":
            item.status = "closed"
            item.closed_at = erasure.now
            item.resolution = ERASED_RESOLUTION
        touched[item.id] = (item, N_("moderator card quoting your anonymous post"))
    await _rewrite_cards(session, touched, erasure)


class ModerationPrivacy:
    name = N_("moderation records")
    purpose = N_(
        "Reports about your messages (so moderators can act on them) and, if you moderate, the actions you "
        "took (the audit log). Reports you made are never linked to you."
    )

    def __init__(self, post_code: PostCodes = _no_code) -> None:
        # Sharing's code of an anonymous post, so a rewritten card still names the post it is about.
        self.post_code = post_code

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

    async def counts(self, session: AsyncSession, subject: Subject) -> list[Tally]:
        user_id = subject.user_id
        items, entries = await count_each(
            session,
            select(func.count()).select_from(ModItem).where(ModItem.author_id == user_id),
            select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == user_id),
        )
        return [
            Tally(
                "items_about_your_messages",
                plural(
                    "%(count)s moderation item about messages you wrote",
                    "%(count)s moderation items about messages you wrote",
                ),
                items,
            ),
            Tally(
                "your_moderator_actions",
                plural(
                    "%(count)s moderator action you took, in the audit log",
                    "%(count)s moderator actions you took, in the audit log",
                ),
                entries,
            ),
            Tally(
                "reports_you_filed",
                plural("%(count)s report you filed", "%(count)s reports you filed"),
                len(await self._my_reports(session, subject)),
            ),
        ]

    async def export(self, session: AsyncSession, subject: Subject) -> dict[str, Any]:
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

    async def erase(self, session: AsyncSession, subject: Subject, erasure: Erasure) -> None:
        user_id = subject.user_id
        touched: dict[int, tuple[ModItem, str]] = {}
        reports = await self._my_reports(session, subject)
        if reports:
            reported = await session.scalars(
                select(ModItem).join(ModReport, ModReport.item_id == ModItem.id).where(ModReport.id.in_(reports))
            )
            touched.update({item.id: (item, "moderator card showing your report") for item in reported})
            await session.execute(
                update(ModReport).where(ModReport.id.in_(reports)).values(reporter_key=None, reason=REMOVED_REASON)
            )
        for item in await session.scalars(select(ModItem).where(ModItem.author_id == user_id)):
            item.excerpt = REMOVED
            item.author_id = None
            touched[item.id] = (item, N_("moderator card quoting you"))
        mention = f"<@{user_id}>"
        for item in await session.scalars(
            select(ModItem).where((ModItem.closed_by == user_id) | ModItem.actions.contains(mention))
        ):
            item.closed_by = None if item.closed_by == user_id else item.closed_by
            item.actions = item.actions.replace(mention, "a former moderator")
            touched.setdefault(item.id, (item, "moderator card naming you"))
        await session.execute(update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_id=0))
        # Written with the erase: the cards are rewritten even if Hearth stops right after.
        await _rewrite_cards(session, touched, erasure, self.post_code)
