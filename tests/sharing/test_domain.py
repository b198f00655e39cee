"""Pure rules of anonymous sharing: codes, labels, limits, sealing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.keys import Keyring
from cogs.sharing import domain

KEYS = Keyring(b"k" * 40)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_codes_are_long_opaque_and_distinct() -> None:
    codes = {domain.new_code() for _ in range(20_000)}
    assert len(codes) == 20_000
    assert all(domain.looks_like_code(c) for c in codes)
    assert domain.CODE_LENGTH * 5 >= 80  # bits of randomness


@given(st.text(alphabet=domain.CODE_ALPHABET, min_size=16, max_size=16))
def test_codes_survive_the_ways_people_type_them(code: str) -> None:
    typed = f" `{code[:4].lower()}-{code[4:8]} {code[8:]}` "
    assert domain.normalise_code(typed) == code


def test_pseudonyms_differ_per_group_and_server_hash_is_separate() -> None:
    a = domain.pseudonym(KEYS, 1, 10, 99)
    assert a == domain.pseudonym(KEYS, 1, 10, 99)
    assert a != domain.pseudonym(KEYS, 1, 11, 99)
    assert a != domain.pseudonym(KEYS, 1, 10, 98)
    assert domain.server_hash(KEYS, 1, 99) not in {a, domain.pseudonym(KEYS, 1, 11, 99)}
    assert "99" not in a


def test_labels_in_a_thread_start_at_anonymous_1_after_the_op() -> None:
    labels: dict[str, str] = {}
    for author in ("b", "a", "c", "b"):
        label = domain.label_for(author, op_pseudonym="a", thread_labels=labels)
        if label != domain.OP_LABEL:
            labels.setdefault(author, label)
    assert labels == {"b": "Anonymous 1", "c": "Anonymous 2"}


@given(st.lists(st.sampled_from("abcdef"), max_size=40))
def test_labels_are_stable_per_author_and_unique_per_thread(authors: list[str]) -> None:
    labels: dict[str, str] = {}
    for author in authors:
        label = domain.label_for(author, op_pseudonym="a", thread_labels=labels)
        if author == "a":
            assert label == domain.OP_LABEL
            continue
        assert labels.setdefault(author, label) == label
    assert len(set(labels.values())) == len(labels)
    assert not labels or "Anonymous 1" in labels.values()  # numbering starts at 1 after the OP


def test_validate_draft() -> None:
    assert domain.validate_draft("  hi  ", "  grief  ", max_length=2000) == domain.Draft("hi", "grief")
    assert domain.validate_draft("hi", "", max_length=2000).content_warning is None
    with pytest.raises(BadInput, match="empty"):
        domain.validate_draft(" \n ", None, max_length=2000)
    with pytest.raises(BadInput, match="limit is 10"):
        domain.validate_draft("x" * 11, None, max_length=10)
    with pytest.raises(BadInput, match="with a content warning is 1,996"):
        domain.validate_draft("x" * 1997, "cw", max_length=2000)
    with pytest.raises(BadInput, match="content warning to 100"):
        domain.validate_draft("x", "w" * 101, max_length=2000)


def test_rate_limit_rolls_over_the_hour() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (50, 40, 30, 20, 10)]
    assert domain.retry_after(recent[1:], limit=5, now=NOW) is None
    assert domain.retry_after(recent, limit=5, now=NOW) == timedelta(minutes=10)
    assert domain.retry_after([NOW - timedelta(minutes=61)] * 9, limit=5, now=NOW) is None
    assert domain.describe_wait(timedelta(seconds=61)) == "about 2 minutes"


def test_sealed_author_opens_only_with_its_key_and_post() -> None:
    key = KEYS.derive("break-glass")
    sealed = domain.seal_author(key, 1234567890123, "CODEAAAAAAAAAAAA")
    assert domain.open_author(key, sealed, "CODEAAAAAAAAAAAA") == 1234567890123
    assert domain.open_author(key, sealed, "CODEBBBBBBBBBBBB") is None
    assert domain.open_author(KEYS.derive("other"), sealed, "CODEAAAAAAAAAAAA") is None
    assert sealed != domain.seal_author(key, 1234567890123, "CODEAAAAAAAAAAAA")  # random nonce
    assert b"1234567890123" not in sealed
