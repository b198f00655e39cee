"""Moderation use cases over the database; no discord here.

The cog does the Discord side of an action (delete a message, DM, time out) between ``check`` (may
this moderator do this to this item?) and the recording call, which re-checks inside its own
transaction, so two moderators pressing at once cannot both settle an item.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.keys import Keyring
from cogs.groups import api as groups
from cogs.moderation import domain, records, texts
from cogs.moderation.domain import ItemSnapshot
from cogs.moderation.models import AuditEntry, ModerationConfig, ModItem, ModReport
from cogs.moderation.settings import moderation_config, require_moderator
from cogs.sharing.api import AnonymousPosts, PostRef

Apply = Callable[[AsyncSession, ModItem, PostRef | None], Awaitable[None]]


@dataclass(frozen=True)
class ReportOutcome:
    item_id: int
    report_count: int


@dataclass(frozen=True)
class CardTarget:
    item: ItemSnapshot
    queue_channel_id: int | None
    moderator_role_id: int | None = None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class LogLine:
    id: int
    actor_id: int
    action: str
    target: str
    item_id: int | None
    detail: str
    created_at: datetime
    subject_id: int | None  # the non-anonymous author of the item, for moderators' eyes


def target_text(item: ModItem, post: PostRef | None) -> str:
    """How the audit log names an item: never an anonymous author, only the post's code."""
    if post is not None:
        return f"anonymous post {post.code}"
    if item.message_id is not None:
        return f"message {item.message_id} in <#{item.channel_id}> (item #{item.id})"
    return f"item #{item.id}"


class _NoPosts:
    """Anonymous sharing is not loaded: nothing is an anonymous post, and there is nothing to act on."""

    async def post_by_message(self, session: AsyncSession, guild_id: int, message_id: int) -> PostRef | None:
        return None

    async def post_by_id(self, session: AsyncSession, post_id: int) -> PostRef | None:
        return None

    async def post_by_code(self, session: AsyncSession, guild_id: int, code: str) -> PostRef | None:
        return None

    async def block_author(self, session: AsyncSession, post_id: int, *, now: datetime) -> None:
        return None

    async def unblock_by_code(self, session: AsyncSession, guild_id: int, code: str) -> bool:
        return False

    async def mark_deleted(self, session: AsyncSession, post_id: int) -> None:
        return None

    async def set_status(self, session: AsyncSession, post_id: int, status: str) -> None:
        return None

    async def reveal_author(self, session: AsyncSession, keys: Keyring, post_id: int) -> int | None:
        return None

    async def break_glass(self, session: AsyncSession, guild_id: int) -> bool:
        return False

    async def is_blocked(self, session: AsyncSession, guild_id: int, user_id: int) -> bool:
        return False

    async def dm_author(self, post_id: int, text: str, view: object = None) -> bool:
        return False


NO_POSTS: AnonymousPosts = _NoPosts()


