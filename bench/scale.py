"""Scale-out under Discord's global limit (issue 20): N real ``python -m bot`` processes on one throwaway
PostgreSQL, each serving its block of shards, behind the loopback stand-in that answers a global 429 past
50 requests in any second. One message falls due per guild, spread over ``--due-over`` seconds.

    python -m bench.scale                                   # 10,000 guilds, 4 processes x 4 of 16 shards
    python -m bench.scale --guilds 2000 --processes 1,2,4   # the CPU-per-delivery ratio against one process

Reports, per run: lost, sent twice, global 429s, the busiest second, completion time against the bound
Discord's limit sets (guilds / 50 per second, or the due spread if longer), and the processes' CPU per
delivered message (psutil, user + system, from seeding to the last delivery) with the machine's cores and
load average. The sender's own budget is ``bot.delivery.DELIVERY_RATE`` (40/s), shared by every process
through PostgreSQL; it leaves room under Discord's 50/s for requests features make directly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil

from bot.delivery import DELIVERY_RATE
from tests.scale import fleet
from tests.support.postgres import postgres_server, require_postgres_bin, temporary_database
from tests.wire.standin import DiscordStandin

DISCORD_LIMIT = 50


def _ranges(processes: int, shards: int) -> tuple[str, ...]:
    per = shards // processes
    return tuple(f"{i * per}-{(i + 1) * per - 1}" for i in range(processes))


def _cpu(crew: fleet.Fleet) -> float:
    total = 0.0
    for bot in crew.processes.values():
        if bot.proc.returncode is None:
            times = psutil.Process(bot.proc.pid).cpu_times()
            total += times.user + times.system
    return total


async def run_once(server: str, guilds: int, processes: int, shards: int, due_over: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hearth-scale-") as home:
        async with (
            temporary_database(server) as url,
            DiscordStandin(extra_guilds=guilds - 1, max_concurrency=16, global_limit=DISCORD_LIMIT) as standin,
        ):
            crew = fleet.Fleet(standin, url, Path(home), shards, _ranges(processes, shards))
            try:
                await crew.start_all()
                await crew.wait_ready(600)
                await asyncio.sleep(2)
                # One message per guild (a reminder each), the first due in 10 s, then evenly over the spread.
                lead = 10.0
                first = fleet.now() + timedelta(seconds=lead)
                seeded = await fleet.seed(url, standin.guild_ids, 1, first=first, step=due_over / guilds)
                await asyncio.sleep(max(0.0, (first - fleet.now()).total_seconds()))
                requests_before = len(standin.state.request_times)
                cpu_before = _cpu(crew)
                started = time.monotonic()
                bound = max(guilds / DISCORD_LIMIT, due_over)
                with contextlib.suppress(TimeoutError):
                    await standin.wait_for(lambda: len(fleet.arrived(standin)) >= seeded, 4 * bound + 120)
                done = time.monotonic() - started
                cpu = _cpu(crew) - cpu_before
                await asyncio.sleep(2)
                counts = fleet.arrived(standin)
                return {
                    "guilds": guilds,
                    "processes": processes,
                    "shards": shards,
                    "due_over_s": due_over,
                    "seeded": seeded,
                    "delivered": len(counts),
                    "lost": seeded - len(counts),
                    "sent_twice": sum(1 for c in counts.values() if c > 1),
                    "nonce_replays": standin.state.nonce_hits,
                    "global_429s": standin.state.global_429s,
                    "busiest_second": standin.busiest_second(),
                    "requests": len(standin.state.request_times) - requests_before,
                    "completion_s": round(done, 1),
                    "bound_s": round(bound, 1),
                    "completion_over_bound": round(done / bound, 3),
                    "cpu_ms_per_delivery": round(1000 * cpu / max(len(counts), 1), 2),
                    "delivery_rate": DELIVERY_RATE,
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                }
            finally:
                await crew.stop_all()


async def main(args: argparse.Namespace) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    require_postgres_bin()
    with postgres_server() as server:
        for repeat in range(args.repeat):
            for processes in args.processes:
                result = await run_once(server, args.guilds, processes, args.shards, args.due_over)
                result["repeat"] = repeat + 1
                results.append(result)
                print(json.dumps(result), flush=True)
    one = [r["cpu_ms_per_delivery"] for r in results if r["processes"] == 1]
    if one:
        base = sorted(one)[len(one) // 2]
        for processes in args.processes:
            mine = sorted(r["cpu_ms_per_delivery"] for r in results if r["processes"] == processes)
            print(f"{processes} processes: CPU per delivery median {mine[len(mine) // 2]} ms = "
                  f"{mine[len(mine) // 2] / base:.2f}x one process ({len(mine)} runs)")  # fmt: skip
    print(f"cores: {psutil.cpu_count()} · load average now: {os.getloadavg()}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--processes", type=lambda s: [int(x) for x in s.split(",")], default=[4])
    parser.add_argument("--due-over", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json")
    arguments = parser.parse_args()
    measured = asyncio.run(main(arguments))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(measured, indent=2))
