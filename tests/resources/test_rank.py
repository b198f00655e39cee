"""Ranking of a library's matches (SQLite ranks in Python, cogs/resources/domain.py ``rank``)."""

from __future__ import annotations

from cogs.resources.domain import MATCH_MARK as M
from cogs.resources.domain import rank


def test_a_match_in_the_title_outranks_one_in_the_tags_which_outranks_one_in_the_description() -> None:
    found = [
        (1, 0, ("Evening routine", "rest", f"a long {M}sleep guide")),
        (2, 0, (f"{M}Sleep better", "rest", "a long guide")),
        (3, 0, ("Evening routine", f"{M}sleep", "a long guide")),
    ]
    assert rank(found, 5) == [2, 3, 1]


def test_helpful_votes_lift_a_result_and_the_limit_cuts() -> None:
    found = [
        (1, 0, ("Walks", "", f"{M}sleep {M}sleep and more")),
        (2, 10, ("Walks", "", f"{M}sleep once and more")),
        (3, 0, ("Walks", "", f"{M}sleep once and more")),
    ]
    assert rank(found, 2) == [2, 1]


def test_a_short_text_with_the_word_beats_a_long_one_and_ties_go_to_the_older() -> None:
    long = " ".join(["words"] * 80)
    found = [
        (5, 0, ("Tips", "", f"{M}breathing {long}")),
        (4, 0, ("Tips", "", f"{M}breathing helps")),
        (3, 0, ("Tips", "", f"{M}breathing helps")),
    ]
    assert rank(found, 5) == [3, 4, 5]
    assert rank([], 5) == []
