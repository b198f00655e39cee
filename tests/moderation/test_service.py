"""Moderation use cases on a real database (each test runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from cogs.groups.models import Group
from cogs.moderation import records as api
from cogs.moderation.models import AuditEntry, ModerationConfig, ModItem, ModReport
from cogs.moderation.privacy import ModerationPrivacy
from cogs.moderation.service import ModerationService

GUILD, CHANNEL, MOD_ROLE = 100, 200, 300
KEYS = Keyring(b"k" * 40)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


class MovableClock(Clock):
    def __init__(self) -> None:
        self.current = datetime(2026, 5, 1, 12, tzinfo=UTC)
        super().__init__(lambda: self.current)


def member(user_id: int, *, moderator: bool = False, guild: int = GUILD) -> Actor:
    return Actor(guild_id=guild, user_id=user_id, role_ids=frozenset({MOD_ROLE} if moderator else ()), is_admin=False)


@pytest.fixture
async def service(db: Database) -> ModerationService:
    clock = MovableClock()
    async with db.write() as session:
        session.add(ModerationConfig(guild_id=GUILD, moderator_role_id=MOD_ROLE))
        session.add(
            Group(
                guild_id=GUILD,
                name="Grief",
                name_key="grief",
                description="",
                private=False,
                channel_id=CHANNEL,
                owns_channel=False,
                guidelines="",
                guidelines_version=1,
                created_by=1,
                created_at=clock.now(),
            )
        )
    return ModerationService(db, lambda: KEYS, clock)


async def file_report(service: ModerationService, reporter: int, message_id: int = 900, reason: str = "rude") -> int:
    outcome = await service.report(
        member(reporter),
        channel_id=CHANNEL,
        parent_id=None,
        message_id=message_id,
        author_id=7,
        author_is_bot=False,
        content="the reported words",
        reason=reason,
    )
    return outcome.item_id


async def test_reports_on_one_message_share_an_item_and_store_no_reporter_id(
    service: ModerationService, db: Database
) -> None:
    first = await file_report(service, 11)
    second = await file_report(service, 12, reason="also rude")

    assert first == second
    async with db.read() as session:
        item = await session.get(ModItem, first)
        rows = list(await session.scalars(select(ModReport)))
    assert item is not None and item.report_count == 2 and item.author_id == 7
    assert {r.reporter_key for r in rows} == {
        KEYS.tag("reporter", GUILD, 900, 11),
        KEYS.tag("reporter", GUILD, 900, 12),
    }
    assert all("11" not in (r.reporter_key or "")[:2] for r in rows)


async def test_the_same_member_cannot_report_twice_even_after_the_item_closed(service: ModerationService) -> None:
    item_id = await file_report(service, 11)
    await service.dismiss(member(50, moderator=True), item_id)

    with pytest.raises(Conflict, match="already reported"):
        await file_report(service, 11)


async def test_a_report_after_dismissal_opens_a_new_item(service: ModerationService) -> None:
    first = await file_report(service, 11)
    await service.dismiss(member(50, moderator=True), first)
    assert await file_report(service, 12) != first


@pytest.mark.parametrize(
    ("channel_id", "author_id", "is_bot", "reason", "error", "match"),
    [
        (999, 7, False, "rude", BadInput, "group's channel"),
        (CHANNEL, 11, False, "rude", BadInput, "your own message"),
        (CHANNEL, 7, True, "rude", BadInput, "from a bot"),
        (CHANNEL, None, True, "rude", NotFound, "can't find that message"),
        (CHANNEL, 7, False, "", BadInput, "write a reason"),
        (CHANNEL, 7, False, "x" * 501, BadInput, "under 500"),
    ],
)
async def test_wrong_reports_are_refused_and_store_nothing(
    service: ModerationService,
    db: Database,
    channel_id: int,
    author_id: int | None,
    is_bot: bool,
    reason: str,
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        await service.report(
            member(11),
            channel_id=channel_id,
            parent_id=None,
            message_id=900,
            author_id=author_id,
            author_is_bot=is_bot,
            content="words",
            reason=reason,
        )
    async with db.read() as session:
        assert list(await session.scalars(select(ModItem))) == []


async def test_a_message_in_a_thread_of_a_group_channel_can_be_reported(service: ModerationService) -> None:
    outcome = await service.report(
        member(11),
        channel_id=555,
        parent_id=CHANNEL,
        message_id=901,
        author_id=7,
        author_is_bot=False,
        content="in a thread",
        reason="rude",
    )
    assert outcome.report_count == 1


async def test_open_item_never_keeps_an_author_next_to_an_anonymous_post(db: Database) -> None:
    async with db.write() as session:
        held = await api.open_item(
            session,
            guild_id=GUILD,
            kind="held",
            channel_id=CHANNEL,
            message_id=None,
            post_id=5,
            author_id=42,
            excerpt="x" * 400,
            now=NOW,
            reason="Waiting for approval",
        )
        item = await session.get(ModItem, held)
        assert item is not None
        assert item.author_id is None and len(item.excerpt) == 300 and item.report_count == 0
        with pytest.raises(ValueError, match="unknown"):
            await api.open_item(
                session, guild_id=GUILD, kind="bogus", channel_id=None, message_id=None, post_id=None,
                author_id=None, excerpt="", now=NOW,
            )  # fmt: skip


async def test_only_moderators_act_and_only_in_their_own_server(service: ModerationService) -> None:
    item_id = await file_report(service, 11)

    with pytest.raises(NotAllowed):
        await service.dismiss(member(12), item_id)
    with pytest.raises(NotFound):
        # An admin of another server cannot reach this server's item, even knowing its id.
        await service.dismiss(Actor(guild_id=999, user_id=50, role_ids=frozenset(), is_admin=True), item_id)
    with pytest.raises(NotFound):
        await service.dismiss(member(50, moderator=True), item_id + 100)


async def test_a_closed_item_refuses_further_actions(service: ModerationService, db: Database) -> None:
    item_id = await file_report(service, 11)
    moderator = member(50, moderator=True)
    await service.dismiss(moderator, item_id)

    with pytest.raises(BadInput, match="already closed"):
        await service.dismiss(moderator, item_id)
    with pytest.raises(BadInput, match="already closed"):
        await service.timed_out(moderator, item_id, 60)
    async with db.read() as session:
        assert len(list(await session.scalars(select(AuditEntry)))) == 1


async def test_non_closing_actions_are_listed_on_the_item(service: ModerationService) -> None:
    item_id = await file_report(service, 11)
    moderator = member(50, moderator=True)

    await service.warned(moderator, item_id)
    view = await service.timed_out(moderator, item_id, 1440)

    assert view.is_open
    assert view.actions == ["warned the author by <@50>", "timed out the author by <@50> (1 day)"]
    with pytest.raises(BadInput, match="isn't offered"):
        await service.timed_out(moderator, item_id, 5)


async def test_queue_is_oldest_first_and_paginated(service: ModerationService) -> None:
    clock = service.clock
    assert isinstance(clock, MovableClock)
    ids = []
    for number in range(7):
        ids.append(await file_report(service, 11, message_id=1000 + number))
        clock.current += timedelta(minutes=1)

    first, queue_channel = await service.queue(member(50, moderator=True), 0)
    second, _ = await service.queue(member(50, moderator=True), 1)
    beyond, _ = await service.queue(member(50, moderator=True), 9)

    assert queue_channel is None
    assert [i.id for i in first.items] == ids[:5] and first.pages == 2 and first.total == 7
    assert [i.id for i in second.items] == ids[5:]
    assert beyond.page == 1
    with pytest.raises(NotAllowed):
        await service.queue(member(11), 0)


async def test_log_filters_and_refuses_bad_filters(service: ModerationService) -> None:
    clock = service.clock
    assert isinstance(clock, MovableClock)
    first = await file_report(service, 11, message_id=1)
    await service.dismiss(member(50, moderator=True), first)
    clock.current += timedelta(days=5)
    second = await file_report(service, 11, message_id=2)
    await service.warned(member(51, moderator=True), second)

    everything = await service.log(member(50, moderator=True))
    assert [line.action for line in everything.items] == ["warn", "dismiss"]  # newest first
    assert everything.items[0].subject_id == 7
    assert [line.action for line in (await service.log(member(50, moderator=True), moderator_id=50)).items] == [
        "dismiss"
    ]
    assert [line.action for line in (await service.log(member(50, moderator=True), days=2)).items] == ["warn"]
    assert (await service.log(member(50, moderator=True), action="block")).items == []
    for days in (0, 3651):
        with pytest.raises(BadInput, match="between 1 and"):
            await service.log(member(50, moderator=True), days=days)
    with pytest.raises(BadInput, match="isn't an action"):
        await service.log(member(50, moderator=True), action="explode")
    with pytest.raises(NotAllowed):
        await service.log(member(11))


async def test_unblock_refuses_an_unknown_or_empty_code(service: ModerationService) -> None:
    with pytest.raises(BadInput):
        await service.unblock(member(50, moderator=True), "  ")
    with pytest.raises(NotFound):
        await service.unblock(member(50, moderator=True), "NOPE1234")
    with pytest.raises(NotAllowed):
        await service.unblock(member(11), "NOPE1234")


async def test_purge_removes_old_audit_entries_and_settled_items_only(service: ModerationService, db: Database) -> None:
    clock = service.clock
    assert isinstance(clock, MovableClock)
    closed = await file_report(service, 11, message_id=1)
    await service.dismiss(member(50, moderator=True), closed)
    open_id = await file_report(service, 11, message_id=2)
    clock.current += timedelta(days=10)

    assert await service.purge(30) == (0, 0)
    assert await service.purge(5) == (1, 1)

    async with db.read() as session:
        assert [i.id for i in await session.scalars(select(ModItem))] == [open_id]
        assert len(list(await session.scalars(select(ModReport)))) == 1


async def test_privacy_describe_export_and_erase(service: ModerationService, db: Database) -> None:
    item_id = await file_report(service, 11)
    await service.warned(member(50, moderator=True), item_id)
    provider = ModerationPrivacy()
    author, moderator, reporter = (Subject(user_id=uid, keys=KEYS) for uid in (7, 50, 11))

    async with db.read() as session:
        assert await described(session, provider, author) == ["1 moderation item about messages you wrote"]
        # The reporter (only they, holding the secret key's answer for their own id) can find their report.
        assert await described(session, provider, reporter) == ["1 report you filed"]
        exported = await provider.export(session, moderator)
    assert [a["action"] for a in exported["your_moderator_actions"]] == ["warn"]

    async with db.write() as session:
        for who in (author, moderator, reporter):
            await provider.erase(session, who, Erasure())
    async with db.read() as session:
        assert await described(session, provider, reporter) == []  # erased: unlinkable now
        item = await session.get(ModItem, item_id)
        entry = await session.scalar(select(AuditEntry))
    assert item is not None and item.author_id is None and "<@50>" not in item.actions
    assert item.excerpt == "(removed at the author's request)"
    assert entry is not None and entry.actor_id == 0 and entry.action == "warn"
