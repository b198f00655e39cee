"""Pure care rules and words: severity, deadlines, the once-a-day rule, crisis resources. No I/O, no discord.

Every text a member in distress may read lives in ``texts.py``, in one place, so the crisis message is the
same wherever they wrote.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum
from urllib.parse import urlsplit

from bot.errors import BadInput
from bot.keys import Keyring
from cogs.care import texts


class Severity(IntEnum):
    """Higher is more pressing; queues sort by severity, then age."""

    GENTLE = 1  # the lowest mood, no words of crisis
    URGENT = 2  # words of crisis with consent, a direct ask, a worried report

    @property
    def label(self) -> str:
        return {Severity.GENTLE: "gentle", Severity.URGENT: "urgent"}[self]


# Where a case came from. "ask" and "worried" are a person's own request; the others follow a match.
SOURCES = ("checkin", "share", "reply", "lowmood", "ask", "worried", "concern")
SOURCE_WORDS = {
    "checkin": "a check-in",
    "share": "an anonymous post",
    "reply": "an anonymous reply",
    "lowmood": "a very low check-in",
    "ask": "a direct ask for someone to talk to",
    "worried": "a member worried about someone",
    "concern": "a concern a member raised (/concern)",
}

DEFAULT_URGENT_MINUTES = 10
DEFAULT_GENTLE_MINUTES = 6 * 60
FOLLOW_UP_HOURS = 24
OFFER_LIFETIME = timedelta(days=1)
CLOSED_CASE_DAYS = 90  # closed cases (and their private notes) are erased after this
NOTE_LIMIT = 500
RELAY_LIMIT = 1500
MIN_FIGURES = 3  # fewer closed-or-claimed cases than this: show no figures (they would point at a person)


def severity_of(source: str) -> Severity:
    return Severity.GENTLE if source == "lowmood" else Severity.URGENT


def escalation_due(
    opened_at: datetime, severity: Severity, *, urgent_minutes: int | None, gentle_minutes: int | None
) -> datetime:
    """When an unclaimed case goes to the moderators."""
    if severity is Severity.URGENT:
        return opened_at + timedelta(minutes=urgent_minutes or DEFAULT_URGENT_MINUTES)
    return opened_at + timedelta(minutes=gentle_minutes or DEFAULT_GENTLE_MINUTES)


def queue_order(cases: Sequence[tuple[int, int, datetime]]) -> list[int]:
    """Case ids ordered by severity (highest first), then age (oldest first). Items: (id, severity, opened_at)."""
    return [case_id for case_id, _s, _t in sorted(cases, key=lambda c: (-c[1], c[2], c[0]))]


def may_message_today(*, last_day: str | None, last_severity: int | None, today: date, severity: Severity) -> bool:
    """At most one automatic crisis message a day, unless this one is more pressing than the last."""
    if last_day != today.isoformat():
        return True
    return last_severity is None or severity > last_severity


# --- crisis resources -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    name: str
    text: str


@dataclass(frozen=True)
class Resources:
    emergency: str  # always shown first
    regions: tuple[Region, ...]

    def region(self, name: str | None) -> Region | None:
        return next((r for r in self.regions if r.name == name), None)


def parse_resources(text: str) -> Resources:
    """The operator's (or shipped) file: an emergency paragraph, then ``## Region`` sections.

    A file without sections is one region called "Helplines"; the emergency line then is the first paragraph.
    """
    parts = re.split(r"^##\s+", text.strip(), flags=re.MULTILINE)
    head = parts[0].strip()
    regions = []
    for part in parts[1:]:
        name, _, body = part.partition("\n")
        if name.strip() and body.strip():
            regions.append(Region(name.strip()[:REGION_NAME_LIMIT], body.strip()[:REGION_TEXT_LIMIT]))
    if not regions:
        first, _, rest = head.partition("\n\n")
        return Resources(first.strip(), (Region("Helplines", rest.strip()),) if rest.strip() else ())
    return Resources(head, tuple(regions))


REGION_NAME_LIMIT = 50
REGION_TEXT_LIMIT = 600
MAX_REGIONS = 10
_UNSAFE_SCHEME = re.compile(r"\b(?:javascript|data|vbscript|file):\S*", re.IGNORECASE)
_URL = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s<>)\]]*", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_BARE_DOMAIN = re.compile(r"(?<![\w@/.])(?:www\.)[\w\-.]+\.[a-z]{2,}\S*", re.IGNORECASE)


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and "." in (parts.hostname or "")


def clean_region(name: str, text: str) -> Region:
    """An admin's region entry, checked: lengths within what one message can show, links only http(s)."""
    name = " ".join(name.split())
    text = text.strip()
    if not name:
        raise BadInput("Give the region a name, for example “Germany” or “Spanish speakers”.")
    if len(name) > REGION_NAME_LIMIT:
        raise BadInput(f"The region name is {len(name)} characters; keep it to {REGION_NAME_LIMIT}.")
    if not text:
        raise BadInput("Write the helplines for this region: names, numbers and links.")
    if len(text) > REGION_TEXT_LIMIT:
        raise BadInput(
            f"The helplines text is {len(text)} characters; keep it to {REGION_TEXT_LIMIT} so it fits in one "
            "message with the emergency line."
        )
    _check_member_text(text, "Helplines text")
    return Region(name, text)


