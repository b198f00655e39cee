"""Anonymous sharing use cases over the database: no ``discord`` here.

The cog turns Discord objects into ids, calls these, then does the Discord side (sending the post,
creating the reply thread) and reports back the message ids. Each use case is one transaction,
except the two write steps of a share (``create`` and ``attach_message``): shares arriving together
are written in one transaction per step (group commit, ``bot/db/batching.py``), each checked exactly
as if alone and each caller getting its own result or its own refusal.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Update, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from bot.actor import Actor
from bot.clock import Clock
from bot.config import SharingSettings
from bot.db import Database
from bot.db.batching import GroupCommit
from bot.errors import BadInput, HearthError, NotAllowed, NotFound, RateLimited
from bot.keys import Keyring
from bot.safety import SafetyNet
from cogs.groups import api as groups
from cogs.groups.api import GroupRef, Participation
from cogs.moderation.api import ModerationLink
from cogs.sharing import domain, records, texts
from cogs.sharing.models import DELETED, HELD, POSTED, AnonymousBlock, AnonymousPost, GroupSharing, SharingConfig
from cogs.sharing.settings import default_config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """Where a new share or reply would go, once the member is allowed to post."""

    group_id: int
    group_name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class Publication:
    """Everything the cog needs to put one post on Discord (never who wrote it)."""

    post_id: int
    code: str
    text: str
    content_warning: str | None
    label: str | None
    channel_id: int | None  # the group's channel
    root_id: int | None = None  # for a reply: the top-level post
    root_code: str | None = None
    root_channel_id: int | None = None
    root_message_id: int | None = None
    thread_id: int | None = None
    guild_id: int | None = None  # the server whose language frames the post


@dataclass(frozen=True)
class ShareResult:
    publication: Publication
    held: bool
    mod_item_id: int | None
    safety_match: bool
    group_name: str
    group_id: int


@dataclass(frozen=True)
class _Standing:
    """Everything the posting checks read, from one query."""

    server_hash: str
    blocked: bool
    recent: int  # posts by this server hash inside the rate window
    since: datetime
    participation: Participation | None  # None: the group does not exist
    config: SharingConfig | None = None  # None: the server never changed sharing's settings
    group_approval: bool | None = None  # the group's own choice about holding posts; None: the server's

    def group(self, guild_id: int) -> GroupRef:
        if self.participation is None or self.participation.group.guild_id != guild_id:
            raise NotFound(texts.group_gone())
        return self.participation.group


@dataclass(frozen=True)
class _CreateRequest:
    actor: Actor
    target: Target
    draft: domain.Draft
    now: datetime


@dataclass(frozen=True)
class _Checked:
    """A share that passed every check, with what storing it needs."""

    group: GroupRef
    config: SharingConfig
    standing: _Standing  # holds the preloaded rows while the share is written
    pseudonym: str
    server_hash: str
    root: AnonymousPost | None
    label: str | None
    held: bool


@dataclass(frozen=True)
class _AttachRequest:
    post_id: int
    channel_id: int
    message_id: int
    thread_id: int | None
    flag: bool


@dataclass(frozen=True)
class Removed:
    code: str
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Posted:
    flag_item_id: int | None


class SharingService:
    def __init__(
        self,
        db: Database,
        keys: Callable[[], Keyring],
        settings: SharingSettings,
        clock: Clock,
        safety: SafetyNet,
        *,
        retention_days: int,
        moderation: Callable[[], ModerationLink | None] = lambda: None,
    ) -> None:
        self.db = db
        self._keys = keys
        # Asked at call time: moderation may be absent (HEARTH_FEATURES) or unloaded while we run.
        self.moderation = moderation
        self.settings = settings
        self.clock = clock
        self.safety = safety
        self.retention_days = retention_days
        # Shares sent together are stored, then attached to their Discord messages, in one transaction
        # per step instead of one each: SQLite has a single writer (see bot/db/batching.py).
        self.creates: GroupCommit[_CreateRequest, ShareResult] = GroupCommit(self._create_many)
        self.attaches: GroupCommit[_AttachRequest, Posted] = GroupCommit(self._attach_many)

    @property
    def keys(self) -> Keyring:
        return self._keys()

    def _server_hash(self, actor: Actor) -> str:
        return domain.server_hash(self.keys, actor.guild_id, actor.user_id)

    # --- who may post --------------------------------------------------------------------------

    async def _load_standing(
        self, session: AsyncSession, actor: Actor, group_id: int, server_hash: str, now: datetime | None = None
    ) -> _Standing:
        """Everything the posting checks read, in one round trip instead of six: the groups feature's
        participation row (``groups.participation_select``) with sharing's own columns added to it."""
        since = (now or self.clock.now()) - domain.RATE_WINDOW
        parameters = {
            "guild_id": actor.guild_id,
            "user_id": actor.user_id,
            "group_id": group_id,
            "server_hash": server_hash,
            "since": since,
        }
        row = (await session.execute(_standing_select(), parameters)).first()
        if row is None:
            return _Standing(server_hash, blocked=False, recent=0, since=since, participation=None)
        return _Standing(
            server_hash,
            blocked=bool(row[3]),
            recent=int(row[4] or 0),
            since=since,
            participation=groups.participation_of(row),
            config=row[5],
            group_approval=row[6],
        )

    async def _check_member(
        self, session: AsyncSession, actor: Actor, standing: _Standing, now: datetime | None = None
    ) -> SharingConfig:
        config = standing.config or default_config(actor.guild_id)
        if not config.anonymous_sharing:
            raise NotAllowed(texts.sharing_off())
        assert standing.participation is not None  # callers found the group first
        standing.participation.require()
        if standing.blocked:
            raise NotAllowed(texts.blocked())
        limit = self.settings.shares_per_hour
        if limit <= 0 or standing.recent >= limit:
            # Over the limit (the rare path): fetch the times to say how long until the next post fits.
            recent = await session.scalars(
                select(AnonymousPost.created_at).where(
                    AnonymousPost.guild_id == actor.guild_id,
                    AnonymousPost.server_hash == standing.server_hash,
                    AnonymousPost.created_at > standing.since,
                )
            )
            wait = domain.retry_after(list(recent), limit=limit, now=now or self.clock.now())
            if wait is not None:
                raise RateLimited(texts.rate_limited(limit, domain.wait_minutes(wait)))
        return config

    def _needs_review(self, group: GroupRef, config: SharingConfig, standing: _Standing) -> bool:
        """Held for approval, refused outright when no moderator could ever see it (moderation not loaded)."""
        # The group's own choice wins; a group that never chose follows the server's default.
        held = standing.group_approval if standing.group_approval is not None else config.approval_required
        if held and self.moderation() is None:
            raise NotAllowed(texts.no_reviewers(group.name))
        return bool(held)

    async def target_for_share(self, actor: Actor, group_name: str | None, channel_id: int | None) -> Target:
        """Check before showing the form, so nobody types a long post only to be refused."""
        async with self.db.read() as session:
            group = await groups.resolve_group(session, actor, group_name, channel_id)
            standing = await self._load_standing(session, actor, group.id, self._server_hash(actor))
            group = standing.group(actor.guild_id)
            config = await self._check_member(session, actor, standing)
            if group.channel_id is None:
                raise BadInput(texts.no_channel_yet(group.name))
            self._needs_review(group, config, standing)
            return Target(group.id, group.name)

    async def target_for_reply(self, actor: Actor, post_id: int) -> Target:
        async with self.db.read() as session:
            parent = await self._reply_parent(session, actor, post_id)
            standing = await self._load_standing(session, actor, parent.group_id, self._server_hash(actor))
            group = standing.group(actor.guild_id)
            config = await self._check_member(session, actor, standing)
            self._needs_review(group, config, standing)
            return Target(group.id, group.name, parent.id)

    async def _reply_parent(self, session: AsyncSession, actor: Actor, post_id: int) -> AnonymousPost:
        post = await session.get(AnonymousPost, post_id)
        if post is None or post.guild_id != actor.guild_id:
            raise NotFound(texts.post_unavailable())
        root = post if post.parent_id is None else await session.get(AnonymousPost, post.parent_id)
        if root is None or root.status != POSTED or root.message_id is None:
            raise NotFound(texts.conversation_closed())
        return root

    # --- posting -------------------------------------------------------------------------------

    async def create(self, actor: Actor, target: Target, text: str | None, content_warning: str | None) -> ShareResult:
        """Store a share or reply; held for approval, or ready for the cog to publish."""
        draft = domain.validate_draft(text, content_warning, max_length=self.settings.max_length)
        result = await self.creates.run(_CreateRequest(actor, target, draft, self.clock.now()))
        status = HELD if result.held else POSTED
        log.info("anonymous post %s stored in guild %s (%s)", result.publication.post_id, actor.guild_id, status)
        return result

    async def _create_many(self, requests: Sequence[_CreateRequest]) -> list[ShareResult | HearthError]:
        """Store a batch of shares in one transaction; a refused one gets its error, the rest are stored.

        The requests are checked and stored one after another inside the transaction, so each sees the
        shares stored before it: the rate limit counts the same author's earlier shares of this batch,
        and every outcome equals what it would be had the shares been sent one after another. A refusal
        is raised before anything of its share is written.
        """
        keys = self.keys
        answers: list[ShareResult | HearthError] = []
        async with self.db.write() as session:
            for request in requests:
                try:
                    checked = await self._check_share(session, keys, request)
                except HearthError as refusal:
                    answers.append(refusal)
                    continue
                answers.append(await self._store(session, keys, request, checked))
        return answers

    async def _check_share(self, session: AsyncSession, keys: Keyring, request: _CreateRequest) -> _Checked:
        actor, target = request.actor, request.target
        server_hash = domain.server_hash(keys, actor.guild_id, actor.user_id)
        # One query reads every row the checks need.
        standing = await self._load_standing(session, actor, target.group_id, server_hash, request.now)
        group = standing.group(actor.guild_id)
        config = await self._check_member(session, actor, standing, request.now)
        if group.channel_id is None:
            raise BadInput(texts.no_channel_yet(group.name))
        pseudonym = domain.pseudonym(keys, actor.guild_id, group.id, actor.user_id)
        root: AnonymousPost | None = None
        label: str | None = None
        if target.parent_id is not None:
            root = await session.scalar(
                select(AnonymousPost).where(AnonymousPost.id == target.parent_id).with_for_update()
            )
            if root is None or root.status != POSTED or root.message_id is None:
                raise NotFound(texts.conversation_closed())
            label = await self._label(session, root, pseudonym)
        held = self._needs_review(group, config, standing)
        return _Checked(group, config, standing, pseudonym, server_hash, root, label, held)

    async def _store(
        self, session: AsyncSession, keys: Keyring, request: _CreateRequest, checked: _Checked
    ) -> ShareResult:
        actor, draft, group, config, root = request.actor, request.draft, checked.group, checked.config, checked.root
        held = checked.held
        code = domain.new_code()
        post = AnonymousPost(
            code=code,
            guild_id=actor.guild_id,
            group_id=group.id,
            parent_id=root.id if root else None,
            pseudonym=checked.pseudonym,
            server_hash=checked.server_hash,
            label=checked.label,
            content=draft.text,
            content_warning=draft.content_warning,
            status=HELD if held else POSTED,
            created_at=request.now,
            author_ciphertext=(
                domain.seal_author(keys.derive("break-glass"), actor.user_id, code) if config.break_glass else None
            ),
        )
        session.add(post)
        await session.flush()
        item_id = None
        moderation = self.moderation()
        if held and moderation is not None:  # checked above; moderation can't vanish inside one await chain
            item_id = await moderation.open_item(
                session,
                guild_id=actor.guild_id,
                kind="held",
                channel_id=group.channel_id,
                message_id=None,
                post_id=post.id,
                author_id=None,
                excerpt=domain.excerpt(draft.text),
                now=request.now,
            )
        publication = _publication(post, group, root)
        return ShareResult(publication, held, item_id, self.safety.matches(draft.text), group.name, group.id)

    async def _label(self, session: AsyncSession, root: AnonymousPost, pseudonym: str) -> str:
        rows = await session.execute(
            select(AnonymousPost.pseudonym, AnonymousPost.label).where(
                AnonymousPost.parent_id == root.id, AnonymousPost.label.is_not(None)
            )
        )
        labels = {p: label for p, label in rows.all() if label is not None}
        return domain.label_for(pseudonym, op_pseudonym=root.pseudonym, thread_labels=labels)

    async def attach_message(
        self, post_id: int, channel_id: int, message_id: int, thread_id: int | None, *, flag: bool
    ) -> Posted:
        """The post is on Discord: remember where, and flag it for moderators when a safety keyword matched."""
        return await self.attaches.run(_AttachRequest(post_id, channel_id, message_id, thread_id, flag))

    async def _attach_many(self, requests: Sequence[_AttachRequest]) -> list[Posted | HearthError]:
        """Attach a batch of posts to their Discord messages in one transaction."""
        async with self.db.write() as session:
            return [await self._attach(session, request) for request in requests]

    async def _attach(self, session: AsyncSession, request: _AttachRequest) -> Posted:
        # One UPDATE ... RETURNING instead of a SELECT then an UPDATE.
        row = (
            await session.execute(
                _attach_update(),
                {
                    "post_id": request.post_id,
                    "new_channel_id": request.channel_id,
                    "new_message_id": request.message_id,
                    "new_thread_id": request.thread_id,
                },
            )
        ).first()
        if row is None:
            return Posted(None)
        guild_id, content = row
        item_id = None
        moderation = self.moderation()
        if request.flag and self.safety.flag_for_moderators and moderation is not None:
            item_id = await moderation.open_item(
                session,
                guild_id=guild_id,
                kind="flag",
                channel_id=request.channel_id,
                message_id=request.message_id,
                post_id=request.post_id,
                author_id=None,
                excerpt=domain.excerpt(content),
                now=self.clock.now(),
                reason="safety keyword",
            )
        return Posted(item_id)

    async def set_thread(self, root_id: int, thread_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(update(AnonymousPost).where(AnonymousPost.id == root_id).values(thread_id=thread_id))

    async def thread_of(self, root_id: int) -> int | None:
        async with self.db.read() as session:
            return await session.scalar(select(AnonymousPost.thread_id).where(AnonymousPost.id == root_id))

    async def discard(self, post_id: int) -> None:
        """Discord refused the post: leave nothing half-written."""
        async with self.db.undo() as session:
            await session.execute(delete(AnonymousPost).where(AnonymousPost.id == post_id))

    async def approved(self, post_id: int) -> Publication | None:
        """A moderator approved a held post: what to publish, or None when there is nothing (left) to do."""
        async with self.db.write() as session:
            post = await session.scalar(select(AnonymousPost).where(AnonymousPost.id == post_id).with_for_update())
            if post is None or post.message_id is not None or post.status not in (HELD, POSTED):
                return None
            group = await groups.group_by_id(session, post.group_id)
            if group is None:
                return None
            root = await session.get(AnonymousPost, post.parent_id) if post.parent_id else None
            if post.parent_id is not None and (root is None or root.message_id is None):
                return None
            post.status = POSTED
            return _publication(post, group, root)

    # --- the author's own actions --------------------------------------------------------------

    async def message_of(self, actor: Actor, post_id: int) -> tuple[int, int]:
        """Where an anonymous post lives on Discord (for the Report button)."""
        async with self.db.read() as session:
            post = await session.get(AnonymousPost, post_id)
        if post is None or post.guild_id != actor.guild_id or post.channel_id is None or post.message_id is None:
            raise NotFound(texts.post_unavailable())
        return post.channel_id, post.message_id

    async def delete_own(self, actor: Actor, raw_code: str) -> Removed:
        code = domain.normalise_code(raw_code)
        if not domain.looks_like_code(code):
            raise BadInput(texts.not_a_code(raw_code.strip(), domain.CODE_LENGTH))
        async with self.db.write() as session:
            post = await records.post_by_code(session, actor.guild_id, code)
            if post is None or post.status == DELETED:
                raise NotFound(texts.no_such_code(code))
            if domain.pseudonym(self.keys, post.guild_id, post.group_id, actor.user_id) != post.pseudonym:
                raise NotAllowed(texts.not_yours())
            removed = Removed(post.code, post.channel_id, post.message_id)
            await records.mark_deleted(session, post)
        log.info("anonymous post %s deleted by its author", post.id)
        return removed

    async def stored_message_ids(self, message_ids: list[int]) -> set[int]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(AnonymousPost.message_id).where(AnonymousPost.message_id.in_(message_ids))
            )
            return {m for m in rows if m is not None}

    # --- retention and privacy -----------------------------------------------------------------

    async def purge_expired(self) -> int:
        """Delete posts older than ``retention.anonymous_posts_days`` (their words, pseudonym and ciphertext)."""
        if self.retention_days <= 0:
            return 0
        cutoff = self.clock.now() - timedelta(days=self.retention_days)
        async with self.db.write() as session:
            result = await session.execute(delete(AnonymousPost).where(AnonymousPost.created_at < cutoff))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            log.info("retention: removed %d anonymous posts", count)
        return count


