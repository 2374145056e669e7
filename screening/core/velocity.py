"""Velocity: how many earlier signups share an identifier, over 1 h, 24 h and 7 days.

Identifiers are keyed HMAC pseudonyms (never raw values) of: the normalised
email; the email's local-part stem (digits, separators and +tags stripped) with
its domain; the email domain; the phone (E.164); its number block (the E.164
without its last two digits, for consecutive numbers); the normalised address;
the street without house numbers; and the name with the postal code. The pure
part here derives the keys; :mod:`screening.store.velocity` counts them in the
database or Redis.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from screening.core.checks import Signal, SignalValue

WINDOWS: tuple[tuple[str, int], ...] = (("1h", 3600), ("24h", 86_400), ("7d", 604_800))
MAX_WINDOW = max(seconds for _label, seconds in WINDOWS)
# Counts stop here. Past it the exact number tells a rule nothing (the shipped rules ask
# for at most 20), and counting it would cost time in proportion to traffic: a big mail
# provider's domain is seen on a large share of all signups, and a flood of signups
# sharing one identifier would otherwise make every later count slower.
COUNT_CAP = 100

KINDS: tuple[tuple[str, str], ...] = (
    ("email", "the same normalised email address"),
    (
        "email_stem",
        "the same email local-part stem at the same domain (jan.peeters1@ and "
        "jan.peeters2@ share 'janpeeters')",
    ),
    (
        "email_domain",
        "the same email domain (high for big providers: combine with email.free_provider)",
    ),
    ("phone", "the same phone number"),
    ("phone_block", "a phone number in the same block of 100 (consecutive numbers)"),
    ("address", "the same normalised postal address"),
    ("street", "the same street, postal code and country, ignoring house numbers"),
    ("name_postcode", "the same first and last name with the same postal code"),
)

SIGNALS: tuple[Signal, ...] = tuple(
    Signal(
        f"velocity.{kind}_{label}",
        "int",
        f"Earlier signups in the last {label} with {meaning}, counted up to {COUNT_CAP}; 0 "
        "when the field is missing or the subject's processing is restricted.",
        0,
    )
    for kind, meaning in KINDS
    for label, _seconds in WINDOWS
)

_DIGITS_AND_SEPARATORS = re.compile(r"[\d._\-+]+")
_HOUSE_NUMBER = re.compile(r"\b\d+\s*[a-zA-Z]?\b|\d+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def email_stem(email: str) -> str | None:
    """Return ``stem@domain`` of an email: local part without +tag, digits and separators."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return None
    local = local.split("+", 1)[0]
    stem = _DIGITS_AND_SEPARATORS.sub("", _fold(local))
    return f"{stem}@{_fold(domain)}" if len(stem) >= 3 else None


def identifiers(
    normalized: Mapping[str, Any], signals: Mapping[str, SignalValue]
) -> dict[str, str]:
    """Return the raw identifiers (by kind) that velocity counts; the caller HMACs them."""
    out: dict[str, str] = {}
    email = normalized.get("email")
    if isinstance(email, str) and signals.get("email.valid_syntax"):
        out["email"] = _fold(email)
        stem = email_stem(email)
        if stem:
            out["email_stem"] = stem
        domain = signals.get("email.domain")
        if isinstance(domain, str) and domain:
            out["email_domain"] = domain
    phone = normalized.get("phone")
    if isinstance(phone, str) and phone.startswith("+") and signals.get("phone.possible"):
        out["phone"] = phone
        if len(phone) > 6:
            out["phone_block"] = phone[:-2]
    address = normalized.get("address")
    if isinstance(address, Mapping):
        parts = [str(address.get(k) or "") for k in ("line1", "line2", "postal_code", "city")]
        country = str(address.get("country") or "")
        if parts[0]:
            out["address"] = _fold("|".join([*parts, country]))
            street = _HOUSE_NUMBER.sub("", _fold(parts[0]))
            street = " ".join(street.replace(",", " ").split())
            postal = _fold(parts[2])
            if street and (postal or parts[3]):
                out["street"] = "|".join([street, postal or _fold(parts[3]), country])
        first, last = normalized.get("first_name"), normalized.get("last_name")
        postal = str(address.get("postal_code") or "")
        if isinstance(first, str) and isinstance(last, str) and first and last and postal:
            out["name_postcode"] = _fold(f"{first}|{last}|{postal}|{country}")
    return out


def zero_signals() -> dict[str, SignalValue]:
    return {s.name: 0 for s in SIGNALS}