def _check_member_text(text: str, what: str) -> None:
    """Links only http(s) to a named website; no mentions. Shared by helplines and the server's crisis texts."""
    links = _URL.findall(text) + _LINK_TARGET.findall(text) + _UNSAFE_SCHEME.findall(text)
    bad = [link for link in links if not _valid_url(link)]
    if bad:
        raise BadInput(
            f"This link can't be used: {bad[0][:80]}. Links must start with https:// (or http://) and name a "
            "website, so members can open them safely."
        )
    if "@everyone" in text or "@here" in text or re.search(r"<@[!&]?\d+>", text):
        raise BadInput(f"{what} can't mention people or roles.")


# --- the server's own crisis message per language (issue 15) ---------------------------------------------

#: Discord's languages other than English (the ``locale`` Discord reports for a member), German first.
LANGUAGES = {
    "de": "German",
    "fr": "French",
    "es-ES": "Spanish",
    "es-419": "Spanish (Latin America)",
    "pt-BR": "Portuguese (Brazil)",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "sv-SE": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "cs": "Czech",
    "hu": "Hungarian",
    "ro": "Romanian",
    "hr": "Croatian",
    "lt": "Lithuanian",
    "bg": "Bulgarian",
    "el": "Greek",
    "ru": "Russian",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "id": "Indonesian",
    "vi": "Vietnamese",
    "th": "Thai",
    "hi": "Hindi",
    "ja": "Japanese",
    "ko": "Korean",
    "zh-CN": "Chinese (China)",
    "zh-TW": "Chinese (Taiwan)",
}
CRISIS_TEXT_LIMIT = 600  # with the emergency line and a region's helplines it still fits one message


def language_code(raw: str) -> str:
    """A Discord language code as an admin may type it ("DE", "pt_br", "German"), or a clear refusal."""
    wanted = raw.strip().replace("_", "-").lower()
    for code, name in LANGUAGES.items():
        if wanted in (code.lower(), name.lower()):
            return code
    raise BadInput(
        f"“{raw[:40]}” isn't one of Discord's languages. Use its code, for example `de` for German, `fr` for "
        "French, `es-ES` for Spanish or `pt-BR` for Portuguese. English members always get Hearth's own text."
    )


@dataclass(frozen=True)
class CrisisText:
    crisis: str
    low: str  # after the lowest mood; empty: the crisis text is used


def clean_crisis_text(crisis: str, low: str) -> CrisisText:
    """An admin's reviewed crisis message for one language, checked like the helplines."""
    crisis, low = crisis.strip(), low.strip()
    if not crisis:
        raise BadInput("Write the message members in this language should read when they're struggling.")
    for text, what in ((crisis, "The crisis message"), (low, "The message after a very low check-in")):
        if len(text) > CRISIS_TEXT_LIMIT:
            raise BadInput(
                f"{what} is {len(text)} characters; keep it to {CRISIS_TEXT_LIMIT} so it fits in one message "
                "with the helplines."
            )
        _check_member_text(text, what)
    return CrisisText(crisis, low)


def parse_crisis_texts(stored: str) -> dict[str, CrisisText]:
    if not stored.strip():
        return {}
    raw = json.loads(stored)
    return {code: CrisisText(str(v.get("crisis", "")), str(v.get("low", ""))) for code, v in raw.items()}


def dump_crisis_texts(by_language: dict[str, CrisisText]) -> str:
    return json.dumps({code: {"crisis": t.crisis, "low": t.low} for code, t in sorted(by_language.items())})


def own_crisis_text(by_language: dict[str, CrisisText], locale: str | None, *, low_mood: bool) -> str | None:
    """The server's own text for the member's Discord language (exactly, else the same language: ``es-419`` reads
    ``es-ES``'s), or None: then the English text. Shipped catalogs never stand in for it."""
    if not locale or not by_language:
        return None
    chosen = by_language.get(locale) or next(
        (t for code, t in by_language.items() if code.split("-")[0] == locale.split("-")[0]), None
    )
    if chosen is None:
        return None
    return (chosen.low or chosen.crisis) if low_mood else chosen.crisis


