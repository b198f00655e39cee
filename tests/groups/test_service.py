"""GroupService and the privacy provider on real SQLite and PostgreSQL (the ``db`` fixture runs each twice)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.actor import Actor
from bot.clock import Clock
from bot.config import GroupSettings
from bot.db import Database
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.keys import Keyring
from bot.privacy import Erasure, Subject, described
from bot.setup import SetupContext, SetupRegistry, Value
from cogs.groups import queries
from cogs.groups.models import Group, GroupFacilitator, GroupMember, GuidelinesAcceptance, GuildConfig, JoinRequest
from cogs.groups.privacy import GroupsPrivacy
from cogs.groups.service import GroupInfo, GroupService
from cogs.groups.settings import GroupsSetup

GUILD = 10
ADMIN = Actor(GUILD, 1, frozenset(), is_admin=True)
FRAN = Actor(GUILD, 2, frozenset({500}), is_admin=False)  # holds the facilitator role (500) once /setup ran
MIA = Actor(GUILD, 3, frozenset(), is_admin=False)
BEN = Actor(GUILD, 4, frozenset(), is_admin=False)
START = datetime(2026, 5, 1, tzinfo=UTC)
_ids = itertools.count(1)


@pytest.fixture
def service(db: Database) -> GroupService:
    return GroupService(db, Clock(), GroupSettings(max_groups_per_guild=3), "Be kind.")


async def make(service: GroupService, name: str, *, private: bool = False, actor: Actor = ADMIN) -> GroupInfo:
    plan = await service.create_plan(actor, name, "about", private=private)
    ids = next(_ids)
    return await service.create(actor, plan, role_id=9000 + ids, channel_id=8000 + ids, owns_channel=True)


async def rows(db: Database, model: type, **where: int) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0)


async def setup(db: Database, actor: Actor, **values: Value) -> None:
    """/setup as its command runs it: groups' own section, every option in one transaction."""
    registry = SetupRegistry()
    registry.register(GroupsSetup("UTC"))
    await registry.apply(db, SetupContext(actor, is_owner=False, now=START), values)


async def test_setup_is_for_admins_and_keeps_what_was_not_given(service: GroupService, db: Database) -> None:
    with pytest.raises(NotAllowed):
        await setup(db, MIA, timezone="Europe/Berlin")
    await setup(db, ADMIN, facilitator_role=500, timezone="Europe/Berlin")
    await setup(db, ADMIN, facilitator_role=500)
    config = await service.config(GUILD)
    assert (config.facilitator_role_id, config.timezone) == (500, "Europe/Berlin")
    with pytest.raises(BadInput):
        await setup(db, ADMIN, timezone="Nowhere/Land")
    with pytest.raises(BadInput, match="isn't running on this server"):
        await setup(db, ADMIN, mod_queue=700)  # moderation's option, and moderation isn't registered


async def test_defaults_apply_before_setup(service: GroupService) -> None:
    config = await service.config(GUILD)
    assert config.timezone == "UTC" and config.timezone_is_default


async def test_create_validates_and_makes_the_creator_a_facilitator(service: GroupService, db: Database) -> None:
    await setup(service.db, ADMIN, facilitator_role=500)
    with pytest.raises(NotAllowed):
        await service.create_plan(MIA, "Grief")
    group = await make(service, "Grief", actor=FRAN)
    assert group.guidelines == "Be kind." and group.guidelines_version == 1 and group.neutral_role
    assert await rows(db, GroupFacilitator, group_id=group.id, user_id=FRAN.user_id) == 1
    with pytest.raises(Conflict, match="already a group called"):
        await service.create_plan(FRAN, "  gRiEf ")
    for bad in ("x", "y" * 51):
        with pytest.raises(BadInput):
            await service.create_plan(FRAN, bad)
    with pytest.raises(BadInput, match="300"):
        await service.create_plan(FRAN, "Fine", "d" * 301)


async def test_the_group_limit_counts_per_server(service: GroupService) -> None:
    for name in ("One", "Two", "Three"):
        await make(service, name)
    with pytest.raises(Conflict, match="limit of 3 groups"):
        await service.create_plan(ADMIN, "Four")
    other = Actor(GUILD + 1, 1, frozenset(), is_admin=True)
    assert (await service.create_plan(other, "Four")).name == "Four"


