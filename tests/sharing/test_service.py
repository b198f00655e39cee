"""Sharing use cases and the moderation API on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.clock import Clock
from bot.config import SharingSettings
from bot.db import Database
from bot.errors import HearthError, NotAllowed, RateLimited
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from bot.safety import SafetyNet
from cogs.groups.models import Group, GroupMember, GuidelinesAcceptance
from cogs.sharing import records as api
from cogs.sharing import texts as sharing_texts
from cogs.sharing.models import AnonymousPost, SharingConfig
from cogs.sharing.privacy import KEEP_WORDS, AnonymousPostsProvider
from cogs.sharing.service import Posted, ShareResult, SharingService, Target

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
            SharingConfig(guild_id=GUILD, anonymous_sharing=True, approval_required=False, break_glass=break_glass)
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
    assert labels == ["Anonymous 1", "OP", "Anonymous 1"]


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
        config = await session.get(SharingConfig, GUILD)
        assert config is not None
        assert await api.set_break_glass(session, config, False) == 1
    async with db.read() as session:
        post = await api.post_by_id(session, made.publication.post_id)
        assert post is not None and post.author_ciphertext is None
        config = await session.get(SharingConfig, GUILD)
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
    provider = AnonymousPostsProvider()
    me = Subject(ALICE, KEYS)
    async with db.read() as session:
        assert [p["text"] for p in (await provider.export(session, me))["posts"]] == ["alice"]
        assert await described(session, provider, me) == ["1 anonymous post"]
    async with db.write() as session:
        await provider.erase(session, me, Erasure(keeps=frozenset({KEEP_WORDS.key} if keep_text else ())))
    async with db.read() as session:
        left = sorted(p.content for p in await session.scalars(select(AnonymousPost)))
        assert await described(session, provider, me) == []
    assert left == (["alice", "bob"] if keep_text else ["bob"])


async def test_concurrent_shares_share_a_transaction_yet_each_gets_its_own_answer(db: Database) -> None:
    group_id = await arrange(db)
    carol, dave, erin = 1003, 1004, 1005  # not a member; blocked; member who never accepted the guidelines
    now = datetime(2026, 5, 1, tzinfo=UTC)
    async with db.write() as session:
        session.add(GroupMember(group_id=group_id, user_id=dave, joined_at=now))
        session.add(GuidelinesAcceptance(group_id=group_id, user_id=dave, version=1, accepted_at=now))
        session.add(GroupMember(group_id=group_id, user_id=erin, joined_at=now))
    clock = FakeClock()
    sharing = service(db, clock, shares_per_hour=5)
    earlier = await sharing.create(actor(dave), Target(group_id, "G"), "before the block", None)
    async with db.write() as session:
        post = await api.post_by_id(session, earlier.publication.post_id)
        assert post is not None
        await api.block_author(session, post, now=clock.now())

    senders = [ALICE] * 6 + [BOB] * 3 + [carol, dave, erin]
    texts = [f"share {n} by {user}" for n, user in enumerate(senders)]
    answers = await asyncio.gather(
        *(
            sharing.create(actor(user), Target(group_id, "G"), text, None)
            for user, text in zip(senders, texts, strict=True)
        ),
        return_exceptions=True,
    )
    assert max(sharing.creates.batches) > 1  # they really were written together

    refused = {n: answer for n, answer in enumerate(answers) if isinstance(answer, BaseException)}
    assert sorted(refused) == [5, 9, 10, 11]  # Alice's 6th, Carol, Dave, Erin
    assert all(isinstance(error, HearthError) for error in refused.values())
    assert isinstance(refused[5], RateLimited)
    assert str(refused[5]).startswith("You've reached the limit of 5 anonymous posts an hour.")
    assert isinstance(refused[9], NotAllowed) and "not a member of **G**" in str(refused[9])
    assert isinstance(refused[10], NotAllowed) and str(refused[10]) == sharing_texts.blocked()
    assert "guidelines" in str(refused[11]).lower()
    stored = {n: answer for n, answer in enumerate(answers) if isinstance(answer, ShareResult)}
    assert sorted(stored) == [0, 1, 2, 3, 4, 6, 7, 8]
    for n, result in stored.items():  # each caller got its own post back
        assert result.publication.text == texts[n] and not result.held and result.group_name == "G"
    assert len({result.publication.post_id for result in stored.values()}) == len(stored)

    # Attaching them all at once: one batch, each post gets its own message, a vanished post gets nothing.
    attached = await asyncio.gather(
        *(
            sharing.attach_message(result.publication.post_id, 55, 9000 + n, None, flag=False)
            for n, result in stored.items()
        ),
        sharing.attach_message(10**9, 55, 1, None, flag=False),
    )
    assert attached == [Posted(None)] * (len(stored) + 1)
    assert max(sharing.attaches.batches) > 1

    async with db.read() as session:
        rows = {p.id: p for p in await session.scalars(select(AnonymousPost))}
    assert len(rows) == len(stored) + 1  # plus Dave's post from before the block
    for n, result in stored.items():
        row = rows[result.publication.post_id]
        assert (row.content, row.message_id, row.channel_id, row.status) == (texts[n], 9000 + n, 55, "posted")
        assert row.code == result.publication.code
    hashes = [row.server_hash for row in rows.values() if row.id != earlier.publication.post_id]
    assert sorted(hashes.count(h) for h in set(hashes)) == [3, 5]  # Bob's three, Alice's five
    with pytest.raises(RateLimited):  # the batch counted: Alice is still at her limit
        await sharing.create(actor(ALICE), Target(group_id, "G"), "one more", None)
