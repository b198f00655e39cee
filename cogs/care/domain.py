"""Pure care rules and words: severity, deadlines, the once-a-day rule, crisis resources. No I/O, no discord.

Every text a member in distress may read lives here, in one place, so the crisis message is the same
wherever they wrote. Written the way safe-messaging guidance for online communities asks: acknowledge,
no judgement, no promises, no jargon, the emergency number first.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum
from urllib.parse import urlsplit

from bot.errors import BadInput
from bot.keys import Keyring


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
    links = _URL.findall(text) + _LINK_TARGET.findall(text) + _UNSAFE_SCHEME.findall(text)
    bad = [link for link in links if not _valid_url(link)]
    if bad:
        raise BadInput(
            f"This link can't be used: {bad[0][:80]}. Links must start with https:// (or http://) and name a "
            "website, so members can open them safely."
        )
    if "@everyone" in text or "@here" in text or re.search(r"<@[!&]?\d+>", text):
        raise BadInput("Helplines text can't mention people or roles.")
    return Region(name, text)


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


# --- what the member reads ------------------------------------------------------------------------------

ACKNOWLEDGE = (
    "Thank you for putting that into words. It sounds like things are really hard right now, "
    "and you don't have to carry this on your own."
)
ACKNOWLEDGE_LOW = "Thank you for checking in. It sounds like today is a really hard one, and that's okay to say here."
CHOICES_PROMPT = "What would help right now? Only you can see this message, and whatever you pick is up to you."

DISCLOSURE = (
    "Why you're seeing this: Hearth looks for words that can mean someone is struggling in what members "
    "write here, and then shows the writer a private message like this one. Nobody else is told unless "
    "you choose it{duty}. You can turn these messages off with `/care off`."
)
DUTY_CLAUSE = ", or the server has duty-of-care mode on (see above)"
DUTY_NOTICE = (
    "This server has chosen duty-of-care mode, so I've let {who} know that someone in **{group}** may be "
    "having a hard time. They'll see the group and that it may be urgent; they won't see what you wrote."
)
DUTY_NOTICE_ANONYMOUS = (
    "This server has chosen duty-of-care mode, so I've let {who} know that someone in **{group}** may be "
    "having a hard time. They won't learn who you are or see anything you didn't post; they can write to you "
    "through Hearth, and you decide whether to answer."
)


def crisis_message(
    resources: Resources,
    *,
    low_mood: bool,
    duty_notice: str | None,
    first_time: bool,
    region: str | None = None,
) -> str:
    """The one private crisis message: acknowledgement, emergency number first, helplines, choices, disclosure."""
    parts = [ACKNOWLEDGE_LOW if low_mood else ACKNOWLEDGE]
    if duty_notice:
        parts.append(duty_notice)
    parts.append(resources_text(resources, region or (resources.regions[0].name if resources.regions else None)))
    parts.append(CHOICES_PROMPT)
    if first_time:
        parts.append(DISCLOSURE.format(duty=DUTY_CLAUSE if duty_notice else ""))
    return fit("\n\n".join(parts))


def fit(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


ASKED = (
    "Thank you for letting us know. I've asked {who} to reach out to you. When someone picks this up, "
    "I'll tell you who it is{how}. If you're in danger before then, please don't wait: call your local "
    "emergency number."
)
ASKED_ANONYMOUS_HOW = ", by a direct message from Hearth; they won't learn who you are unless you tell them"
ASKED_NAMED_HOW = " by a direct message from Hearth"
OKAY_REPLY = (
    "Okay. Thank you for letting me know. If that changes, `/care ask` reaches a person here at any time, "
    "and `/care helplines` shows the helplines."
)
NOBODY_FREE = (
    "I'm sorry: nobody here has been able to pick up your request yet. I've passed it on to the moderators "
    "as well. In the meantime, these are people you can talk to right now:\n\n{resources}"
)
HANDED_BACK = (
    "The person who was reaching out to you can't carry on with it, and I'm sorry for the change. I've passed your "
    "request to the moderators so someone else can pick it up. In the meantime, these are people you can talk to "
    "right now:\n\n{resources}"
)
HANDED_BACK_CARD = "The person who had this can't carry on with it, so it's open again."
CLAIMED = "**{owner}** from **{guild}** has seen your request and will reach out to you. 💛"
CLAIMED_ANONYMOUS = (
    "Someone from **{guild}** ({owner}) has seen your request and would like to talk. They don't know who you "
    "are. They'll write to you through Hearth; press **Answer** under their message to reply, or don't, if "
    "you'd rather not. You can also close this at any time."
)
RELAYED_TO_MEMBER = "**{owner}** from **{guild}** wrote to you (they don't know who you are):\n>>> {text}"
RELAYED_TO_OWNER = "The member you're supporting (case #{case}) answered:\n>>> {text}"
MEMBER_CLOSED = "Thank you for letting us know. I've closed this; `/care ask` is here if you need someone again."

REACH_OUT_TEMPLATE = (
    "Hi, I'm one of the people who look after this server. I saw something that made me want to check "
    "in on you. How are you doing? There's no pressure to answer, and I'm here if you'd like to talk."
)


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


#: The member pressed a choice whose offer is gone (they erased their data, or it expired after a day).
OFFER_GONE = (
    "That choice has expired: your data was erased, or it's been a while. Nothing was sent. If you'd like someone "
    "here to reach out, `/care ask` does it any time, and `/care helplines` shows people you can call right now."
)


def metrics_state(status: str, escalated_at: object) -> str:
    """An open case as the operator's metrics name it: claimed, escalated (nobody yet, moderators told),
    or unclaimed."""
    if status == "claimed":
        return "claimed"
    return "escalated" if escalated_at is not None else "unclaimed"
