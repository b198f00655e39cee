"""Keys derived from ``HEARTH_SECRET_KEY``: one per purpose, never stored in the database."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Keyring:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the secret key must be at least 32 bytes")
        self._secret = secret
        self._cache: dict[str, bytes] = {}

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose (e.g. "pseudonym", "break-glass"); the same purpose gives the same key."""
        if purpose not in self._cache:
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hearth/v1", info=purpose.encode())
            self._cache[purpose] = hkdf.derive(self._secret)
        return self._cache[purpose]

    def tag(self, purpose: str, *parts: int | str) -> str:
        """HMAC-SHA256 of the parts under the purpose's key, hex: stable, unlinkable across purposes."""
        message = "\x1f".join(str(p) for p in parts).encode()
        return hmac.new(self.derive(purpose), message, hashlib.sha256).hexdigest()
