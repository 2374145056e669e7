"""The pseudonyms a signup is matched by, computed once per request and per key.

Velocity counts, list lookups, the restriction check and the stored decision all match
a signup by keyed HMACs of the same few values (the email, the phone, the address...).
:func:`identify` computes each distinct one once, under every configured key, and hands
them out as one value, :class:`Identifiers`. Raw values never leave this module's callers'
memory: only pseudonyms (and, for lists, email domains, which are not personal) do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from screening.core.checks import SignalValue
from screening.core.lists import screening_values
from screening.core.pseudonyms import Pseudonymizer, canonical
from screening.core.velocity import identifiers as velocity_values

# The kinds a subject (a data-subject rights request) is named by.
SUBJECT_KINDS = ("email", "external_ref")


class Pseudonym(NamedTuple):
    """One identifier's stored form (under the current key) and every form that matches it."""

    current: str
    every: tuple[str, ...]


@dataclass(frozen=True)
class Identifiers:
    """Everything one signup is matched by.

    Attributes:
        velocity: by velocity kind (``email``, ``phone_block``...), what velocity counts.
        listed: by list kind (``email``, ``email_domain``, ``phone``, ``address``), the keys
            of each value the block and allow lists can hold (domains stay plain names).
        email: the email's pseudonym (stored on the decision, for rights requests).
        external_ref: the host's account id's pseudonym (likewise).
    """

    velocity: Mapping[str, Pseudonym]
    listed: Mapping[str, tuple[Pseudonym, ...]]
    email: Pseudonym | None
    external_ref: Pseudonym | None

    @property
    def subject(self) -> tuple[str, ...]:
        """Every pseudonym a restriction or objection of this signup's subject may be under."""
        return tuple(k for p in (self.email, self.external_ref) if p is not None for k in p.every)


class _Memo:
    """HMACs of (kind, canonical value), each computed once under every key."""

    def __init__(self, pseudonyms: Pseudonymizer) -> None:
        self._pseudonyms = pseudonyms
        self._seen: dict[tuple[str, str], Pseudonym] = {}

    def __call__(self, kind: str, value: str) -> Pseudonym:
        key = (kind, canonical(kind, value))
        found = self._seen.get(key)
        if found is None:
            every = tuple(self._pseudonyms.candidates(kind, value))
            found = self._seen[key] = Pseudonym(every[0], every)
        return found


def plain(value: str) -> Pseudonym:
    """Return a value that lists keep as itself (an email domain) in the shape of a pseudonym."""
    return Pseudonym(value, (value,))


def identify(
    normalized: Mapping[str, Any],
    signals: Mapping[str, SignalValue],
    pseudonyms: Pseudonymizer,
) -> Identifiers:
    """Return the pseudonyms of one checked signup (``Checked.normalized`` and its signals)."""
    memo = _Memo(pseudonyms)
    velocity = {
        kind: memo(kind, value) for kind, value in velocity_values(normalized, signals).items()
    }
    listed = {
        kind: tuple(plain(v) if kind == "email_domain" else memo(kind, v) for v in values)
        for kind, values in screening_values(normalized, signals).items()
    }
    subject: dict[str, Pseudonym | None] = {}
    for kind in SUBJECT_KINDS:
        value = normalized.get(kind)
        subject[kind] = memo(kind, value) if isinstance(value, str) and value.strip() else None
    return Identifiers(
        velocity=velocity,
        listed=listed,
        email=subject["email"],
        external_ref=subject["external_ref"],
    )
