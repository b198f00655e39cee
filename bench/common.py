"""What the database benchmarks share (bench.resources, bench.stats): the machine line, the median with its
range, percentiles, and running one measurement on a throwaway SQLite file and a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return (
        f"{platform.node()} · {platform.python_implementation()} {platform.python_version()} · "
        f"{os.cpu_count()} cores · load average {load()}"
    )


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def spread(values: Sequence[float], unit: str = "ms") -> str:
    """'median [lowest–highest] unit': how these noisy machines are reported."""
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}] {unit}"


async def on_each_database(run: Callable[[str, str], Awaitable[None]], only: str | None) -> None:
    """``run(label, url)`` on a fresh SQLite file, then on a throwaway PostgreSQL (tests/support/postgres.py,
    so it needs the PostgreSQL binaries); ``only`` picks one."""
    if only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            await run("SQLite", f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
    if only != "sqlite":
        from tests.support.postgres import postgres_server, require_postgres_bin, temporary_database

        with postgres_server(require_postgres_bin()) as server:
            async with temporary_database(server) as url:
                await run("PostgreSQL", url)
