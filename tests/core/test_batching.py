"""GroupCommit's optional de-duplication: the same key twice in one batch is acted on once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.db.batching import GroupCommit
from bot.errors import HearthError


async def test_the_same_key_twice_in_a_batch_runs_once_and_the_second_caller_gets_the_duplicate_answer() -> None:
    seen: list[list[int]] = []

    async def run_batch(requests: Sequence[int]) -> list[str | HearthError]:
        seen.append(list(requests))
        return [f"did {r}" for r in requests]

    writer: GroupCommit[int, str] = GroupCommit(run_batch, key=lambda r: r, duplicate=lambda r: f"nothing for {r}")
    answers = await asyncio.gather(*(writer.run(r) for r in [1, 2, 1, 3]))
    assert seen == [[1, 2, 3]]  # one transaction, meeting 1 in it once
    assert answers == ["did 1", "did 2", "nothing for 1", "did 3"]
    assert writer.batches == [4]


async def test_without_a_key_every_request_reaches_the_batch() -> None:
    seen: list[list[int]] = []

    async def run_batch(requests: Sequence[int]) -> list[int | HearthError]:
        seen.append(list(requests))
        return list(requests)

    writer: GroupCommit[int, int] = GroupCommit(run_batch)
    assert await asyncio.gather(writer.run(1), writer.run(1)) == [1, 1]
    assert seen == [[1, 1]]


def test_a_key_without_a_duplicate_answer_is_refused() -> None:
    async def run_batch(requests: Sequence[int]) -> list[int | HearthError]:
        return list(requests)

    with pytest.raises(ValueError, match="duplicate"):
        GroupCommit(run_batch, key=lambda r: r)
