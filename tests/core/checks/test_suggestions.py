"""Suggestions for correctable mistakes: mail-domain typos and countries given by name."""

from __future__ import annotations

import pytest

from screening.core.checks.suggestions import country_code, email_suggestion, suggestions


@pytest.mark.parametrize(
    ("email", "suggested"),
    [
        ("maria.janssens@gmial.com", "maria.janssens@gmail.com"),
        ("maria.janssens@gmail.con", "maria.janssens@gmail.com"),
        ("jan@hotmial.be", "jan@hotmail.be"),
        ("maria.janssens@gmail.com", ""),
        ("jan@telenet.be", ""),
        ("not-an-email", ""),
        ("@gmial.com", ""),
    ],
)
def test_mail_domain_typos(email: str, suggested: str) -> None:
    assert email_suggestion(email) == suggested


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Belgium", "BE"),
        ("Belgique", "BE"),
        ("belgië", "BE"),
        ("BELGIEN", "BE"),
        ("Pays-Bas", "NL"),
        ("Nederland", "NL"),
        ("Deutschland", "DE"),
        ("Côte d’Ivoire", "CI"),
        ("BEL", "BE"),
        ("Atlantis", ""),
        ("B", ""),
    ],
)
def test_countries_by_name(name: str, code: str) -> None:
    assert country_code(name) == code


def test_a_known_code_gets_no_suggestion() -> None:
    assert suggestions({"email": "a@example.be", "address": {"country": "BE"}}) == {}
    assert suggestions({"address": {"country": "Belgique"}}) == {"address.country": "BE"}
