"""Two real ``python -m bot`` processes, each on 2 of 4 shards, one PostgreSQL, the loopback stand-in serving
one gateway session per shard (issue 20, scaled down): every shard logs in once, in the right process,
each process gets exactly its shards' guilds, logins in one bucket are 5 s apart across the processes,
and both stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys
from pathlib import Path

import pytest

from bot.shards import identify_bucket, shard_of
from tests.support.postgres import temporary_database
from tests.wire.standin import DiscordStandin
from tests.wire.test_wire_smoke import REPO_ROOT, BotProcess, _bot_env, _drain

pytestmark = pytest.mark.postgres

COUNT = 4
PROCESSES = ("0-1", "2-3")
BUCKETS = 2  # shards 0 and 2 share a bucket, as do 1 and 3: one of each pair must wait
DISCORD_WINDOW = 5.0  # Discord's: one IDENTIFY per bucket per 5 s
TIMEOUT = 90.0


async def start(standin: DiscordStandin, home: Path, url: str, ids: str) -> BotProcess:
    env = _bot_env(standin, home) | {
        "HEARTH_DATABASE_URL": url,
        "HEARTH_SHARD_COUNT": str(COUNT),
        "HEARTH_SHARD_IDS": ids,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=REPO_ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    bot = BotProcess(proc)
    bot.drains = [
        asyncio.create_task(_drain(proc.stdout, bot.stdout)),
        asyncio.create_task(_drain(proc.stderr, bot.stderr)),
    ]
    return bot


async def test_two_processes_log_in_their_own_shards_paced_and_get_their_own_guilds(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        temporary_database(postgres_url) as url,
        DiscordStandin(extra_guilds=7, max_concurrency=BUCKETS) as standin,
    ):
        for ids in PROCESSES:
            (tmp_path / ids).mkdir()
        bots = [await start(standin, tmp_path / ids, url, ids) for ids in PROCESSES]
        try:

            def all_ready() -> bool:
                return all("ready in" in b.output() for b in bots) or any(b.exited for b in bots)

            try:
                await standin.wait_for(all_ready, TIMEOUT)
            except TimeoutError:
                pytest.fail(f"not ready in {TIMEOUT} s\n{standin.summary()}\n" + "\n".join(b.output() for b in bots))
            outputs = [b.output() for b in bots]
            assert not any(b.exited for b in bots), "\n".join(outputs)

            # Every shard identified once, with the shard count; each process's guilds are those of its shards.
            assert sorted((shard, count) for _, shard, count in standin.state.identifies) == [
                (s, COUNT) for s in range(COUNT)
            ]
            per_shard = [len(standin.guilds_on(shard)) for shard in range(COUNT)]
            assert all(per_shard), per_shard  # the 8 guilds cover every shard
            assert {shard_of(g, COUNT) for g in standin.guild_ids} == set(range(COUNT))
            for output, ids in zip(outputs, PROCESSES, strict=True):
                low, high = map(int, ids.split("-"))
                assert f"ready in {sum(per_shard[low : high + 1])} servers" in output, output

            # Logins in one bucket at least Discord's window apart, although two processes send them.
            for bucket in range(BUCKETS):
                times = sorted(
                    at for at, shard, _ in standin.state.identifies if identify_bucket(shard, BUCKETS) == bucket
                )
                gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
                assert gaps and min(gaps) >= DISCORD_WINDOW, (bucket, gaps)
        finally:
            for b in bots:
                if not b.exited:
                    b.proc.send_signal(signal.SIGTERM)
            codes = [await b.wait_exit(30) for b in bots]
        outputs = [b.output() for b in bots]
        assert codes == [0, 0], "\n".join(outputs)
        assert not any("Traceback" in output for output in outputs), "\n".join(outputs)
