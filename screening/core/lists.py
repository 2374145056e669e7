"""Block and allow lists, the pure part: list signals and the canonical form of listed values.

A listed value is put in the form the screening path sees, so an entry
matches exactly the signups it names: an email as ``check_email`` normalises
it, lower-cased; an email domain as the ``email.domain`` signal has it
(ASCII, lower-case); a phone in E.164; an address in the canonical form
velocity counts (``screening.core.velocity.identifiers``). :mod:`screening.store.lists`
keeps entries as keyed pseudonyms of these forms (domains as plain names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from screening.core.checks import Signal, SignalValue
from screening.core.checks.addresses import check_address
from screening.core.checks.emails import check_email
from screening.core.checks.phones import check_phone
from screening.core.velocity import identifiers
from screening.core.vocabulary import LIST_KINDS

KINDS = LIST_KINDS
_SIGNAL_KIND = {"email": "email", "email_domain": "domain", "phone": "phone", "address": "address"}
_MEANING = {
    "email": "the signup's email address (normalised, case-insensitive)",
    "email_domain": "the email's domain or a parent domain (example.com also covers "
    "mail.example.com)",
    "phone": "the signup's phone number (E.164)",
    "address": "the signup's postal address (normalised: trimmed, case-insensitive)",
}

SIGNALS: tuple[Signal, ...] = (
    *(
        Signal(
            f"list.{_SIGNAL_KIND[kind]}_{state}",
            "bool",
            f"True if {_MEANING[kind]} is on the {name} list (an entry not yet expired).",
            False,
        )
        for kind in KINDS
        for name, state in (("block", "blocked"), ("allow", "allowed"))
    ),
    Signal("list.blocked", "bool", "True if any list.*_blocked signal is true.", False),
    Signal("list.allowed", "bool", "True if any list.*_allowed signal is true.", False),
)


_DURATION = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNITS = {"h": 3600, "d": 86_400, "w": 604_800}


def expiry(text: str, now: datetime) -> datetime:
    """Return when an entry expires: ``30d`` / ``12h`` / ``2w`` from ``now``, or an ISO time.

    Raises:
        ValueError: neither form, or not in the future.
    """
    match = _DURATION.match(text)
    if match:
        return now + timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expiry must be a duration (30d, 12h, 2w) or an ISO time") from None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when <= now:
        raise ValueError("expiry must be in the future")
    return when


def signal_name(list_name: str, kind: str) -> str:
    """Return the signal a match of ``kind`` on ``list_name`` sets, e.g. ``list.phone_blocked``."""
    state = "blocked" if list_name == "block" else "allowed"
    return f"list.{_SIGNAL_KIND[kind]}_{state}"


def canonical(kind: str, value: Any, *, country: str | None = None) -> str:
    """Return a value to list in the form the screening path matches it in.

    Args:
        kind: ``email``, ``email_domain``, ``phone`` or ``address``.
        value: text, or for an address a mapping of line1, line2, city, postal_code, country.
        country: for a phone in national format, the ISO country it belongs to.

    Raises:
        ValueError: the value is not a usable one of its kind (the message names the kind,
            never the value).
    """
    if kind == "address":
        if not isinstance(value, Mapping):
            raise ValueError("an address must be an object with line1, city, postal_code, country")
        fields = {k: v for k, v in value.items() if isinstance(v, str)}
        found = identifiers({"address": check_address(fields).normalized}, {}).get("address")
        if not found:
            raise ValueError("an address needs at least line1")
        return found
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a {kind.replace('_', ' ')} must be non-empty text")
    if kind == "email":
        result = check_email(value)
        if not result.signals["email.valid_syntax"]:
            raise ValueError("the email address is not valid")
        return str(result.normalized).lower()
    if kind == "email_domain":
        domain = email_domain(f"postmaster@{value.strip().lstrip('@')}")
        if not domain or "." not in domain:
            raise ValueError("the email domain is not valid")
        return domain
    if kind == "phone":
        result = check_phone(value, address_country=country)
        normalized = str(result.normalized)
        if not result.signals["phone.possible"] or not normalized.startswith("+"):
            raise ValueError("the phone number is not a possible number (give +country code)")
        return normalized
    raise ValueError(f"unknown list kind {kind!r}")


def email_domain(email: str) -> str:
    """Return an email's domain as the ``email.domain`` signal has it (ASCII, lower-case)."""
    return str(check_email(email).signals["email.domain"])


def domains_to_match(domain: str) -> list[str]:
    """Return a domain and its parent domains, without the bare top-level domain."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)] if domain else []


def screening_values(
    normalized: Mapping[str, Any], signals: Mapping[str, SignalValue] | None = None
) -> dict[str, list[str]]:
    """Return, by kind, the canonical values of one screened signup that lists can match.

    Args:
        normalized: the signup's normalised fields (``Checked.normalized``).
        signals: its signals, if at hand (saves parsing the email's domain again).
    """
    out: dict[str, list[str]] = {}
    email = normalized.get("email")
    if isinstance(email, str) and "@" in email:
        out["email"] = [email.strip().lower()]
        domain = (signals or {}).get("email.domain")
        if not isinstance(domain, str):
            domain = email_domain(email)
        if domain:
            out["email_domain"] = domains_to_match(domain)
    phone = normalized.get("phone")
    if isinstance(phone, str) and phone.startswith("+"):
        out["phone"] = [phone]
    address = identifiers({"address": normalized.get("address")}, {}).get("address")
    if address:
        out["address"] = [address]
    return out


def no_matches() -> dict[str, SignalValue]:
    return {s.name: False for s in SIGNALS}
