"""A process on some of Discord's shards arms and runs only its own guilds' meeting jobs (issue 20)."""

from __future__ import annotations

import simcord
from sqlalchemy import select

from bot.shards import ShardPlan, shard_of
from cogs.meetings.models import Meeting
from tests.conftest import Harness
from tests.support.groups import make_group

COUNT = 2
# Snowflakes whose time bits put them on shards 0 and 1 of 2 (shard = (id >> 22) % count).
GUILD_IDS = ((1_300_000_000_000 << 22) | 91, (1_300_000_000_001 << 22) | 91)


async def test_each_meeting_job_is_armed_and_run_only_by_the_process_serving_its_guild(
    harness: Harness, env: simcord.Env
) -> None:
    for guild_id in GUILD_IDS:
        guild = env.create_guild(id=guild_id)
        fac = guild.add_member(env.create_user("fac"))
        alice = guild.add_member(env.create_user("alice"))
        group = await make_group(harness, guild, "Circle", members=[alice], facilitators=[fac])
        voice = guild.create_voice_channel("circle-voice")
        done = await fac.slash(
            group.channel, "facilitate meeting schedule", title="Evening circle", when="in 2 hours", voice_channel=voice
        )
        assert "Scheduled" in (done.followups[-1] if done.followups else done.response).content
    async with harness.bot.db.read() as session:
        meetings = {row.guild_id: row.id for row in await session.execute(select(Meeting.guild_id, Meeting.id))}
    mine, theirs = (meetings[g] for g in GUILD_IDS)
    assert [shard_of(g, COUNT) for g in GUILD_IDS] == [0, 1]

    # From now on this process serves only shard 0; another process serves the second guild.
    bot = harness.bot
    bot.shard_plan = ShardPlan(COUNT, (0,))
    cog = bot.get_cog("MeetingsCog")
    assert cog is not None
    bot.scheduler.cancel_prefix("meetings:")
    await cog.hearth_start()  # the rebuild at start
    assert f"meetings:m:{mine}" in bot.scheduler.job_ids("meetings:m:")
    assert f"meetings:m:{theirs}" not in bot.scheduler.job_ids("meetings:m:")

    # A job armed before the shards moved (its guild now another process's) does nothing when it fires.
    now = bot.clock.now()
    cog._schedule(theirs, now, now, GUILD_IDS[1])
    await env.advance_time(2 * 3600 + 120)  # both meetings' start time has passed
    async with harness.bot.db.read() as session:
        started = dict((await session.execute(select(Meeting.id, Meeting.started))).all())
    assert started == {mine: True, theirs: False}
