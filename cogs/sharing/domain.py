"""Pure rules of anonymous sharing: codes, pseudonyms, labels, limits, break-glass sealing. No I/O."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.errors import BadInput
from bot.keys import Keyring
from cogs.sharing import texts

# RFC 4648 base32 without padding: no 0/1/8/9, so codes read aloud and typed back survive (O vs 0, I vs 1).
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# 16 symbols x 5 bits = 80 random bits: 1 collision in ~10^12 posts at a trillion codes (birthday bound).
CODE_LENGTH = 16
OP_LABEL = "OP"
CONTENT_WARNING_MAX = 100
EXCERPT_MAX = 300
MESSAGE_LIMIT = 2000  # Discord's limit for one message's content
SPOILER = "||"
RATE_WINDOW = timedelta(hours=1)
NONCE_BYTES = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Accept a code as typed: any case, with spaces, dashes or backticks around or inside it."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def pseudonym(keys: Keyring, guild_id: int, group_id: int, user_id: int) -> str:
    """Per (server, group, person): posts in two groups cannot be linked to each other."""
    return keys.tag("pseudonym", guild_id, group_id, user_id)


def server_hash(keys: Keyring, guild_id: int, user_id: int) -> str:
    """Per (server, person): carries blocks and rate limits; never shown, so no relabelling escapes a block."""
    return keys.tag("server", guild_id, user_id)


@dataclass(frozen=True)
class Draft:
    text: str
    content_warning: str | None


def validate_draft(text: str | None, content_warning: str | None, *, max_length: int) -> Draft:
    """Check what the member typed; every refusal says what to do instead."""
    body = (text or "").strip()
    warning = " ".join((content_warning or "").split()) or None
    if not body:
        raise BadInput(texts.empty_post())
    # A spoilered post needs room for the spoiler marks inside Discord's message limit.
    limit = min(max_length, MESSAGE_LIMIT - (2 * len(SPOILER) if warning else 0))
    if len(body) > limit:
        raise BadInput(texts.too_long(len(body), limit, bool(warning and limit < max_length)))
    if warning is not None and len(warning) > CONTENT_WARNING_MAX:
        raise BadInput(texts.warning_too_long(CONTENT_WARNING_MAX))
    return Draft(body, warning)


def body_of(text: str, content_warning: str | None) -> str:
    """The message content: the words as written, hidden behind a spoiler when there is a warning."""
    return f"{SPOILER}{text}{SPOILER}" if content_warning else text


def label_for(pseudonym_: str, *, op_pseudonym: str | None, thread_labels: Mapping[str, str]) -> str:
    """The author's label inside one thread: OP for the original poster, else a stable "Anonymous N".

    ``thread_labels`` maps each pseudonym already in the thread to its label. Numbers start at 1 (the
    first voice after the OP) and never repeat inside a thread.
    """
    if op_pseudonym is not None and pseudonym_ == op_pseudonym:
        return OP_LABEL
    if pseudonym_ in thread_labels:
        return thread_labels[pseudonym_]
    used = {int(label.rsplit(" ", 1)[1]) for label in thread_labels.values() if label.startswith("Anonymous ")}
    return f"Anonymous {max(used, default=0) + 1}"


def retry_after(recent: Iterable[datetime], *, limit: int, now: datetime) -> timedelta | None:
    """None when one more post fits in the rolling hour, else how long until it does."""
    inside = sorted(t for t in recent if now - t < RATE_WINDOW)
    if limit <= 0:
        return RATE_WINDOW
    if len(inside) < limit:
        return None
    return inside[-limit] + RATE_WINDOW - now


def describe_wait(wait: timedelta) -> str:
    return texts.wait(wait_minutes(wait))


def wait_minutes(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def seal_author(key: bytes, user_id: int, code: str) -> bytes:
    """AES-256-GCM with a fresh random nonce; the post code is bound in as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, str(user_id).encode(), code.encode())


def open_author(key: bytes, sealed: bytes, code: str) -> int | None:
    """The user id, or None when the ciphertext was tampered with or moved to another post."""
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], code.encode())
    except (InvalidTag, ValueError):
        return None
    return int(plain.decode())