def resources_text(resources: Resources, region: str | None = None) -> str:
    """The emergency line first, then one region's helplines (or all, as many as fit)."""
    chosen = [r for r in resources.regions if r.name == region] if region else list(resources.regions)
    lines = [resources.emergency] if resources.emergency else []
    for entry in chosen:
        block = f"**{entry.name}**\n{entry.text}"
        if len("\n\n".join([*lines, block])) > 1500:
            lines.append("More regions: pick yours from the list below.")
            break
        lines.append(block)
    return "\n\n".join(lines)


def crisis_message(
    resources: Resources,
    *,
    low_mood: bool,
    duty_notice: str | None,
    first_time: bool,
    region: str | None = None,
    own: str | None = None,
) -> str:
    """The one private crisis message: acknowledgement, emergency number first, helplines, choices, disclosure.
    ``own``: the server's reviewed text for the member's language, in place of the English words around the
    helplines (it carries its own invitation to choose)."""
    parts = [own or (texts.ACKNOWLEDGE_LOW if low_mood else texts.ACKNOWLEDGE)]
    if duty_notice:
        parts.append(duty_notice)
    parts.append(resources_text(resources, region or (resources.regions[0].name if resources.regions else None)))
    if own is None:
        parts.append(texts.CHOICES_PROMPT)
    if first_time:
        parts.append(texts.DISCLOSURE.format(duty=texts.DUTY_CLAUSE if duty_notice else ""))
    return fit("\n\n".join(parts))


def fit(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def claim_line(owner_id: int | None, helper_id: int | None) -> str:
    if owner_id is None:
        return "Not picked up yet."
    line = f"<@{owner_id}> is reaching out."
    if helper_id is not None:
        line += f" With <@{helper_id}>."
    return line


@dataclass(frozen=True)
class Figures:
    cases: int
    claimed: int
    contacted: int
    claim_median_minutes: float | None
    claim_p90_minutes: float | None
    contact_median_minutes: float | None
    escalated: int


def figures(
    opened: Sequence[datetime],
    claimed: Sequence[tuple[datetime, datetime]],
    contacted: Sequence[tuple[datetime, datetime]],
    escalated: int,
) -> Figures:
    """Server-wide time-to-claim and time-to-contact; hidden (None) below MIN_FIGURES cases."""

    def minutes(pairs: Sequence[tuple[datetime, datetime]]) -> list[float]:
        return sorted((b - a).total_seconds() / 60 for a, b in pairs)

    claim = minutes(claimed)
    contact = minutes(contacted)

    def p(values: list[float], q: float) -> float | None:
        if len(values) < MIN_FIGURES:
            return None
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    return Figures(
        cases=len(opened),
        claimed=len(claim),
        contacted=len(contact),
        claim_median_minutes=statistics.median(claim) if len(claim) >= MIN_FIGURES else None,
        claim_p90_minutes=p(claim, 0.9),
        contact_median_minutes=statistics.median(contact) if len(contact) >= MIN_FIGURES else None,
        escalated=escalated,
    )


def clean_note(text: str, *, what: str = "note", limit: int = NOTE_LIMIT) -> str:
    text = text.strip()
    if not text:
        raise BadInput(f"Write a short {what} first.")
    if len(text) > limit:
        raise BadInput(f"That {what} is {len(text)} characters; keep it to {limit}.")
    return text


def parse_minutes(raw: int | None, *, low: int, high: int, what: str) -> int | None:
    if raw is None:
        return None
    if not low <= raw <= high:
        raise BadInput(f"{what} must be between {low} and {high} minutes.")
    return raw


def seal(keys: Keyring, guild_id: int, case_id: int, user_id: int) -> str:
    """A case's link to an anonymous member (a concern's sender, an anonymous post's author): a keyed hash of
    (server, case, member), never shown. Only someone holding the member's id can find their cases, by
    recomputing it (their own button press, or ``/privacy`` for them); one case's seal says nothing of another's."""
    return keys.tag("concern", guild_id, case_id, user_id)


def metrics_state(status: str, escalated_at: object) -> str:
    """An open case as the operator's metrics name it: claimed, escalated (nobody yet, moderators told),
    or unclaimed."""
    if status == "claimed":
        return "claimed"
    return "escalated" if escalated_at is not None else "unclaimed"
