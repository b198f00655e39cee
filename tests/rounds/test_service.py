"""Round use cases on SQLite and PostgreSQL: races on the stored turn, speaking time, privacy."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.actor import Actor
from bot.config import RoundSettings
from bot.db import Database
from bot.errors import Conflict
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance
from cogs.rounds import domain as d
from cogs.rounds.privacy import RoundsPrivacy
from cogs.rounds.service import RoundService

T0 = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)
GUILD, CHANNEL, FAY = 10, 20, 1
PEOPLE = [101, 102, 103, 104]


async def arrange(db: Database) -> int:
    async with db.write() as session:
        group = Group(
            guild_id=GUILD, name="Circle", name_key="circle", description="", private=False, channel_id=CHANNEL,
            owns_channel=False, guidelines="", guidelines_version=1, created_by=FAY, created_at=T0,
        )  # fmt: skip
        session.add(group)
        await session.flush()
        for user in [FAY, *PEOPLE]:
            session.add(GroupMember(group_id=group.id, user_id=user, joined_at=T0))
            session.add(GuidelinesAcceptance(group_id=group.id, user_id=user, version=1, accepted_at=T0))
        session.add(GroupFacilitator(group_id=group.id, user_id=FAY, added_at=T0))
        return group.id


def actor(user: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user, role_ids=frozenset(), is_admin=False)


async def test_concurrent_next_on_the_database_moves_the_stick_once(db: Database) -> None:
    await arrange(db)
    service = RoundService(db, RoundSettings())
    started = await service.start(
        actor(FAY), channel_id=CHANNEL, topic="t", minutes=2, order=d.Order.SIGNUP, present=PEOPLE, now=T0
    )
    view = started.update.view
    turn = view.state.turn

    async def press() -> object:
        try:
            return await service.act(view.id, actor(FAY), d.Next(turn), T0 + timedelta(seconds=5))
        except Conflict as error:
            return error

    results = await asyncio.gather(*(press() for _ in range(5)))  # no asyncio lock here: the database decides
    assert sum(not isinstance(r, Conflict) for r in results) == 1
    after = await service.view(view.id)
    assert after.state.turn == turn + 1
    assert after.state.holder == PEOPLE[1]
    assert after.state.queue == tuple(PEOPLE[2:])


async def test_least_heard_first_uses_recorded_speaking_time(db: Database) -> None:
    await arrange(db)
    service = RoundService(db, RoundSettings(), rng=random.Random(3))
    first = (
        await service.start(
            actor(FAY), channel_id=CHANNEL, topic="one", minutes=5, order=d.Order.SIGNUP, present=PEOPLE, now=T0
        )
    ).update.view
    # 101 speaks 200 s, 102 speaks 30 s, 103 passes, 104 never gets a turn
    now = T0 + timedelta(seconds=200)
    await service.act(first.id, actor(PEOPLE[0]), d.Done(PEOPLE[0], 1), now)
    now += timedelta(seconds=30)
    await service.act(first.id, actor(PEOPLE[1]), d.Done(PEOPLE[1], 2), now)
    await service.act(first.id, actor(PEOPLE[2]), d.Pass(PEOPLE[2]), now)
    ended = await service.act(first.id, actor(FAY), d.End(), now + timedelta(seconds=1))
    assert ended.summary is not None
    assert ended.summary.shared == (PEOPLE[0], PEOPLE[1], PEOPLE[3])
    assert ended.recent_gini is not None
    assert ended.recent_gini > 0.3

    second = await service.start(
        actor(FAY), channel_id=CHANNEL, topic="two", minutes=5, order=d.Order.LEAST_HEARD, present=PEOPLE, now=now
    )
    state = second.update.view.state
    assert (state.holder, *state.queue) == (PEOPLE[2], PEOPLE[3], PEOPLE[1], PEOPLE[0])
    status = await service.status(actor(FAY), CHANNEL)
    assert status.facilitator
    assert status.recent_rounds == 1
    member_status = await service.status(actor(PEOPLE[0]), CHANNEL)
    assert member_status.recent_gini is None


async def test_one_live_round_per_channel_and_bad_minutes(db: Database) -> None:
    await arrange(db)
    service = RoundService(db, RoundSettings(max_minutes_per_turn=10))
    with pytest.raises(Exception, match="between 1 and 10"):
        await service.start(actor(FAY), channel_id=CHANNEL, topic="t", minutes=11, order=d.Order.SIGNUP, now=T0)
    await service.start(actor(FAY), channel_id=CHANNEL, topic="t", minutes=3, order=d.Order.SIGNUP, now=T0)
    with pytest.raises(Conflict, match="already running in this channel"):
        await service.start(actor(FAY), channel_id=CHANNEL, topic="u", minutes=3, order=d.Order.SIGNUP, now=T0)
    assert len(await service.live_rounds()) == 1


async def test_privacy_provider_describes_exports_and_erases(db: Database) -> None:
    await arrange(db)
    service = RoundService(db, RoundSettings())
    view = (
        await service.start(
            actor(FAY), channel_id=CHANNEL, topic="t", minutes=3, order=d.Order.SIGNUP, present=PEOPLE[:2], now=T0
        )
    ).update.view
    await service.act(view.id, actor(PEOPLE[0]), d.Done(PEOPLE[0], 1), T0 + timedelta(seconds=42))
    await service.own_mute(GUILD, PEOPLE[1], view.id, T0)
    provider = RoundsPrivacy()
    subject = Subject(user_id=PEOPLE[0], keys=Keyring(b"k" * 32))
    async with db.read() as session:
        lines = await described(session, provider, subject)
        exported = await provider.export(session, subject)
    assert lines == ["1 round with your place or speaking time"]
    assert exported["rounds"][0]["seconds_spoken"] == 42.0
    assert exported["rounds"][0]["turns_shared"] == 1

    holder = Subject(user_id=PEOPLE[1], keys=Keyring(b"k" * 32))
    async with db.write() as session:
        await provider.erase(session, holder, Erasure())
    after = await service.view(view.id)
    assert PEOPLE[1] not in after.state.tallies
    assert after.state.holder is None  # the stick is freed, the round carries on
    assert PEOPLE[0] in after.state.tallies
    assert await service.mutes() == [(GUILD, PEOPLE[1], view.id)]  # kept until Hearth undoes it
