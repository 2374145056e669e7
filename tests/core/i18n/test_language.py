"""Choosing the customer's language: explicit choice, stored preference, header, English."""

from __future__ import annotations

import pytest

from screening.core import i18n


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("nl-BE", "nl"),
        ("fr-BE,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("de-BE;q=0.5, nl;q=0.8", "nl"),
        ("es-ES, it;q=0.9", None),
        ("en;q=0, fr;q=0.1", "fr"),
        ("*", None),
        ("nl;q=abc", None),
        ("", None),
        (None, None),
    ],
)
def test_accept_language(header: str | None, language: str | None) -> None:
    assert i18n.negotiate(header) == language


def test_the_first_supported_choice_wins() -> None:
    assert i18n.choose(None, "fr", accept_language="nl") == "fr"
    assert i18n.choose("es", None, accept_language="de-DE") == "de"
    assert i18n.choose("x" * 40, accept_language="pt") == "en"
    assert i18n.choose(7, accept_language=None) == "en"


def test_dates_and_countries_are_written_for_the_reader() -> None:
    from datetime import date

    day = date(2026, 12, 1)
    assert i18n.date_text("nl", day) == "1 december 2026"
    assert i18n.date_text("fr", day) == "1 décembre 2026"
    assert i18n.date_text("de", day) == "1. Dezember 2026"
    assert i18n.country_name("nl", "BE") == "België"
    assert i18n.country_name("fr", "DE") == "Allemagne"


def test_an_unknown_reason_code_keeps_the_rules_own_text() -> None:
    assert i18n.reason_message("nl", "analyst_new_code", "Own text.") == "Own text."
    assert i18n.reason_message("nl", "phone_missing", "x").startswith("Geef een telefoonnummer")


def test_reasons_that_read_the_same_are_told_once() -> None:
    reasons = [
        {"code": "signup_velocity", "field": "signup", "message": "Several (signup)."},
        {"code": "signup_velocity", "field": "email", "message": "Several (email)."},
        {"code": "email_disposable", "field": "email", "message": "Rule text."},
    ]
    told = i18n.translate_reasons("fr", reasons)
    assert [(r["code"], r["field"]) for r in told] == [
        ("signup_velocity", "signup"),
        ("email_disposable", "email"),
    ]
    assert told[0]["message"].startswith("Plusieurs comptes")
