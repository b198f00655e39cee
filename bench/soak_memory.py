"""Whose memory grows in the soak: Hearth's, or the simulator's.

The soak runs Hearth and SimCord in one process, so resident memory (RSS) counts both, and SimCord keeps
every message, member and request it ever saw (Discord's side of the story, which the orphan and
delivery checks read). Hearth's own memory is measured as what Hearth holds on to: every object
reachable from the running bot (its caches, cogs, listeners, scheduler and job store, database engine,
sessions, views), from the globals of Hearth's modules (``bot.*``, ``cogs.*``) and the containers on
their classes, and from asyncio tasks running Hearth's code, without walking into SimCord's objects, the
event loop, modules, classes or functions. Summed with ``sys.getsizeof`` after a full collection, that
is the heap a leak in Hearth (an unbounded cache, a listener added per restart, jobs that pile up, an
old bot kept alive) would grow. SQLAlchemy's compiled-statement cache is bounded (500 statements per
engine) but fills for a long time; it is measured apart (only what nothing else holds) and not counted,
or its filling would read as a leak.

tracemalloc was tried first: with 16 frames per allocation the bot's start took 76 s instead of ~2 s on
this shared machine, and one snapshot of 400k traces did not finish in four minutes, so it cannot run
inside a ten-minute soak.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import types
from collections import Counter, deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.util import LRUCache

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
# Bounded by design, and filling for a long while: SQLAlchemy's compiled-statement cache (500 statements
# per engine, and each restart starts a new one). Measured apart, under "bounded caches".
BOUNDED = (LRUCache,)


def _hearth_modules() -> list[types.ModuleType]:
    return [m for name, m in list(sys.modules.items()) if name.split(".")[0] in ("bot", "cogs") and m is not None]


def _hearth_tasks() -> list[asyncio.Task[Any]]:
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code is not None and code.co_filename.startswith(HEARTH_FILES):
            found.append(task)
    return found


def retained(bot: Any, holders: Counter[str] | None = None) -> tuple[int, int]:
    """(bytes, objects) Hearth holds: reachable from ``bot``, Hearth's module globals and its tasks.
    ``holders``, when given, gets bytes per holder (a bot attribute, a module global, a task), to see what
    grows, and "bounded caches" the bytes in ``BOUNDED`` caches, which are not in the total."""
    gc.collect()
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    roots: list[tuple[str, Any]] = []
    for name, value in vars(bot).items():  # one level down too: bot._connection's caches, each cog's state
        inner = getattr(value, "__dict__", None)
        if isinstance(inner, dict) and not isinstance(value, OPAQUE) and not _simulator(value):
            roots += [(f"bot.{name}.{k}", v) for k, v in inner.items()] + [(f"bot.{name}", value)]
        else:
            roots.append((f"bot.{name}", value))
    roots += [(f"task {task.get_coro().__qualname__}", task) for task in _hearth_tasks()]  # type: ignore[union-attr]
    for module in _hearth_modules():  # their globals, not the module dicts themselves (those are skipped)
        roots += [(f"{module.__name__}.{k}", v) for k, v in vars(module).items() if not isinstance(v, OPAQUE)]
        for k, cls in vars(module).items():  # and class-level containers of the classes defined there
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                roots += [(f"{module.__name__}.{k}.{a}", v) for a, v in vars(cls).items() if _container(v)]
    seen: set[int] = {id(bot), id(vars(bot))}
    caches: list[Any] = []
    size = sys.getsizeof(bot, 0) + sys.getsizeof(vars(bot), 0)
    for holder, root in roots:
        held = 0
        stack = [root]
        while stack:
            obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, OPAQUE) or id(obj) in module_dicts or _simulator(obj):
                continue
            if isinstance(obj, BOUNDED):
                caches.append(obj)  # walked last, so it keeps only what nothing else holds
                continue
            held += sys.getsizeof(obj, 0)
            stack.extend(_referents(obj))
        size += held
        if holders is not None:
            holders[holder] += held
    if holders is not None:
        holders["bounded caches"] = sum(_size(cache, seen, module_dicts) for cache in caches)
    return size, len(seen)


def _container(value: Any) -> bool:
    return isinstance(value, (dict, list, set, deque, Counter)) and not isinstance(value, OPAQUE)


def _size(root: Any, seen: set[int], module_dicts: set[int]) -> int:
    """Bytes reachable from ``root`` that nothing walked before reached."""
    size, stack = 0, list(_referents(root))
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, OPAQUE) or id(obj) in module_dicts or _simulator(obj):
            continue
        size += sys.getsizeof(obj, 0)
        stack.extend(_referents(obj))
    return size


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
