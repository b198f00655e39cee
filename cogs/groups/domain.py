"""Pure rules for groups: names, limits, neutral role names, visibility, paging. No I/O, no discord."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar
from zoneinfo import available_timezones

from bot.errors import BadInput
from bot.text import matching
from cogs.groups import refusals

T = TypeVar("T")

NAME_MIN = 2
NAME_MAX = 50
DESCRIPTION_MAX = 300
GUIDELINES_MAX = 1800  # shown in one message (2,000 characters) with a short header
PAGE_SIZE = 10
CHANNEL_NAME_MAX = 100

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9\-_]+")


def clean_name(raw: str) -> str:
    """A group name as stored: trimmed, inner whitespace collapsed; 2-50 characters."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw or "")).strip()
    if len(name) < NAME_MIN:
        raise BadInput(refusals.name_too_short(NAME_MIN, name))
    if len(name) > NAME_MAX:
        raise BadInput(refusals.name_too_long(NAME_MAX, len(name)))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise BadInput(refusals.name_control_characters())
    if "@" in name or "`" in name or "*" in name:
        raise BadInput(refusals.name_formatting())
    return name


def name_key(name: str) -> str:
    """Names are unique per server whatever their case, width or hidden characters ("Grief", "GRIEF"
    and "Gr\u200bief" are the same group): the matching form of bot/text.py, never shown."""
    return matching(name)


def clean_description(raw: str | None) -> str:
    description = (raw or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise BadInput(refusals.description_too_long(DESCRIPTION_MAX, len(description)))
    return description


def clean_guidelines(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise BadInput(refusals.guidelines_empty())
    if len(text) > GUIDELINES_MAX:
        raise BadInput(refusals.guidelines_too_long(GUIDELINES_MAX, len(text)))
    return text


def neutral_role_name(token: str) -> str:
    """A role name that says nothing about what the group is about (role names are server-wide)."""
    return f"Hearth circle {token.upper()}"


def role_name(group_name: str, neutral: bool, token: str) -> str:
    return neutral_role_name(token) if neutral else group_name


def role_token(role_name_now: str | None) -> str | None:
    """The token of an existing neutral role name, so renaming back to neutral keeps it stable."""
    if role_name_now and role_name_now.startswith("Hearth circle "):
        return role_name_now.removeprefix("Hearth circle ")
    return None


def channel_name(group_name: str) -> str:
    """A Discord text-channel name for a group: lower case, hyphens, no punctuation."""
    slug = unicodedata.normalize("NFKD", group_name).encode("ascii", "ignore").decode().lower()
    slug = _NOT_SLUG.sub("-", slug.replace(" ", "-")).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    return (slug or "group")[:CHANNEL_NAME_MAX]


def may_see(private: bool, *, member: bool, facilitator: bool) -> bool:
    """Private groups are visible only to their members and facilitators."""
    return not private or member or facilitator


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # 0-based
    count: int  # total pages, at least 1

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.count


def paginate(items: list[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    count = max(1, -(-len(items) // size))
    number = min(max(0, number), count - 1)
    return Page(items[number * size : (number + 1) * size], number, count)


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_suggestions(typed: str, limit: int = 25) -> list[str]:
    """IANA names for autocomplete: prefix matches first, then names containing what was typed."""
    query = typed.strip().replace(" ", "_").casefold()
    if not query:
        common = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo")
        return list(common)[:limit]
    zones = _zones()
    starts = [z for z in zones if z.casefold().startswith(query) or z.casefold().split("/")[-1].startswith(query)]
    contains = [z for z in zones if query in z.casefold() and z not in starts]
    return (starts + contains)[:limit]


def private_join_answer(typed: str) -> str:
    """What /group join says both for a name that exists nowhere and for a private group the member may not
    see (their request is sent): one text, in the member's own spelling, so asking reveals nothing."""
    return refusals.private_join_answer(typed.strip()[:100])
