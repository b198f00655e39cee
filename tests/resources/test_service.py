"""Resource library use cases against real SQLite (FTS5) and a real PostgreSQL server (tsvector + GIN)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.clock import Clock
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance
from cogs.resources.models import Resource
from cogs.resources.privacy import ResourcesPrivacy
from cogs.resources.service import ResourceService

GUILD = 10
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEAD, ANA, BEN, OUTSIDER = 1, 2, 3, 4


def actor(user_id: int, admin: bool = False) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset(), is_admin=admin)


async def arrange(db: Database, name: str = "Sleep") -> int:
    async with db.write() as session:
        group = Group(
            guild_id=GUILD, name=name, name_key=name.casefold(), description="", private=False, owns_channel=False,
            guidelines="", guidelines_version=1, created_by=LEAD, created_at=NOW, channel_id=55,
        )  # fmt: skip
        session.add(group)
        await session.flush()
        for user_id in (LEAD, ANA, BEN):
            session.add(GroupMember(group_id=group.id, user_id=user_id, joined_at=NOW))
            session.add(GuidelinesAcceptance(group_id=group.id, user_id=user_id, version=1, accepted_at=NOW))
        session.add(GroupFacilitator(group_id=group.id, user_id=LEAD, added_at=NOW))
        return group.id


def service(db: Database) -> ResourceService:
    return ResourceService(db, Clock(lambda: NOW))


@pytest.mark.parametrize("ranked_by", ["python", "bm25"])
async def test_search_ranks_title_matches_and_helpful_votes_first(
    db: Database, ranked_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ranked_by == "bm25":  # SQLite: a library with more matches than Python ranks goes back to FTS5's bm25()
        monkeypatch.setattr("cogs.resources.search.RANK_IN_PYTHON_MAX", 1)
    await arrange(db)
    resources = service(db)
    await resources.add(actor(ANA), title="Evening routine", description="Dim lights, no screens, then sleep.")
    await resources.add(actor(ANA), title="Sleep hygiene basics", description="Regular hours.", tags="sleep")
    await resources.add(actor(ANA), title="Box breathing", description="Four counts in, hold, out.", tags="anxiety")
    await resources.add(actor(ANA), title="Night walk", description="A short walk after dinner helps me sleep well.")
    found = await resources.search(actor(BEN), "sleep")
    # A title or tag match outranks a mention in the description; a shorter mention outranks a longer one.
    assert [r.title for r in found] == ["Sleep hygiene basics", "Evening routine", "Night walk"]

    # Helpful votes lift a resource among those about as relevant.
    walk = found[2].id
    for voter in (BEN, LEAD):
        assert (await resources.vote(actor(voter), walk)).counted
    again = await resources.search(actor(BEN), "sleep")
    assert [r.title for r in again] == ["Sleep hygiene basics", "Night walk", "Evening routine"]
    assert again[1].helpful == 2
    # One vote per member: pressing again takes it back.
    taken = await resources.vote(actor(BEN), walk)
    assert not taken.counted and taken.helpful == 1


@pytest.mark.parametrize(
    "query",
    [
        '"sleep',
        "sleep AND",
        "NOT sleep",
        "sleep*",
        "title:sleep",
        "(sleep",
        "sleep OR -",
        "NEAR(sleep",
        "'; drop",
        "^x",
    ],
)
async def test_search_text_with_query_operators_is_just_words(db: Database, query: str) -> None:
    await arrange(db)
    resources = service(db)
    await resources.add(actor(ANA), title="Sleep hygiene basics")
    found = await resources.search(actor(BEN), query)
    assert all(r.title == "Sleep hygiene basics" for r in found)


async def test_search_with_no_words_is_a_clear_refusal(db: Database) -> None:
    await arrange(db)
    with pytest.raises(BadInput, match="Type a few words"):
        await service(db).search(actor(BEN), '"*" ( )')


async def test_search_stays_inside_the_members_libraries(db: Database) -> None:
    await arrange(db, "Sleep")
    other = await arrange(db, "Grief")
    resources = service(db)
    await resources.add(actor(ANA), title="Sleep diary", group_name="Sleep")
    await resources.add(actor(ANA), title="Grief and sleep", group_name="Grief")
    await resources.add(actor(LEAD, admin=True), title="Sleep line", server_wide=True)
    found = await resources.search(actor(BEN), "sleep", group_name="Sleep")
    assert {r.title for r in found} == {"Sleep diary", "Sleep line"}
    assert other  # the other group's resource was not shown
    with pytest.raises(NotAllowed):
        await resources.search(actor(OUTSIDER), "sleep", group_name="Sleep")


async def test_bad_input_is_refused_and_nothing_is_stored(db: Database) -> None:
    await arrange(db)
    resources = service(db)
    bad = [
        {"title": ""},
        {"title": "x" * 101},
        {"title": "Ok", "url": "javascript:alert(1)"},
        {"title": "Ok", "url": "ftp://files.example.org/a"},
        {"title": "Ok", "url": "https://user:secret@example.org/"},
        {"title": "Ok", "url": "https://example.org/" + "a" * 2000},
    ]
    for options in bad:
        with pytest.raises(BadInput):
            await resources.add(actor(ANA), **options)
    await resources.add(actor(ANA), title="Box breathing")
    with pytest.raises(Conflict, match="already has a resource called"):
        await resources.add(actor(BEN), title="  box   BREATHING ")
    async with db.read() as session:
        assert len(list(await session.scalars(select(Resource)))) == 1


async def test_suggestions_wait_for_a_facilitator_and_are_not_searchable_until_approved(db: Database) -> None:
    await arrange(db)
    resources = service(db)
    await resources.set_suggest_only(actor(LEAD), True, group_name="Sleep")
    with pytest.raises(NotAllowed):
        await resources.set_suggest_only(actor(ANA), False, group_name="Sleep")
    added = await resources.add(actor(ANA), title="White noise", tags="sleep")
    assert added.pending
    assert await resources.search(actor(BEN), "noise") == []
    listing = await resources.listing(actor(LEAD), group_name="Sleep")
    assert [r.title for r in listing.pending] == ["White noise"]
    assert (await resources.listing(actor(BEN), group_name="Sleep")).pending == []
    with pytest.raises(NotAllowed):
        await resources.review(actor(BEN), added.resource.id, approve=True)
    await resources.review(actor(LEAD), added.resource.id, approve=True)
    assert [r.title for r in await resources.search(actor(BEN), "noise")] == ["White noise"]


async def test_pin_edit_remove_and_who_may(db: Database) -> None:
    await arrange(db)
    resources = service(db)
    added = (await resources.add(actor(ANA), title="Box breathing")).resource
    ref = f"id:{added.id}"
    with pytest.raises(NotAllowed):
        await resources.edit(actor(ANA), ref, pinned=True)
    with pytest.raises(NotAllowed):
        await resources.edit(actor(BEN), ref, title="Mine now")
    await resources.edit(actor(LEAD), ref, pinned=True)
    edited = await resources.edit(actor(ANA), "box breathing", title="Box breathing (4-4-4-4)", tags="anxiety calm")
    assert edited.pinned and edited.tags == ("anxiety", "calm")
    assert [r.title for r in (await resources.listing(actor(BEN))).pinned] == ["Box breathing (4-4-4-4)"]
    assert [r.title for r in await resources.search(actor(BEN), "calm")] == ["Box breathing (4-4-4-4)"]
    with pytest.raises(NotAllowed):
        await resources.remove(actor(BEN), ref)
    await resources.remove(actor(ANA), ref)
    assert await resources.search(actor(BEN), "breathing") == []


async def test_autocomplete_forgives_typos_in_tags(db: Database) -> None:
    await arrange(db)
    resources = service(db)
    await resources.add(actor(ANA), title="Box breathing", tags="anxiety, breathing")
    await resources.add(actor(ANA), title="Sleep diary", tags="insomnia")
    assert "anxiety" in await resources.suggestions(actor(BEN), "anxeity")
    assert "insomnia" in await resources.suggestions(actor(BEN), "insomia")
    assert await resources.suggestions(actor(BEN), "diary") == ["Sleep diary"]


@pytest.mark.parametrize("keep", [False, True])
async def test_privacy_exports_and_erases_or_keeps_without_author(db: Database, keep: bool) -> None:
    await arrange(db)
    resources = service(db)
    mine = (await resources.add(actor(ANA), title="Box breathing", url="https://example.org/box")).resource
    theirs = (await resources.add(actor(BEN), title="Sleep diary")).resource
    await resources.vote(actor(ANA), theirs.id)
    subject = Subject(user_id=ANA, keys=Keyring(b"k" * 32))  # type: ignore[arg-type]
    provider = ResourcesPrivacy()
    async with db.read() as session:
        exported = await provider.export(session, subject)
        assert await described(session, provider, subject) == ["1 resource added", "1 helpful vote"]
    assert [r["title"] for r in exported["resources_added"]] == ["Box breathing"]
    assert exported["helpful_votes"] == [theirs.id]
    async with db.write() as session:
        await provider.erase(session, subject, Erasure(), keep_without_author=keep)
    async with db.read() as session:
        rows = {r.id: r for r in await session.scalars(select(Resource))}
    assert rows[theirs.id].helpful == 0
    if keep:
        assert rows[mine.id].author_id is None
        assert [r.title for r in await resources.search(actor(BEN), "box")] == ["Box breathing"]
    else:
        assert mine.id not in rows
        assert await resources.search(actor(BEN), "box") == []
