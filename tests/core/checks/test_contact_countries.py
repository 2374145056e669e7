"""Spec for screening.core.checks.contact_countries: mail countries and three countries at once."""

from __future__ import annotations

from datetime import date

import pytest

from screening.config import DEFAULT_POLICY
from screening.core.checks.contact_countries import (
    SIGNALS,
    check_contact_countries,
    mail_country,
    three_countries,
    world_part,
)
from screening.core.evidence import is_weak
from screening.core.pipeline import check
from screening.core.policy import load_policy


@pytest.mark.parametrize(
    ("domain", "country"),
    [
        ("mail.ru", "RU"),
        ("yahoo.co.jp", "JP"),
        ("hotmail.co.uk", "GB"),
        ("i.ua", "UA"),
        ("naver.com", "KR"),
        ("163.com", "CN"),
        ("comcast.net", "US"),
        ("gmail.com", ""),
        ("proton.me", ""),
        ("startup.io", ""),
        ("example.org", ""),
        ("", ""),
        ("localhost", ""),
    ],
)
def test_mail_country(domain: str, country: str) -> None:
    assert mail_country(domain) == country


def test_world_parts_come_from_time_zones() -> None:
    assert world_part("BE") == world_part("RU") == "Europe"
    assert world_part("PH") == world_part("IN") == "Asia"
    assert world_part("AU") == world_part("NZ") == "Pacific"
    assert world_part("US") == world_part("BR") == "America"
    assert world_part("XX") == ""


@pytest.mark.parametrize(
    ("address", "phone", "mail", "odd"),
    [
        ("CH", "PH", "RU", True),  # three countries, the phone from another part of the world
        ("US", "IN", "KR", True),
        ("CH", "PH", "", False),  # an international provider names no country
        ("BE", "MA", "MA", False),  # moved, kept the phone and the mailbox of home
        ("BE", "MA", "BE", False),  # moved, kept the phone only
        ("BE", "NL", "DE", False),  # three countries, all in one part of the world
        ("AM", "FR", "RU", False),  # Russian mail is at home in Armenia
        ("CO", "US", "ES", False),  # Spanish mail is at home in Colombia
        ("AE", "IN", "PK", False),  # one part of the world (Asia)
        ("", "PH", "RU", False),  # no known address country
        ("CH", "", "RU", False),  # no valid phone
    ],
)
def test_three_countries(address: str, phone: str, mail: str, odd: bool) -> None:
    assert three_countries(address, phone, mail) is odd


def test_signals_are_declared_and_weak() -> None:
    result = check_contact_countries("CH", "PH", "mail.ru")
    assert set(result.signals) == {s.name for s in SIGNALS}
    assert result.signals == {"email.domain_country": "RU", "address.three_countries": True}
    # Where someone's contact details come from never declines alone.
    assert all(is_weak(s.name) for s in SIGNALS)


def _signup(email: str, phone: str) -> dict[str, object]:
    return {
        "first_name": "Anna",
        "last_name": "Keller",
        "email": email,
        "phone": phone,
        "address": {"line1": "Bahnhofstrasse 1", "city": "Zürich", "postal_code": "8001",
                    "country": "CH"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("email", "odd"),
    [("anna.keller@mail.ru", True), ("anna.keller@gmail.com", False), ("a.keller@gmail.om", False)],
)
def test_the_pipeline_reads_the_valid_phone_and_a_typo_as_meant(email: str, odd: bool) -> None:
    # A Philippine mobile; "gmail.om" is a slip for gmail.com, not a mailbox in Oman.
    checked = check(
        _signup(email, "+63 917 555 1234"),
        policy=load_policy(DEFAULT_POLICY),
        today=date(2026, 1, 1),
    )
    assert checked.signals["address.three_countries"] is odd
