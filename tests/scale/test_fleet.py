"""Four real ``python -m bot`` processes x 2 of 8 shards on one PostgreSQL, started together on an empty
database, behind the stand-in's global 50/s limit (issue 20's tests 1, 2, 3 and 5, scaled down; the full
sizes run from ``python -m bench.scale``):

- migrations run once and the command tree is uploaded once, although four processes start at once;
- due messages for 64 guilds are each delivered exactly once, by the process serving the guild's shard: while
  one process is dead, its guilds' messages wait (nobody else sends them), and it sends them when it is back;
- never more than 50 requests in any second, and no global 429;
- a process killed in the middle of sending re-sends its unmarked messages with their nonces: none twice.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.scale import fleet
from tests.support.postgres import temporary_database
from tests.wire.standin import DiscordStandin

pytestmark = pytest.mark.postgres

COUNT = 8
RANGES = ("0-1", "2-3", "4-5", "6-7")
GUILDS = 64
PER_GUILD = 3
READY_TIMEOUT = 120.0
SEND_TIMEOUT = 60.0


async def test_four_processes_deliver_each_message_once_from_the_owning_process(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        temporary_database(postgres_url) as url,
        DiscordStandin(extra_guilds=GUILDS - 1, max_concurrency=4, global_limit=50) as standin,
    ):
        crew = fleet.Fleet(standin, url, tmp_path, COUNT, RANGES)
        try:
            await crew.start_all()
            await crew.wait_ready(READY_TIMEOUT)
            outputs = crew.outputs()
            # Four processes on an empty database: one applied the migrations, one uploaded the commands.
            assert len(re.findall(r"Running upgrade  -> core_0001", outputs)) == 1, outputs
            puts = [r for r in standin.requests if r.method == "PUT" and r.path.endswith("/commands")]
            assert len(puts) == 1, f"{len(puts)} command uploads\n{outputs}"
            assert len(re.findall(r"synced \d+ slash commands", outputs)) == 1, outputs

            # The process serving shards 0-1 dies; then messages fall due for every guild.
            await crew.kill("0-1")
            dead_guilds = fleet.guilds_on(standin, COUNT, range(2))
            live_guilds = [g for g in standin.guild_ids if g not in dead_guilds]
            total = await fleet.seed(url, standin.guild_ids, PER_GUILD)
            assert total == GUILDS * PER_GUILD
            live_expected = len(live_guilds) * PER_GUILD

            def live_sent() -> bool:
                return sum(fleet.arrived(standin).values()) >= live_expected

            await standin.wait_for(live_sent, SEND_TIMEOUT)
            await asyncio.sleep(2)  # a process that took another's records would have sent them by now
            pending = [r for r in await fleet.records(url) if r.state == "pending"]
            assert sorted({r.guild_id for r in pending}) == sorted(dead_guilds), "another process sent a dead one's"

            # Back under the same shard plan: it sends what waited for it, within the grace period.
            await crew.start("0-1")
            await standin.wait_for(lambda: sum(fleet.arrived(standin).values()) >= total, READY_TIMEOUT)
            await asyncio.sleep(1)

            counts = fleet.arrived(standin)
            rows = await fleet.records(url)
            assert len(counts) == total and set(counts.values()) == {1}, "a message was lost or sent twice"
            assert {r.nonce for r in rows} == set(counts)
            assert all(r.state == "sent" for r in rows)
            assert standin.state.global_429s == 0
            assert standin.busiest_second() <= 50, standin.busiest_second()

            # Killed while sending (sends are marked in groups of 20, so some went out unmarked): back under
            # its shard plan it re-sends those with their nonces, and Discord shows each message once.
            busy_guilds = fleet.guilds_on(standin, COUNT, range(2, 4))
            more = await fleet.seed(url, busy_guilds, 8)
            await standin.wait_for(lambda: sum(fleet.arrived(standin).values()) >= total + 30, SEND_TIMEOUT)
            await crew.kill("2-3")
            await crew.start("2-3")
            await standin.wait_for(lambda: len(fleet.arrived(standin)) >= total + more, READY_TIMEOUT)
            await asyncio.sleep(1)
            counts = fleet.arrived(standin)
            assert len(counts) == total + more and set(counts.values()) == {1}, "lost or sent twice after a kill"
            assert all(r.state == "sent" for r in await fleet.records(url))
        finally:
            codes = await crew.stop_all()
        assert codes == [0, 0, 0, 0], crew.outputs()
        assert "Traceback" not in crew.outputs()
