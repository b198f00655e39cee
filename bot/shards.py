"""Which Discord shards this process serves, and so which guilds' timers and clean-ups it owns.

Pure: no I/O, no ``discord`` import. Discord routes a guild to shard ``(guild_id >> 22) % shard_count``;
a process started with ``HEARTH_SHARD_COUNT=8 HEARTH_SHARD_IDS=0-1`` owns exactly the guilds on shards
0 and 1. Unset (count 0) is today's single process, which owns every guild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A launcher's convention instead of explicit ranges: process N (0-based) of M takes the Nth even block of
# shards. A Kubernetes StatefulSet writes it from the pod's ordinal: ``slot $(POD_INDEX) of 4``.
_SLOT = re.compile(r"slot\s+(\d+)\s+of\s+(\d+)")


class ShardSpecError(ValueError):
    """A shard count or id list an operator must correct; the message says how."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers this guild's events on."""
    return (guild_id >> 22) % shard_count


def identify_bucket(shard_id: int, max_concurrency: int) -> int:
    """Discord lets one IDENTIFY per bucket start every 5 s; shard N logs in through bucket N % max_concurrency."""
    return shard_id % max(max_concurrency, 1)


def slot_shards(slot: int, slots: int, shard_count: int) -> tuple[int, ...]:
    """The shards of process ``slot`` of ``slots``: contiguous, as even as the count allows."""
    if slots < 1 or slots > shard_count:
        raise ShardSpecError(f"{slots} processes can't share {shard_count} shards: use 1 to {shard_count}")
    if not 0 <= slot < slots:
        raise ShardSpecError(f"slot {slot} does not exist with {slots} processes (they are 0-{slots - 1})")
    return tuple(range(slot * shard_count // slots, (slot + 1) * shard_count // slots))


def parse_shard_ids(text: str, shard_count: int) -> tuple[int, ...]:
    """``"0-3,6"`` -> ``(0, 1, 2, 3, 6)``; every id must lie in ``0 .. shard_count - 1``.

    ``"slot 1 of 4"`` -> the second quarter of the shards (a launcher numbering its processes)."""
    slot = _SLOT.fullmatch(text.strip())
    if slot:
        return slot_shards(int(slot[1]), int(slot[2]), shard_count)
    ids: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            raise ShardSpecError(f"{text!r} has an empty part: write ranges like 0-3,6")
        low, dash, high = part.partition("-")
        try:
            start = int(low)
            end = int(high) if dash else start
        except ValueError:
            raise ShardSpecError(f"{part!r} is not a shard number or a range like 0-3") from None
        if start < 0 or end < start:
            raise ShardSpecError(f"{part!r} is not a range from a lower to a higher shard number")
        if end >= shard_count:
            raise ShardSpecError(f"shard {end} does not exist with {shard_count} shards (they are 0-{shard_count - 1})")
        ids.update(range(start, end + 1))
    return tuple(sorted(ids))


@dataclass(frozen=True)
class ShardPlan:
    """``count`` 0: not sharded (one process, every guild). Otherwise the shards this process runs."""

    count: int = 0
    ids: tuple[int, ...] = ()

    @property
    def sharded(self) -> bool:
        return self.count > 0

    @property
    def subset(self) -> bool:
        """True when other processes serve the remaining shards (so a shared database is needed)."""
        return self.sharded and len(self.ids) < self.count

    def owns(self, guild_id: int) -> bool:
        return not self.sharded or shard_of(guild_id, self.count) in self.ids

    @classmethod
    def parse(cls, count: int, ids: str) -> ShardPlan:
        """From the operator's values; ``ids`` empty means all shards of ``count``."""
        if count < 0:
            raise ShardSpecError(f"the shard count must be 1 or more (or 0 for unsharded), got {count}")
        if count == 0:
            if ids.strip():
                raise ShardSpecError("shard ids are set without a shard count: set HEARTH_SHARD_COUNT too")
            return cls()
        chosen = parse_shard_ids(ids, count) if ids.strip() else tuple(range(count))
        return cls(count, chosen)
