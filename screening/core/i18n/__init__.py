"""The customer's language: choose it, and translate what a customer reads into it.

Four languages: English (the source texts, :mod:`screening.core.i18n.messages`), Dutch,
French and German, from Babel catalogues compiled into ``locales/`` (package data).
The language is the screening's stored ``language``, then the request's
``Accept-Language``, then English; anything else falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.support import NullTranslations, Translations

from screening.core.i18n import messages
from screening.core.language import DEFAULT, LANGUAGES, supported

__all__ = ["DEFAULT", "LANGUAGES", "choose", "gettext", "negotiate", "supported"]
LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
# Belgium first: dates and country names as a Belgian reader expects them.
_LOCALE = {"en": "en_BE", "nl": "nl_BE", "fr": "fr_BE", "de": "de_BE"}


def negotiate(accept_language: str | None) -> str | None:
    """Return the best supported language of an ``Accept-Language`` header, or None."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = supported(tag)
        if language and quality > 0:
            ranked.append((-quality, index, language))
    return min(ranked)[2] if ranked else None


def choose(*candidates: Any, accept_language: str | None = None) -> str:
    """Return the first supported candidate, else the header's choice, else English."""
    for candidate in candidates:
        language = supported(candidate)
        if language:
            return language
    return negotiate(accept_language) or DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """Return the compiled catalogue of ``language`` (English: the source texts)."""
    if language == DEFAULT or language not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(LOCALES), [language], DOMAIN)


def gettext(language: str, message: str, **values: Any) -> str:
    """Translate ``message`` into ``language`` and fill in its ``{placeholders}``."""
    text = translations(language).ugettext(message)
    return text.format(**values) if values else text


def reason_message(language: str, code: str, fallback: str) -> str:
    """Return the customer's message for reason ``code`` (``fallback``: the rule's own)."""
    english = messages.REASONS.get(code)
    if english is None:
        return fallback
    return translations(language).upgettext(code, english)


def translate_reasons(language: str, reasons: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Return ``{code, field, message}`` for each reason, the message in ``language``.

    Reasons that read the same to the customer (one code, several fields) are told once.
    """
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for reason in reasons:
        code = str(reason["code"])
        message = reason_message(language, code, str(reason.get("message", "")))
        if message in seen:
            continue
        seen.add(message)
        out.append({"code": code, "field": str(reason["field"]), "message": message})
    return out


def country_name(language: str, code: str) -> str:
    """Return the name of an ISO 3166-1 country in ``language`` (the code if unknown)."""
    return Locale.parse(_LOCALE[language]).territories.get(code.upper(), code.upper())


def date_text(language: str, day: Any) -> str:
    """Return a date written out for a reader of ``language`` (1 December 2026)."""
    return format_date(day, format="long", locale=_LOCALE[language])


def notice(language: str, kind: str, **values: Any) -> tuple[str, str]:
    """Return the (subject, body) of a customer notice in ``language``."""
    subject, body = messages.NOTICES[kind]
    return gettext(language, subject), gettext(language, body, **values)


def outcome_text(language: str, outcome: str) -> str:
    english = messages.OUTCOME_TEXT.get(outcome)
    return gettext(language, english) if english else ""
