"""Whose memory grows in the soak: Hearth's, or the simulator's.

The soak runs Hearth and SimCord in one process, so resident memory (RSS) counts both, and SimCord
keeps every message, member and request it ever saw (Discord's side of the story, which the orphan
and delivery checks read). Hearth's own memory is measured as what Hearth holds on to: every object
reachable from the running bot (its caches, cogs, listeners, scheduler and job store, database engine,
sessions, views), from the globals of Hearth's modules (``bot.*``, ``cogs.*``) and from asyncio tasks
running Hearth's code, without walking into SimCord's objects, the event loop, modules, classes or
functions. Summed with ``sys.getsizeof`` after a full collection, that is the heap a leak in Hearth
(an unbounded cache, a listener added per restart, jobs that pile up, an old bot kept alive) would grow.

tracemalloc was tried first: with 16 frames per allocation the bot's start took 76 s instead of ~2 s
on this shared machine, and one snapshot of 400k traces did not finish in four minutes, so it cannot
run inside a ten-minute soak.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import types
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]
HEARTH_FILES = (str(ROOT / "bot") + "/", str(ROOT / "cogs") + "/")
# Walking stops at these: shared machinery whose size is not Hearth's state.
OPAQUE = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.CodeType,
    asyncio.AbstractEventLoop,
    logging.Logger,
    logging.Handler,
    threading.Thread,
)


def _hearth_modules() -> list[types.ModuleType]:
    return [m for name, m in list(sys.modules.items()) if name.split(".")[0] in ("bot", "cogs") and m is not None]


def _hearth_tasks() -> list[asyncio.Task[Any]]:
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code is not None and code.co_filename.startswith(HEARTH_FILES):
            found.append(task)
    return found


def retained(bot: Any, kinds: Counter[str] | None = None) -> tuple[int, int]:
    """(bytes, objects) Hearth holds: reachable from ``bot``, Hearth's module globals and its tasks.
    ``kinds``, when given, is filled with bytes per type name (to see what grows)."""
    gc.collect()
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    roots: list[Any] = [bot, *_hearth_tasks()]
    for module in _hearth_modules():  # their globals, not the module dicts themselves (those are skipped)
        roots.extend(value for value in vars(module).values() if not isinstance(value, OPAQUE))
    seen: set[int] = set()
    size = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, OPAQUE) or id(obj) in module_dicts or _simulator(obj):
            continue
        size += (bytes_ := sys.getsizeof(obj, 0))
        if kinds is not None:
            kinds[f"{type(obj).__module__}.{type(obj).__qualname__}"] += bytes_
        stack.extend(_referents(obj))
    return size, len(seen)


def _simulator(obj: Any) -> bool:
    return type(obj).__module__.startswith("simcord")


def _referents(obj: Any) -> Iterable[Any]:
    return gc.get_referents(obj)


def slope(points: list[tuple[float, float]], warmup_share: float) -> tuple[float, int]:
    """Least-squares slope per hour of (wall seconds, MiB) after the warm-up share of the run."""
    if not points:
        return 0.0, 0
    end = points[-1][0]
    used = [(t, m) for t, m in points if t >= end * warmup_share]
    if len(used) < 3:
        return 0.0, len(used)
    mean_t = sum(t for t, _ in used) / len(used)
    mean_m = sum(m for _, m in used) / len(used)
    var = sum((t - mean_t) ** 2 for t, _ in used)
    rise = sum((t - mean_t) * (m - mean_m) for t, m in used) / var if var else 0.0
    return rise * 3600, len(used)