class ModerationService:
    def __init__(
        self,
        db: Database,
        keys: Callable[[], Keyring],
        clock: Clock,
        posts: Callable[[], AnonymousPosts | None] = lambda: None,
    ) -> None:
        self.db = db
        self.keys = keys
        self.clock = clock
        # Asked at call time: without anonymous sharing loaded, no message is an anonymous post.
        self._posts = posts

    @property
    def sharing(self) -> AnonymousPosts:
        return self._posts() or NO_POSTS

    # --- reports ----------------------------------------------------------------------------------

    async def _validate_report(
        self,
        session: AsyncSession,
        actor: Actor,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
        key: str,
    ) -> PostRef | None:
        """Refuse what can't be reported (outside groups, bots, own messages, twice); returns the
        anonymous post behind the message, if it is one."""
        group = await groups.group_by_channel(session, actor.guild_id, channel_id)
        if group is None:
            group = await groups.group_by_channel(session, actor.guild_id, parent_id)
        if group is None:
            raise BadInput(texts.report_outside_groups())
        post = await self.sharing.post_by_message(session, actor.guild_id, message_id)
        if post is None:
            if author_id is None:
                raise NotFound(texts.message_gone())
            if author_is_bot:
                raise BadInput(texts.report_a_bot())
            if author_id == actor.user_id:
                raise BadInput(texts.report_own())
        already = await session.scalar(select(ModReport.id).where(ModReport.reporter_key == key))
        if already is not None:
            raise Conflict(texts.reported_already())
        return post

    def _reporter_key(self, actor: Actor, message_id: int) -> str:
        return self.keys().tag("reporter", actor.guild_id, message_id, actor.user_id)

    async def precheck_report(
        self,
        actor: Actor,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
    ) -> None:
        """The same refusals as ``report``, before the reason form opens (nobody writes a reason in vain)."""
        async with self.db.read() as session:
            await self._validate_report(
                session,
                actor,
                channel_id=channel_id,
                parent_id=parent_id,
                message_id=message_id,
                author_id=author_id,
                author_is_bot=author_is_bot,
                key=self._reporter_key(actor, message_id),
            )

    async def report(
        self,
        actor: Actor,
        *,
        channel_id: int,
        parent_id: int | None,
        message_id: int,
        author_id: int | None,
        author_is_bot: bool,
        content: str,
        reason: str | None,
    ) -> ReportOutcome:
        cleaned = domain.clean_reason(reason)
        key = self._reporter_key(actor, message_id)
        try:
            async with self.db.write() as session:
                post = await self._validate_report(
                    session,
                    actor,
                    channel_id=channel_id,
                    parent_id=parent_id,
                    message_id=message_id,
                    author_id=author_id,
                    author_is_bot=author_is_bot,
                    key=key,
                )
                item_id = await records.open_item(
                    session,
                    guild_id=actor.guild_id,
                    kind="report",
                    channel_id=channel_id,
                    message_id=message_id,
                    post_id=post.id if post is not None else None,
                    author_id=None if post is not None else author_id,
                    excerpt=post.content if post is not None else content,
                    now=self.clock.now(),
                    reason=cleaned,
                    reporter_key=key,
                )
                item = await session.get(ModItem, item_id)
                assert item is not None
                count = item.report_count
        except IntegrityError:
            # Two reports by the same person at the same instant: the unique reporter_key kept one.
            raise Conflict(texts.reported_already(once=False)) from None
        return ReportOutcome(item_id=item_id, report_count=count)

    # --- views ------------------------------------------------------------------------------------

    async def _view(self, session: AsyncSession, item: ModItem, post: PostRef | None = None) -> ItemSnapshot:
        if post is None and item.post_id is not None:
            post = await self.sharing.post_by_id(session, item.post_id)
        return await records.snapshot(
            session,
            item,
            post_code=getattr(post, "code", None),
            break_glass=await self.sharing.break_glass(session, item.guild_id),
        )

    async def card_target(self, item_id: int) -> CardTarget | None:
        async with self.db.read() as session:
            item = await session.get(ModItem, item_id)
            if item is None:
                return None
            config = await moderation_config(session, item.guild_id)
            return CardTarget(await self._view(session, item), config.mod_queue_channel_id, config.moderator_role_id)

    async def card_location(self, item_id: int) -> tuple[int, int] | None:
        async with self.db.read() as session:
            item = await session.get(ModItem, item_id)
            if item is None or item.card_channel_id is None or item.card_message_id is None:
                return None
            return item.card_channel_id, item.card_message_id

    async def queue_of(self, guild_id: int) -> tuple[int | None, int | None]:
        """(queue channel id, moderator role id) as /setup stored them."""
        async with self.db.read() as session:
            config = await moderation_config(session, guild_id)
            return config.mod_queue_channel_id, config.moderator_role_id

    async def open_cards(self, guild_id: int) -> list[int]:
        """Open items whose card is posted (to re-render them when the queue channel's audience changes)."""
        async with self.db.read() as session:
            rows = await session.scalars(
                select(ModItem.id).where(
                    ModItem.guild_id == guild_id, ModItem.status == "open", ModItem.card_message_id.is_not(None)
                )
            )
            return list(rows)

    async def set_card(self, item_id: int, channel_id: int | None, message_id: int | None) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(ModItem)
                .where(ModItem.id == item_id)
                .values(card_channel_id=channel_id, card_message_id=message_id)
            )

    # --- actions ----------------------------------------------------------------------------------

    async def _load(self, session: AsyncSession, actor: Actor, item_id: int, *, lock: bool = False) -> ModItem:
        await require_moderator(session, actor)
        statement = select(ModItem).where(ModItem.id == item_id)
        if lock:
            statement = statement.with_for_update()
        item = await session.scalar(statement)
        if item is None or item.guild_id != actor.guild_id:
            raise NotFound(texts.item_gone(item_id))
        return item

    async def check(self, actor: Actor, item_id: int, action: str, *, is_owner: bool = False) -> ItemSnapshot:
        """May this member take this action on this item now? Returns the item as moderators see it."""
        async with self.db.read() as session:
            item = await self._load(session, actor, item_id)
            view = await self._view(session, item)
        domain.require_action(view, action)
        if action == "reveal" and not is_owner:
            raise NotAllowed(texts.owner_only_reveal())
        return view

    async def check_view(self, actor: Actor, item_id: int) -> ItemSnapshot:
        async with self.db.read() as session:
            item = await self._load(session, actor, item_id)
            return await self._view(session, item)

    async def _act(
        self,
        actor: Actor,
        item_id: int,
        action: str,
        *,
        detail: str = "",
        resolution: str | None = None,
        apply: Apply | None = None,
        is_owner: bool = False,
    ) -> ItemSnapshot:
        async with self.db.write() as session:
            item = await self._load(session, actor, item_id, lock=True)
            post = await self.sharing.post_by_id(session, item.post_id) if item.post_id is not None else None
            view = await self._view(session, item, post)
            domain.require_action(view, action)
            if action == "reveal" and not is_owner:
                raise NotAllowed(texts.owner_only_reveal())
            if apply is not None:
                await apply(session, item, post)
            note = f"{domain.ACTIONS[action]} by <@{actor.user_id}>" + (f" ({detail})" if detail else "")
            item.actions = (item.actions + "\n" + note).strip("\n")
            if action in domain.CLOSING:
                item.status = "closed"
                item.closed_at = self.clock.now()
                item.closed_by = actor.user_id
                item.resolution = resolution or domain.ACTIONS[action]
            await records.audit(
                session,
                now=self.clock.now(),
                guild_id=actor.guild_id,
                actor_id=actor.user_id,
                action=action,
                target=target_text(item, post),
                item_id=item.id,
                detail=detail,
            )
            await session.flush()
            return await self._view(session, item, post)

    async def dismiss(self, actor: Actor, item_id: int) -> ItemSnapshot:
        return await self._act(actor, item_id, "dismiss")

    async def deleted(self, actor: Actor, item_id: int, *, already_gone: bool = False) -> ItemSnapshot:
        async def apply(session: AsyncSession, _item: ModItem, post: PostRef | None) -> None:
            if post is not None:
                await self.sharing.mark_deleted(session, post.id)

        detail = "it was already gone" if already_gone else ""
        return await self._act(actor, item_id, "delete", detail=detail, apply=apply)

    async def warned(self, actor: Actor, item_id: int) -> ItemSnapshot:
        return await self._act(actor, item_id, "warn")

    async def reached_out(self, actor: Actor, item_id: int) -> ItemSnapshot:
        return await self._act(actor, item_id, "reachout")

    async def someone_with_them(self, actor: Actor, item_id: int) -> ItemSnapshot:
        return await self._act(actor, item_id, "withthem", resolution="someone is with them")

    async def timed_out(self, actor: Actor, item_id: int, minutes: int) -> ItemSnapshot:
        domain.timeout_minutes(minutes)
        return await self._act(actor, item_id, "timeout", detail=domain.TIMEOUTS[minutes])

    async def block(self, actor: Actor, item_id: int) -> ItemSnapshot:
        async def apply(session: AsyncSession, _item: ModItem, post: PostRef | None) -> None:
            if post is None:
                raise NotFound(texts.post_gone_block())
            await self.sharing.block_author(session, post.id, now=self.clock.now())

        return await self._act(actor, item_id, "block", apply=apply)

    async def approve(self, actor: Actor, item_id: int) -> ItemSnapshot:
        async def apply(session: AsyncSession, _item: ModItem, post: PostRef | None) -> None:
            if post is None:
                raise NotFound(texts.held_post_gone())
            await self.sharing.set_status(session, post.id, "posted")

        return await self._act(actor, item_id, "approve", resolution="approved", apply=apply)

    async def reject(self, actor: Actor, item_id: int, reason: str | None) -> ItemSnapshot:
        cleaned = domain.clean_reason(reason)

        async def apply(session: AsyncSession, _item: ModItem, post: PostRef | None) -> None:
            if post is not None:
                await self.sharing.set_status(session, post.id, "rejected")

        return await self._act(actor, item_id, "reject", detail=domain.excerpt(cleaned, 200), apply=apply)

    async def reveal(self, actor: Actor, item_id: int, *, is_owner: bool) -> int | None:
        revealed: list[int | None] = []

        async def apply(session: AsyncSession, _item: ModItem, post: PostRef | None) -> None:
            if post is None:
                raise NotFound(texts.post_gone())
            revealed.append(await self.sharing.reveal_author(session, self.keys(), post.id))

        await self._act(actor, item_id, "reveal", apply=apply, is_owner=is_owner)
        return revealed[0] if revealed else None

    async def unblock(self, actor: Actor, code: str) -> str:
        cleaned = code.strip().strip("`")
        if not cleaned:
            raise BadInput(texts.unblock_needs_code())
        async with self.db.write() as session:
            await require_moderator(session, actor)
            post = await self.sharing.post_by_code(session, actor.guild_id, cleaned)
            if post is None:
                raise NotFound(texts.no_such_code(cleaned[:40]))
            if not await self.sharing.unblock_by_code(session, actor.guild_id, cleaned):
                raise Conflict(texts.not_blocked(post.code))
            await records.audit(
                session,
                now=self.clock.now(),
                guild_id=actor.guild_id,
                actor_id=actor.user_id,
                action="unblock",
                target=f"anonymous post {post.code}",
            )
            return str(post.code)

    # --- queue and log ----------------------------------------------------------------------------

    async def queue(self, actor: Actor, page: int) -> tuple[Page, int | None]:
        async with self.db.read() as session:
            await require_moderator(session, actor)
            config = await moderation_config(session, actor.guild_id)
            where = (ModItem.guild_id == actor.guild_id, ModItem.status == "open")
            total = int(await session.scalar(select(func.count()).select_from(ModItem).where(*where)) or 0)
            page = domain.clamp_page(page, total, domain.QUEUE_PAGE_SIZE)
            rows = await session.scalars(
                select(ModItem)
                .where(*where)
                .order_by(ModItem.created_at, ModItem.id)
                .offset(page * domain.QUEUE_PAGE_SIZE)
                .limit(domain.QUEUE_PAGE_SIZE)
            )
            views = [await self._view(session, item) for item in rows]
        return Page(views, page, domain.page_count(total, domain.QUEUE_PAGE_SIZE), total), config.mod_queue_channel_id

    async def log(
        self,
        actor: Actor,
        *,
        action: str | None = None,
        moderator_id: int | None = None,
        days: int | None = None,
        page: int = 0,
    ) -> Page:
        days = domain.log_days(days)
        if action is not None and action not in domain.ACTIONS:
            raise BadInput(texts.not_an_action(action, list(domain.ACTIONS)))
        async with self.db.read() as session:
            await require_moderator(session, actor)
            where = [AuditEntry.guild_id == actor.guild_id]
            if action is not None:
                where.append(AuditEntry.action == action)
            if moderator_id is not None:
                where.append(AuditEntry.actor_id == moderator_id)
            if days is not None:
                where.append(AuditEntry.created_at >= self.clock.now() - timedelta(days=days))
            total = int(await session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)
            page = domain.clamp_page(page, total, domain.LOG_PAGE_SIZE)
            rows = await session.execute(
                select(AuditEntry, ModItem.author_id)
                .outerjoin(ModItem, ModItem.id == AuditEntry.item_id)
                .where(*where)
                .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                .offset(page * domain.LOG_PAGE_SIZE)
                .limit(domain.LOG_PAGE_SIZE)
            )
            lines = [
                LogLine(e.id, e.actor_id, e.action, e.target, e.item_id, e.detail, e.created_at, author)
                for e, author in rows.all()
            ]
        return Page(lines, page, domain.page_count(total, domain.LOG_PAGE_SIZE), total)

    async def require_moderator(self, actor: Actor) -> None:
        async with self.db.read() as session:
            await require_moderator(session, actor)

    # --- retention --------------------------------------------------------------------------------

    async def purge(self, days: int) -> tuple[int, int]:
        """Delete audit entries, and closed items (with their reports), older than ``days``."""
        cutoff = domain.retention_cutoff(self.clock.now(), days)
        async with self.db.write() as session:
            entries = await session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
            old = select(ModItem.id).where(ModItem.status == "closed", ModItem.closed_at < cutoff)
            await session.execute(delete(ModReport).where(ModReport.item_id.in_(old)))
            items = await session.execute(delete(ModItem).where(ModItem.status == "closed", ModItem.closed_at < cutoff))
        return int(entries.rowcount or 0), int(items.rowcount or 0)  # type: ignore[attr-defined]

    # --- Discord changed under us ------------------------------------------------------------------

    async def role_deleted(self, guild_id: int, role_id: int) -> None:
        """The moderator role was deleted by hand: forget it (only admins moderate until /setup names one)."""
        async with self.db.write() as session:
            config = await session.get(ModerationConfig, guild_id)
            if config is not None and config.moderator_role_id == role_id:
                config.moderator_role_id = None

    async def channel_deleted(self, guild_id: int, channel_id: int) -> None:
        async with self.db.write() as session:
            config = await session.get(ModerationConfig, guild_id)
            if config is not None and config.mod_queue_channel_id == channel_id:
                config.mod_queue_channel_id = None