async def test_a_channel_belongs_to_one_group(service: GroupService) -> None:
    group = await make(service, "One")
    with pytest.raises(Conflict, match="channel already belongs"):
        await service.create_plan(ADMIN, "Two", channel_id=group.channel_id)


async def test_join_leave_and_their_refusals(service: GroupService, db: Database) -> None:
    group = await make(service, "Caregivers")
    plan = await service.join_plan(MIA, "caregivers")
    assert not plan.needs_approval
    await service.join(MIA, group.id)
    with pytest.raises(Conflict, match="already a member"):
        await service.join_plan(MIA, "Caregivers")
    with pytest.raises(Conflict):
        await service.join(MIA, group.id)
    with pytest.raises(BadInput, match="not a member"):
        await service.leave_plan(BEN, "Caregivers")
    assert await service.leave(MIA, group.id) is True
    assert await rows(db, GroupMember, group_id=group.id) == 0
    # A name that exists nowhere plans like a private group one may not see: one answer for both.
    missing = await service.join_plan(MIA, "Nope")
    assert missing.group is None and missing.needs_approval


async def test_private_groups_need_a_facilitators_decision(service: GroupService, db: Database) -> None:
    group = await make(service, "Circle", private=True)
    assert (await service.join_plan(MIA, "Circle")).needs_approval
    with pytest.raises(NotAllowed):
        await service.join(MIA, group.id)
    request = await service.request_join(MIA, group.id)
    with pytest.raises(Conflict, match="already asked"):
        await service.request_join(MIA, group.id)
    with pytest.raises(NotAllowed, match="Only facilitators of"):
        await service.pending_request(BEN, request.id)
    decided = await service.decide(ADMIN, request.id, approve=True)
    assert decided.user_id == MIA.user_id
    assert await rows(db, GroupMember, group_id=group.id, user_id=MIA.user_id) == 1
    assert await rows(db, JoinRequest) == 0
    with pytest.raises(NotFound, match="already decided"):
        await service.decide(ADMIN, request.id, approve=False)

    await service.undo_approval(decided)  # Discord refused the role: back as it was
    assert await rows(db, GroupMember, group_id=group.id, user_id=MIA.user_id) == 0
    assert await rows(db, JoinRequest, id=request.id) == 1


async def test_a_group_facilitator_may_decide_for_their_group_only(service: GroupService) -> None:
    circle = await make(service, "Circle", private=True)
    other = await make(service, "Other", private=True)
    await service.add_facilitator(ADMIN, circle.id, BEN.user_id)
    mine = await service.request_join(MIA, circle.id)
    theirs = await service.request_join(MIA, other.id)
    assert (await service.decide(BEN, mine.id, approve=False)).group.id == circle.id
    with pytest.raises(NotAllowed):
        await service.decide(BEN, theirs.id, approve=True)


async def test_guidelines_are_accepted_per_version(service: GroupService, db: Database) -> None:
    group = await make(service, "Caregivers")
    with pytest.raises(NotAllowed):
        await service.accept_guidelines(MIA, group.id, 1)  # not a member yet
    await service.join(MIA, group.id)
    assert (await service.accept_guidelines(MIA, group.id, 1))[1] is True
    assert (await service.accept_guidelines(MIA, group.id, 1))[1] is False

    edit = await service.edit_text(ADMIN, group.id, name="Caregivers", description="", guidelines="New rules.")
    assert edit.guidelines_changed and edit.group.guidelines_version == 2
    async with db.read() as session:
        stored = await queries.get_group(session, GUILD, group.id)
        assert not await queries.has_accepted_guidelines(session, stored, MIA.user_id)
    with pytest.raises(BadInput, match="changed since"):
        await service.accept_guidelines(MIA, group.id, 1)
    await service.accept_guidelines(MIA, group.id, 2)
    async with db.read() as session:
        stored = await queries.get_group(session, GUILD, group.id)
        await queries.require_participant(session, stored, MIA.user_id)


async def test_edit_text_refuses_a_taken_name_and_keeps_guidelines_version_when_unchanged(
    service: GroupService,
) -> None:
    one = await make(service, "One")
    await make(service, "Two")
    with pytest.raises(Conflict):
        await service.edit_text(ADMIN, one.id, name="TWO", description="", guidelines="Be kind.")
    edit = await service.edit_text(ADMIN, one.id, name="Uno", description="new", guidelines="Be kind.")
    assert edit.renamed and not edit.guidelines_changed and edit.group.guidelines_version == 1
    with pytest.raises(NotAllowed):
        await service.edit_text(MIA, one.id, name="Mine", description="", guidelines="x")


