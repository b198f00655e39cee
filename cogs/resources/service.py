"""Use cases of the resource library: add or suggest, search, list, edit, pin, vote, approve, remove.

Groups are reached only through ``cogs.groups.api``. A library is a group's (``scope`` = its id) or the
server's (``scope`` = 0, curated by admins). Group libraries are seen by the group's members and
facilitators; the server-wide one by everyone on the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from cogs.groups import api as groups
from cogs.resources import domain, search, texts
from cogs.resources.models import Resource, ResourceSettings, ResourceVote

SERVER = 0  # the scope of the server-wide library
LIVE, PENDING = "live", "pending"
REF_PREFIX = "id:"  # autocomplete values: "id:<record id>", so a picked choice names one resource exactly


@dataclass(frozen=True)
class ResourceView:
    id: int
    title: str
    url: str | None
    description: str
    tags: tuple[str, ...]
    pinned: bool
    helpful: int
    library: str  # the group's name, or "server-wide"
    pending: bool

    @property
    def domain(self) -> str | None:
        return domain.domain_of(self.url) if self.url else None


@dataclass(frozen=True)
class Library:
    guild_id: int
    scope: int
    name: str
    group: groups.GroupRef | None


@dataclass(frozen=True)
class Added:
    resource: ResourceView
    pending: bool


@dataclass(frozen=True)
class Listing:
    library: str
    pinned: list[ResourceView]
    others: list[ResourceView]
    pending: list[ResourceView]  # only for those who may approve


@dataclass(frozen=True)
class Vote:
    helpful: int
    counted: bool  # False: the member took their vote back


def _view(row: Resource, library: str) -> ResourceView:
    return ResourceView(
        id=row.id,
        title=row.title,
        url=row.url,
        description=row.description,
        tags=tuple(row.tags.split()),
        pinned=row.pinned,
        helpful=row.helpful,
        library=library,
        pending=row.status == PENDING,
    )


def _found_view(row: Sequence[Any], library: str) -> ResourceView:
    resource_id, title, url, description, tags, pinned, helpful, _scope, status = row[:9]
    return ResourceView(
        id=int(resource_id),
        title=title,
        url=url,
        description=description,
        tags=tuple(tags.split()),
        pinned=bool(pinned),
        helpful=int(helpful),
        library=library,
        pending=status == PENDING,
    )


class ResourceService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- which library ---------------------------------------------------------------------------

    async def _library(
        self, session: AsyncSession, actor: Actor, group_name: str | None, channel_id: int | None, server_wide: bool
    ) -> Library:
        if server_wide:
            return Library(actor.guild_id, SERVER, texts.server_wide(), None)
        ref = await groups.resolve_group(session, actor, group_name, channel_id)
        await self._require_reader(session, actor, ref)
        return Library(actor.guild_id, ref.id, ref.name, ref)

    async def _require_reader(self, session: AsyncSession, actor: Actor, ref: groups.GroupRef) -> None:
        if await groups.is_member(session, ref.id, actor.user_id) or await groups.is_facilitator(
            session, actor, ref.id
        ):
            return
        if ref.private:
            raise NotFound(texts.no_such_group(repr(ref.name)))
        raise NotAllowed(texts.members_only(ref.name))

    async def _may_curate(self, session: AsyncSession, actor: Actor, scope: int) -> bool:
        if scope == SERVER:
            return actor.is_admin
        return await groups.is_facilitator(session, actor, scope)

    async def _libraries_to_search(
        self, session: AsyncSession, actor: Actor, group_name: str | None, channel_id: int | None
    ) -> tuple[list[int], dict[int, str]]:
        """Scopes to search: the named group, else this channel's group, else all the member's groups;
        always with the server-wide library."""
        chosen: list[groups.GroupRef]
        if group_name:
            chosen = [await groups.group_by_name(session, actor, group_name)]
            await self._require_reader(session, actor, chosen[0])
        else:
            here = await groups.group_by_channel(session, actor.guild_id, channel_id)
            if here is not None and await groups.is_member(session, here.id, actor.user_id):
                chosen = [here]
            else:
                chosen = await groups.groups_of(session, actor.guild_id, actor.user_id)
        names = {g.id: g.name for g in chosen}
        names[SERVER] = texts.server_wide()
        return list(names), names

    # --- add, suggest ----------------------------------------------------------------------------

    async def add(
        self,
        actor: Actor,
        *,
        title: str,
        url: str | None = None,
        description: str | None = None,
        tags: str | None = None,
        group_name: str | None = None,
        channel_id: int | None = None,
        server_wide: bool = False,
        quoted_user_id: int | None = None,
    ) -> Added:
        shown, key = domain.clean_title(title)
        link = domain.clean_url(url)
        about = domain.clean_description(description)
        tag_text = domain.clean_tags(tags)
        if server_wide and not actor.is_admin:
            raise NotAllowed(texts.server_wide_admins_only())
        now = self.clock.now()
        try:
            async with self.db.write() as session:
                library = await self._library(session, actor, group_name, channel_id, server_wide)
                if library.group is not None:
                    await groups.require_participant(session, library.group, actor.user_id)
                await self._refuse_duplicate(session, library, key)
                pending = False
                if library.scope != SERVER and not await self._may_curate(session, actor, library.scope):
                    settings = await session.get(ResourceSettings, library.scope)
                    pending = settings is not None and settings.suggest_only
                row = Resource(
                    guild_id=actor.guild_id,
                    group_id=None if library.scope == SERVER else library.scope,
                    scope=library.scope,
                    author_id=actor.user_id,
                    quoted_user_id=quoted_user_id if quoted_user_id != actor.user_id else None,
                    title=shown,
                    title_key=key,
                    url=link,
                    description=about,
                    tags=tag_text,
                    status=PENDING if pending else LIVE,
                    pinned=False,
                    helpful=0,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                return Added(_view(row, library.name), pending)
        except IntegrityError:  # a second add of the same title won the race
            raise Conflict(texts.duplicate_race(shown)) from None

    async def _refuse_duplicate(
        self, session: AsyncSession, library: Library, key: str, but: int | None = None
    ) -> None:
        existing = await session.scalar(
            select(Resource).where(
                Resource.guild_id == library.guild_id, Resource.scope == library.scope, Resource.title_key == key
            )
        )
        if existing is not None and existing.id != but:
            raise Conflict(texts.duplicate(library.name, existing.title, waiting=existing.status == PENDING))

    # --- search, list, autocomplete ----------------------------------------------------------------

    async def search(
        self, actor: Actor, query: str, *, group_name: str | None = None, channel_id: int | None = None, limit: int = 5
    ) -> list[ResourceView]:
        terms = domain.search_terms(query)
        if not terms:
            raise BadInput(texts.search_words_needed())
        async with self.db.read() as session:
            scopes, names = await self._libraries_to_search(session, actor, group_name, channel_id)
            where = search.Where(self.db.is_sqlite, actor.guild_id, scopes, SERVER)
            found = await search.ranked(session, where, terms, limit)
            if not found and len(terms) > 1:  # a stray or mistyped word shouldn't hide everything else
                found = await search.ranked(session, where, terms, limit, any_term=True)
        return [_found_view(row, names.get(row[search.SCOPE_AT], "")) for row in found]

    async def suggestions(
        self, actor: Actor, typed: str, *, group_name: str | None = None, channel_id: int | None = None
    ) -> list[str]:
        """Autocomplete for a search: matching titles, then tags (typos forgiven)."""
        async with self.db.read() as session:
            try:
                scopes, _ = await self._libraries_to_search(session, actor, group_name, channel_id)
            except (NotFound, NotAllowed):
                return []
            rows = (
                await session.execute(
                    select(Resource.title, Resource.tags)
                    .where(Resource.guild_id == actor.guild_id, Resource.scope.in_(scopes), Resource.status == LIVE)
                    .order_by(Resource.helpful.desc(), Resource.id)
                    .limit(2000)
                )
            ).all()
        needle = typed.strip().casefold()
        titles = [t for t, _ in rows if needle in t.casefold()][:15]
        vocabulary = sorted({tag for _, tags in rows for tag in tags.split()})
        tags = domain.close_tags(needle, vocabulary, limit=25 - len(titles))
        return [*titles, *(t for t in tags if t not in titles)][:25]

    async def my_choices(
        self, actor: Actor, typed: str, *, group_name: str | None = None, channel_id: int | None = None
    ) -> list[tuple[str, str]]:
        """Autocomplete for edit/remove: (title, "id:<id>") of resources this person may change."""
        async with self.db.read() as session:
            try:
                scopes, names = await self._libraries_to_search(session, actor, group_name, channel_id)
            except (NotFound, NotAllowed):
                return []
            curated = [s for s in scopes if await self._may_curate(session, actor, s)]
            needle = typed.strip().casefold()
            rows = await session.scalars(
                select(Resource)
                .where(
                    Resource.guild_id == actor.guild_id,
                    Resource.scope.in_(scopes),
                    (Resource.author_id == actor.user_id) | Resource.scope.in_(curated),
                    Resource.title_key.contains(needle, autoescape=True),
                )
                .order_by(Resource.title_key)
                .limit(25)
            )
            return [(f"{r.title} ({names.get(r.scope, '')})"[:100], f"{REF_PREFIX}{r.id}") for r in rows]

    async def listing(
        self, actor: Actor, *, group_name: str | None = None, channel_id: int | None = None, server_wide: bool = False
    ) -> Listing:
        async with self.db.read() as session:
            library = await self._library(session, actor, group_name, channel_id, server_wide)
            rows = list(
                await session.scalars(
                    select(Resource)
                    .where(Resource.guild_id == actor.guild_id, Resource.scope == library.scope)
                    .order_by(Resource.pinned.desc(), Resource.helpful.desc(), Resource.title_key)
                    .limit(200)
                )
            )
            curator = await self._may_curate(session, actor, library.scope)
        live = [_view(r, library.name) for r in rows if r.status == LIVE]
        waiting = [_view(r, library.name) for r in rows if r.status == PENDING] if curator else []
        return Listing(library.name, [r for r in live if r.pinned], [r for r in live if not r.pinned][:15], waiting)

    # --- change ---------------------------------------------------------------------------------------

    async def _find(self, session: AsyncSession, actor: Actor, ref: str, channel_id: int | None) -> Resource:
        """A resource by an autocomplete value or by its title in one of this person's libraries."""
        ref = ref.strip()
        row: Resource | None = None
        if ref.startswith(REF_PREFIX) and ref[len(REF_PREFIX) :].isdigit():
            row = await session.get(Resource, int(ref[len(REF_PREFIX) :]))
        else:
            scopes, _ = await self._libraries_to_search(session, actor, None, channel_id)
            row = await session.scalar(
                select(Resource)
                .where(
                    Resource.guild_id == actor.guild_id,
                    Resource.scope.in_(scopes),
                    Resource.title_key == " ".join(ref.split()).casefold(),
                )
                .limit(1)
            )
        if row is None or row.guild_id != actor.guild_id:
            raise NotFound(texts.resource_not_found())
        if row.scope != SERVER:
            ref_group = await groups.group(session, actor.guild_id, row.scope)
            await self._require_reader(session, actor, ref_group)
        return row

    async def _library_name(self, session: AsyncSession, row: Resource) -> str:
        if row.scope == SERVER:
            return texts.server_wide()
        return (await groups.group(session, row.guild_id, row.scope)).name

    async def edit(
        self,
        actor: Actor,
        ref: str,
        *,
        channel_id: int | None = None,
        title: str | None = None,
        url: str | None = None,
        description: str | None = None,
        tags: str | None = None,
        pinned: bool | None = None,
    ) -> ResourceView:
        async with self.db.write() as session:
            row = await self._find(session, actor, ref, channel_id)
            curator = await self._may_curate(session, actor, row.scope)
            if row.author_id != actor.user_id and not curator:
                raise NotAllowed(texts.only_author_or_facilitator_changes())
            name = await self._library_name(session, row)
            if title is not None:
                shown, key = domain.clean_title(title)
                await self._refuse_duplicate(session, Library(row.guild_id, row.scope, name, None), key, but=row.id)
                row.title, row.title_key = shown, key
            if url is not None:
                row.url = domain.clean_url(url)  # an empty link removes it
            if description is not None:
                row.description = domain.clean_description(description)
            if tags is not None:
                row.tags = domain.clean_tags(tags)
            if pinned is not None and pinned != row.pinned:
                if not curator:
                    raise NotAllowed(texts.only_facilitators_pin())
                if pinned:
                    if row.status != LIVE:
                        raise BadInput(texts.approve_before_pinning())
                    count = await session.scalar(
                        select(func.count()).where(
                            Resource.guild_id == row.guild_id, Resource.scope == row.scope, Resource.pinned.is_(True)
                        )
                    )
                    if (count or 0) >= domain.PINNED_MAX:
                        raise Conflict(texts.start_here_full(domain.PINNED_MAX))
                row.pinned = pinned
            row.updated_at = self.clock.now()
            return _view(row, name)

    async def remove(self, actor: Actor, ref: str, *, channel_id: int | None = None) -> ResourceView:
        async with self.db.write() as session:
            row = await self._find(session, actor, ref, channel_id)
            if row.author_id != actor.user_id and not await self._may_curate(session, actor, row.scope):
                raise NotAllowed(texts.only_author_or_facilitator_removes())
            shown = _view(row, await self._library_name(session, row))
            await session.delete(row)
            return shown

    async def review(self, actor: Actor, resource_id: int, *, approve: bool) -> ResourceView:
        """A facilitator approves a suggestion (it goes live) or declines it (it is deleted)."""
        async with self.db.write() as session:
            row = await session.get(Resource, resource_id)
            if row is None or row.guild_id != actor.guild_id or row.status != PENDING:
                raise NotFound(texts.already_reviewed())
            if not await self._may_curate(session, actor, row.scope):
                raise NotAllowed(texts.only_facilitators_review())
            shown = _view(row, await self._library_name(session, row))
            if approve:
                row.status = LIVE
                row.updated_at = self.clock.now()
            else:
                await session.delete(row)
            return shown

    async def vote(self, actor: Actor, resource_id: int) -> Vote:
        """Mark helpful, once per member; pressing again takes the vote back."""
        async with self.db.write() as session:
            row = await session.get(Resource, resource_id, with_for_update=not self.db.is_sqlite)
            if row is None or row.guild_id != actor.guild_id or row.status != LIVE:
                raise NotFound(texts.resource_removed())
            if row.scope != SERVER:
                await self._require_reader(session, actor, await groups.group(session, actor.guild_id, row.scope))
            if row.author_id == actor.user_id:
                raise BadInput(texts.own_vote())
            existing = await session.get(ResourceVote, (row.id, actor.user_id))
            if existing is None:
                session.add(ResourceVote(resource_id=row.id, user_id=actor.user_id))
            else:
                await session.delete(existing)
            await session.flush()
            row.helpful = int(await session.scalar(select(func.count()).where(ResourceVote.resource_id == row.id)) or 0)
            return Vote(row.helpful, counted=existing is None)

    async def set_suggest_only(
        self, actor: Actor, on: bool, *, group_name: str | None = None, channel_id: int | None = None
    ) -> str:
        async with self.db.write() as session:
            ref = await groups.resolve_group(session, actor, group_name, channel_id)
            await groups.require_facilitator(session, actor, ref)
            settings = await session.get(ResourceSettings, ref.id)
            if settings is None:
                session.add(ResourceSettings(group_id=ref.id, suggest_only=on))
            else:
                settings.suggest_only = on
            return ref.name
