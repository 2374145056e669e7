"""Pseudonyms: keyed HMAC-SHA256 of identifiers used for matching, tagged with the key id.

A pseudonym reads ``<key id>:<hex>``. New values use the current key; lookups
try every configured key, so rotating keys keeps old records findable until
their key is retired.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HmacKey:
    """One pseudonymisation key: ``id`` is stored beside every HMAC it made."""

    id: str
    secret: bytes = field(repr=False)  # never in a log line or a traceback


def canonical(kind: str, value: str) -> str:
    """Return the form of an identifier that is hashed: NFKC, trimmed, case-folded."""
    text = unicodedata.normalize("NFKC", value).strip()
    if kind in {"email", "email_domain", "email_stem", "address", "name_postcode"}:
        text = text.casefold()
    return " ".join(text.split())


class Pseudonymizer:
    """Make and match keyed pseudonyms for one set of keys (the first is current)."""

    def __init__(self, keys: Iterable[HmacKey]) -> None:
        self.keys = tuple(keys)
        if not self.keys:
            raise ValueError("at least one HMAC key is required")
        self._by_id = {k.id: k for k in self.keys}

    @property
    def current_id(self) -> str:
        return self.keys[0].id

    def _digest(self, key: HmacKey, kind: str, value: str) -> str:
        # The kind is part of the message, so one value gives unrelated
        # pseudonyms in different roles (an email vs. a list entry's domain).
        message = f"{kind}\x1f{canonical(kind, value)}".encode()
        return hmac.new(key.secret, message, hashlib.sha256).hexdigest()

    def make(self, kind: str, value: str) -> str:
        """Return the pseudonym of ``value`` under the current key."""
        key = self.keys[0]
        return f"{key.id}:{self._digest(key, kind, value)}"

    def candidates(self, kind: str, value: str) -> list[str]:
        """Return the pseudonyms of ``value`` under every configured key (for lookups)."""
        return [f"{k.id}:{self._digest(k, kind, value)}" for k in self.keys]

    def matches(self, pseudonym: str, kind: str, value: str) -> bool:
        """Tell whether ``pseudonym`` was made from ``value`` by any configured key."""
        key_id, _, digest = pseudonym.partition(":")
        key = self._by_id.get(key_id)
        return key is not None and hmac.compare_digest(digest, self._digest(key, kind, value))