async def test_archive_keeps_members_and_blocks_joining(service: GroupService, db: Database) -> None:
    group = await make(service, "Caregivers")
    await service.join(MIA, group.id)
    with pytest.raises(NotAllowed):
        await service.set_archived(MIA, group.id, archive=True)
    info, members = await service.set_archived(ADMIN, group.id, archive=True)
    assert info.archived and members == [MIA.user_id]
    with pytest.raises(Conflict, match="already archived"):
        await service.archive_plan(ADMIN, "Caregivers", archive=True)
    with pytest.raises(BadInput, match="archived"):
        await service.join_plan(BEN, "Caregivers")
    await service.set_archived(ADMIN, group.id, archive=False)
    assert await rows(db, GroupMember, group_id=group.id) == 1


async def test_listing_hides_private_groups_from_outsiders(service: GroupService) -> None:
    await make(service, "Open")
    secret = await make(service, "Secret", private=True)
    assert [item.group.name for item in await service.listing(MIA)] == ["Open"]
    assert [item.group.name for item in await service.listing(ADMIN)] == ["Open", "Secret"]
    request = await service.request_join(MIA, secret.id)
    await service.decide(ADMIN, request.id, approve=True)
    assert [item.group.name for item in await service.listing(MIA)] == ["Open", "Secret"]
    with pytest.raises(NotFound):
        await service.details(BEN, "Secret")
    assert await service.names(MIA, "se", "mine") == ["Secret"]


async def test_discord_deletions_and_departures_keep_the_database_true(service: GroupService, db: Database) -> None:
    await setup(db, ADMIN, facilitator_role=500)
    group = await make(service, "Caregivers")
    other = await make(service, "Private", private=True)
    await service.join(MIA, group.id)
    await service.accept_guidelines(MIA, group.id, 1)
    await service.add_facilitator(ADMIN, group.id, MIA.user_id)
    await service.request_join(MIA, other.id)

    assert await service.role_deleted(GUILD, group.role_id or 0) == [group.id]
    assert await service.role_deleted(GUILD, 500) == []
    assert await service.channel_deleted(GUILD, group.channel_id or 0) == [group.id]
    async with db.read() as session:
        stored = await session.get(Group, group.id)
        config = await session.get(GuildConfig, GUILD)
    assert stored is not None and stored.role_id is None and stored.channel_id is None
    assert config is not None and config.facilitator_role_id is None

    assert await service.member_left(GUILD + 1, MIA.user_id) == 0  # another server: nothing of theirs
    assert await service.member_left(GUILD, MIA.user_id) == 4
    for model in (GroupMember, GroupFacilitator, GuidelinesAcceptance, JoinRequest):
        assert await rows(db, model, user_id=MIA.user_id) == 0


async def test_the_privacy_provider_describes_exports_and_erases(service: GroupService, db: Database) -> None:
    group = await make(service, "Caregivers")
    secret = await make(service, "Secret", private=True)
    await service.join(MIA, group.id)
    await service.accept_guidelines(MIA, group.id, 1)
    await service.request_join(MIA, secret.id)
    async with db.write() as session:
        await queries.set_member_timezone(session, MIA.user_id, "Asia/Tokyo")
    provider = GroupsPrivacy()
    subject = Subject(MIA.user_id, Keyring(b"k" * 32))

    async with db.read() as session:
        lines = await described(session, provider, subject)
        exported = await provider.export(session, subject)
        assert (await queries.member_timezone(session, MIA.user_id, GUILD)).key == "Asia/Tokyo"
    assert lines == [
        "1 group membership",
        "1 guidelines acceptance",
        "1 pending join request",
        "1 timezone setting",
    ]
    assert exported["memberships"][0]["group"] == "Caregivers" and exported["timezone"] == ["Asia/Tokyo"]
    assert exported["join_requests"][0]["group"] == "Secret"

    async with db.write() as session:
        await provider.erase(session, subject, Erasure())
    async with db.read() as session:
        assert await described(session, provider, subject) == []
    assert await rows(db, GroupMember) == 0 and await rows(db, GroupFacilitator) == 2  # ADMIN's stay