def _publication(post: AnonymousPost, group: GroupRef, root: AnonymousPost | None) -> Publication:
    return Publication(
        post_id=post.id,
        code=post.code,
        text=post.content,
        content_warning=post.content_warning,
        label=post.label,
        channel_id=group.channel_id,
        root_id=root.id if root else None,
        root_code=root.code if root else None,
        root_channel_id=root.channel_id if root else None,
        root_message_id=root.message_id if root else None,
        thread_id=root.thread_id if root else None,
        guild_id=post.guild_id,
    )


# The two statements every share runs, built once with named parameters: building a SELECT with its
# joins and subqueries (and its cache key) cost more per share than running it (issue 17).
@functools.cache
def _standing_select() -> Select[Any]:
    """Everything the posting checks read, in one round trip instead of six: the groups feature's
    participation row (``groups.participation_select``) with sharing's own columns added to it."""
    guild_id: BindParameter[Any] = bindparam("guild_id")
    server_hash: BindParameter[Any] = bindparam("server_hash")
    group_id: BindParameter[Any] = bindparam("group_id")
    user_id: BindParameter[Any] = bindparam("user_id")
    blocked = (
        select(AnonymousBlock.guild_id)
        .where(AnonymousBlock.guild_id == guild_id, AnonymousBlock.server_hash == server_hash)
        .exists()
    )
    recent = (
        select(func.count())
        .select_from(AnonymousPost)
        .where(
            AnonymousPost.guild_id == guild_id,
            AnonymousPost.server_hash == server_hash,
            AnonymousPost.created_at > bindparam("since"),
        )
        .scalar_subquery()
    )
    return (
        groups.participation_select(group_id, user_id)  # type: ignore[arg-type]  # bound at execution
        .add_columns(blocked, recent, SharingConfig, GroupSharing.shares_need_approval)
        .outerjoin(SharingConfig, SharingConfig.guild_id == guild_id)
        .outerjoin(GroupSharing, GroupSharing.group_id == group_id)
    )


@functools.cache
def _attach_update() -> Update:
    """One UPDATE ... RETURNING instead of a SELECT then an UPDATE."""
    return (
        update(AnonymousPost)
        .where(AnonymousPost.id == bindparam("post_id"))
        .values(
            channel_id=bindparam("new_channel_id"),
            message_id=bindparam("new_message_id"),
            thread_id=bindparam("new_thread_id"),
            status=POSTED,
        )
        .returning(AnonymousPost.guild_id, AnonymousPost.content)
        .execution_options(synchronize_session=False)
    )
