"""Smoke test: bench.interactions still drives every hot interaction to its real answer, and its floor too.

The benchmark is not part of the test run; this keeps it from rotting silently (a renamed form field or
a new refusal would otherwise turn its figures into the cost of an error message)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import interactions
from bench.sharing import identity_callback_records


@pytest.mark.parametrize("name", list(interactions.KINDS))
async def test_each_kind_is_answered_as_a_member_would_see_it(name: str, tmp_path: Path) -> None:
    kind = interactions.KINDS[name]
    with identity_callback_records(True):
        real = await interactions.measure(kind, tmp_path / "real", 2, noop=False, rate=None, profile=False)
        floor = await interactions.measure(kind, tmp_path / "floor", 2, noop=True, rate=None, profile=False)
    for out in (real, floor):
        assert not out["errors"]
        assert kind.expect in out["answer"]
        assert len(out["lat"]) == 2 and all(ms > 0 for ms in out["lat"])
    assert floor["stubbed"], "the floor replayed nothing: it would measure Hearth, not the floor"
    # The same Discord calls, give or take one defer: the floor's buttons defer as if contended, as in a burst.
    assert abs(floor["requests"] - real["requests"]) <= 0.5
