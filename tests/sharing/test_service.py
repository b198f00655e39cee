"""Sharing use cases and the moderation API on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.clock import Clock
from bot.config import SharingSettings
from bot.db import Database
from bot.errors import NotAllowed, RateLimited
from bot.keys import Keyring
from bot.privacy import Subject
from bot.safety import SafetyNet
from cogs.groups.models import Group, GroupMember, GuidelinesAcceptance, GuildConfig
from cogs.sharing import api
from cogs.sharing.models import AnonymousPost
from cogs.sharing.service import AnonymousPostsProvider, SharingService, Target

KEYS = Keyring(b"s" * 40)
GUILD = 700
ALICE, BOB = 1001, 1002


class FakeClock(Clock):
    def __init__(self) -> None:
        self.at = datetime(2026, 5, 1, 12, tzinfo=UTC)
        super().__init__(lambda: self.at)


async def arrange(db: Database, *, break_glass: bool = False) -> int:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    async with db.write() as session:
        session.add(
            GuildConfig(
                guild_id=GUILD, anonymous_sharing=True, anonymous_requires_approval=False, break_glass=break_glass
            )
        )
        group = Group(
            guild_id=GUILD,
            name="G",
            name_key="g",
            description="",
            private=False,
            channel_id=55,
            owns_channel=False,
            guidelines="",
            guidelines_version=1,
            public_events=False,
            created_by=ALICE,
            created_at=now,
        )
        session.add(group)
        await session.flush()
        for user in (ALICE, BOB):
            session.add(GroupMember(group_id=group.id, user_id=user, joined_at=now))
            session.add(GuidelinesAcceptance(group_id=group.id, user_id=user, version=1, accepted_at=now))
        return group.id


def service(db: Database, clock: Clock, **settings: int) -> SharingService:
    safety = SafetyNet(keywords=("end my life",), resources="help", flag_for_moderators=False)
    return SharingService(db, lambda: KEYS, SharingSettings(**settings), clock, safety, retention_days=30)


def actor(user: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user, role_ids=frozenset(), is_admin=False)


async def test_share_stores_pseudonyms_and_no_identity(db: Database) -> None:
    group_id = await arrange(db)
    sharing = service(db, FakeClock())
    result = await sharing.create(actor(ALICE), Target(group_id, "G"), "hello", None)
    async with db.read() as session:
        post = await session.get(AnonymousPost, result.publication.post_id)
        assert post is not None
        assert post.status == "posted" and post.author_ciphertext is None
        assert str(ALICE) not in post.pseudonym + post.server_hash
        assert await api.find_author_id(session, KEYS, post) == ALICE
        assert await api.post_by_code(session, GUILD, post.code.lower()) is not None


async def test_labels_in_a_thread_are_stable(db: Database) -> None:
    group_id = await arrange(db)
    sharing = service(db, FakeClock(), shares_per_hour=50)
    root = await sharing.create(actor(ALICE), Target(group_id, "G"), "root", None)
    await sharing.attach_message(root.publication.post_id, 55, 9000, None, flag=False)
    labels = []
    for user in (BOB, ALICE, BOB):
        made = await sharing.create(actor(user), Target(group_id, "G", root.publication.post_id), "r", None)
        labels.append(made.publication.label)
    assert labels == ["Anonymous 2", "OP", "Anonymous 2"]


async def test_rate_limit_and_block(db: Database) -> None:
    group_id = await arrange(db)
    clock = FakeClock()
    sharing = service(db, clock, shares_per_hour=2)
    for _ in range(2):
        await sharing.create(actor(ALICE), Target(group_id, "G"), "x", None)
    with pytest.raises(RateLimited):
        await sharing.create(actor(ALICE), Target(group_id, "G"), "x", None)
    clock.at += timedelta(hours=1, seconds=1)
    made = await sharing.create(actor(ALICE), Target(group_id, "G"), "x", None)
    async with db.write() as session:
        post = await api.post_by_id(session, made.publication.post_id)
        assert post is not None
        await api.block_author(session, post, now=clock.now())
        await api.block_author(session, post, now=clock.now())  # idempotent
    with pytest.raises(NotAllowed, match="can't post anonymously"):
        await sharing.target_for_share(actor(ALICE), "G", None)
    await sharing.target_for_share(actor(BOB), "G", None)


async def test_break_glass_seals_and_turning_it_off_deletes_ciphertexts(db: Database) -> None:
    group_id = await arrange(db, break_glass=True)
    sharing = service(db, FakeClock())
    made = await sharing.create(actor(ALICE), Target(group_id, "G"), "x", None)
    async with db.write() as session:
        post = await api.post_by_id(session, made.publication.post_id)
        assert post is not None and post.author_ciphertext is not None
        assert await api.reveal_author(session, KEYS, post) == ALICE
        assert await api.set_break_glass(session, GUILD, False) == 1
    async with db.read() as session:
        post = await api.post_by_id(session, made.publication.post_id)
        assert post is not None and post.author_ciphertext is None
        config = await session.get(GuildConfig, GUILD)
        assert config is not None and config.break_glass is False


async def test_retention_purges_old_posts(db: Database) -> None:
    group_id = await arrange(db)
    clock = FakeClock()
    sharing = service(db, clock)
    await sharing.create(actor(ALICE), Target(group_id, "G"), "old", None)
    clock.at += timedelta(days=31)
    await sharing.create(actor(ALICE), Target(group_id, "G"), "new", None)
    assert await sharing.purge_expired() == 1
    async with db.read() as session:
        assert [p.content for p in await session.scalars(select(AnonymousPost))] == ["new"]


@pytest.mark.parametrize("keep_text", [False, True])
async def test_privacy_provider_finds_only_my_posts(db: Database, keep_text: bool) -> None:
    group_id = await arrange(db)
    sharing = service(db, FakeClock())
    await sharing.create(actor(ALICE), Target(group_id, "G"), "alice", None)
    await sharing.create(actor(BOB), Target(group_id, "G"), "bob", None)
    erased: list[list[tuple[int, int]]] = []
    provider = AnonymousPostsProvider(lambda: keep_text, erased.append)
    me = Subject(ALICE, KEYS)
    async with db.read() as session:
        assert [p["text"] for p in await provider.export(session, me)] == ["alice"]
        assert await provider.describe(session, me) == ["1 anonymous posts and 0 anonymous replies"]
    async with db.write() as session:
        assert await provider.erase(session, me) == 1
    async with db.read() as session:
        left = sorted(p.content for p in await session.scalars(select(AnonymousPost)))
        assert await provider.export(session, me) == []
    assert left == (["alice", "bob"] if keep_text else ["bob"])
