"""The demo's seeded world, what each persona can reach in it, and its lobby, without a browser."""

from __future__ import annotations

import aiohttp
from sqlalchemy import func, select

from bot.demo.runner import Demo, can_see
from cogs.checkins.models import Checkin
from cogs.groups.models import Group, GroupMember, GuidelinesAcceptance
from cogs.meetings.models import Meeting, Rsvp
from cogs.moderation.models import ModerationConfig, ModItem
from cogs.sharing.models import AnonymousPost


async def count(demo: Demo, model: type) -> int:
    bot = demo.env.bot
    async with bot.db.read() as session:  # type: ignore[attr-defined]
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_world_has_everything_the_issue_promises(demo: Demo) -> None:
    db = demo.env.bot.db  # type: ignore[attr-defined]
    async with db.read() as session:
        config = await session.scalar(select(ModerationConfig))
        groups = {g.name: g for g in await session.scalars(select(Group))}
    assert config is not None and config.mod_queue_channel_id == demo.world.mod_queue.id  # /setup done
    assert set(groups) == {"Caregivers", "Grief Circle"}
    assert groups["Grief Circle"].private and not groups["Caregivers"].private
    # Everyone who joined accepted the guidelines.
    assert await count(demo, GroupMember) == await count(demo, GuidelinesAcceptance) == 6
    assert await count(demo, Meeting) == 1 and await count(demo, Rsvp) == 3
    assert await count(demo, Checkin) == 5
    assert await count(demo, AnonymousPost) == 5  # two posts, three replies
    async with db.read() as session:
        (item,) = list(await session.scalars(select(ModItem)))
    assert item.status == "open"


async def test_each_persona_reaches_exactly_their_places(demo: Demo) -> None:
    world = demo.world
    alex, sam, _jo, riley = world.members
    assert can_see(world.grief, alex) and not can_see(world.grief, riley)  # private group: members only
    assert not can_see(world.mod_queue, sam) and can_see(world.mod_queue, world.moderator)
    places = {place.label: place for place in demo.places().values()}
    assert [getattr(v, "user", v).name for v in places["#mod-queue"].viewers] == ["Mo (moderator)", "Ada (admin)"]
    assert riley not in places["#grief-circle"].viewers
    assert any(label.startswith("thread: Anonymous replies") for label in places)
    assert places["DMs of Alex"].viewers == [alex.user]
    # The report card names the reported author, never who reported it.
    card = world.mod_queue.last_message
    assert card is not None and "toughen up" in card.content and "Alex" not in card.content


async def test_the_lobby_is_behind_its_secret_and_opens_places(demo: Demo) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(demo.lobby_url) as page:
            assert page.status == 200
            text = await page.text()
        assert "Peer Support Commons" in text and "#mod-queue" in text
        assert "seen by: Mo (moderator), Ada (admin)" in text
        base = demo.lobby_url.rsplit("/", 2)[0]
        async with http.get(base + "/") as guess:
            assert guess.status == 404
        place = demo.find("mod-queue")
        assert place is not None
        async with http.get(f"{demo.lobby_url}open/{place.key}", allow_redirects=False) as opened:
            assert opened.status == 303
            assert opened.headers["Location"].startswith("http://127.0.0.1:")
            assert "#" in opened.headers["Location"]  # the preview's own capability
        assert demo.place is not None and demo.place.key == place.key
        async with http.get(f"{demo.lobby_url}open/c123", allow_redirects=False) as missing:
            assert missing.status == 404


async def test_time_moves_a_sharing_round_on_by_itself(demo: Demo) -> None:
    from bot.demo import scenes

    await scenes.start_round(demo)
    live = demo.world.caregivers.last_message
    assert live is not None and f"<@{demo.world.members[0].id}> holds the stick" in live.content
    before = demo.env.now()
    for _ in range(4):  # the clock's ticks: one simulated minute each
        assert await demo.advance(60)
    assert (demo.env.now() - before).total_seconds() == 240
    message = demo.env.backend.get_message(demo.world.caregivers.id, live.id)
    assert f"<@{demo.world.members[1].id}> holds the stick" in message.content  # 3-minute turn passed
