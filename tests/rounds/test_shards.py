"""A process on some of Discord's shards touches only its own guilds' rounds (issue 20)."""

from __future__ import annotations

import simcord

from bot.shards import ShardPlan, shard_of
from tests.conftest import Harness
from tests.rounds.helpers import cog, live_view
from tests.rounds.test_behaviour import mentions, muted
from tests.support.groups import make_group

COUNT = 2
# Snowflakes whose time bits put them on shards 0 and 1 of 2 (shard = (id >> 22) % count).
GUILD_IDS = ((1_300_000_000_000 << 22) | 77, (1_300_000_000_001 << 22) | 77)


async def test_a_process_rearms_reconciles_and_unmutes_only_the_guilds_of_its_shards(
    harness: Harness, env: simcord.Env
) -> None:
    rounds = []
    for guild_id in GUILD_IDS:
        guild = env.create_guild(id=guild_id)
        fay = guild.add_member(env.create_user("fay"))
        people = [guild.add_member(env.create_user(name)) for name in ("ann", "bob")]
        group = await make_group(harness, guild, "Circle", members=people, facilitators=[fay])
        voice = guild.create_voice_channel("circle-voice")
        for person in people:
            await person.join_voice(voice)
        await fay.slash(
            group.channel, "facilitate round start", topic="Here", minutes=1, present=mentions(*people),
            voice_mode=True, voice_channel=voice,
        )  # fmt: skip
        rounds.append((guild, people, group))
    (mine, my_people, my_group), (theirs, their_people, their_group) = rounds
    assert [shard_of(mine.id, COUNT), shard_of(theirs.id, COUNT)] == [0, 1]
    assert [muted(mine, p) for p in my_people] == [False, True]
    assert [muted(theirs, p) for p in their_people] == [False, True]

    # From now on this process serves only the shard of the first guild; another serves the second.
    bot = harness.bot
    bot.shard_plan = ShardPlan(COUNT, (0,))
    rounds_cog = cog(harness)
    bot.scheduler.cancel_prefix("rounds:")
    await rounds_cog.hearth_start()  # the rebuild at start
    mine_id = (await live_view(harness, my_group.channel)).id
    theirs_id = (await live_view(harness, their_group.channel)).id
    assert bot.scheduler.job_ids("rounds:") == [f"rounds:{mine_id}:expire", f"rounds:{mine_id}:warn"]

    await env.advance_time(61)  # both turns are over; only this process's round moves on
    assert (await live_view(harness, my_group.channel)).state.holder == my_people[1].id
    assert (await live_view(harness, their_group.channel)).state.holder == their_people[0].id
    assert theirs_id != mine_id

    # SIGTERM: unloading undoes this process's mutes and leaves the other process's live round alone.
    their_bob = their_people[1]
    # (cog_unload is what bot.close() runs per cog; unloading the extension itself would re-import the models.)
    await rounds_cog.cog_unload()
    assert not any(muted(mine, p) for p in my_people)
    assert muted(theirs, their_bob)
