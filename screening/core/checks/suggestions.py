"""Suggestions for correctable mistakes, so the signup form can offer a fix.

``suggestions(normalized)`` maps a field to the value the person probably meant:
a misspelled popular mail domain (``maria@gmial.com`` -> ``maria@gmail.com``, via the
typo detection of :mod:`screening.core.checks.email_domains`) and a country given by
its name in English, Dutch, French or German (``"Belgique"`` -> ``"BE"``). Pure: a
suggestion is only ever offered, never applied.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pycountry
from babel import Locale

from screening.core.checks.email_domains import classify

# The languages a customer may write their country's name in.
_NAME_LOCALES = ("en", "nl", "fr", "de")


def _fold(text: str) -> str:
    """Lower-case, without accents, punctuation or spaces ("Côte d’Ivoire" -> "cotedivoire")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(_fold(value), country.alpha_2)
    for language in _NAME_LOCALES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(_fold(name), code)
    return names


def country_code(text: str) -> str:
    """Return the ISO 3166-1 alpha-2 code a country name (or alpha-3 code) names, or ""."""
    folded = _fold(text)
    if len(folded) < 3:
        return ""
    return _country_names().get(folded, "")


def email_suggestion(email: str) -> str:
    """Return ``email`` with its mail domain's typo corrected, or "" when it looks right."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return ""
    fixed = classify(domain.lower(), domain).typo_suggestion
    return f"{local}@{fixed}" if fixed and fixed != domain.lower() else ""


def suggestions(normalized: Mapping[str, Any]) -> dict[str, str]:
    """Return field -> suggested value for the correctable mistakes in a normalised signup."""
    out: dict[str, str] = {}
    email = normalized.get("email")
    if isinstance(email, str) and email:
        fixed = email_suggestion(email)
        if fixed:
            out["email"] = fixed
    address = normalized.get("address")
    if isinstance(address, Mapping):
        country = address.get("country")
        if isinstance(country, str) and not pycountry.countries.get(alpha_2=country.upper()):
            code = country_code(country)
            if code:
                out["address.country"] = code
    return out
