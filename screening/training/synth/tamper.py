"""Fraud patterns as edits of an ordinary person's signup: contact and address patterns, registry.

Each function rewrites only the fields its pattern is about (declared in :data:`TOUCHES`, so
two patterns can be combined when they touch different fields). :data:`BASE` restricts the
ordinary person a pattern starts from where the pattern needs it (a Latin name to put
homoglyphs in, a country whose numbering plan has VoIP ranges).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from functools import cache

from disposable_email_domains import blocklist

from screening.training.synth.addresses import country_rules
from screening.training.synth.emails import pick
from screening.training.synth.fake_names import (
    digits_in_name,
    gibberish_name,
    homoglyph_name,
    keyboard_name,
    placeholder_identity,
    repeated_chars_name,
)
from screening.training.synth.locales import CONTINENT, COUNTRIES, NON_LATIN, Profile
from screening.training.synth.people import Draft
from screening.training.synth.phones import (
    MOBILE,
    PREMIUM_RATE,
    VOIP,
    display,
    fictional_number,
    has_type,
    invalid_number,
    valid_number,
)

_VOIP_COUNTRIES = frozenset(c for c in COUNTRIES if has_type(c, VOIP))
_FICTIONAL_COUNTRIES = frozenset({"US", "GB", "AU"})
_WEBMAIL = (
    ("gmail.com", 50),
    ("outlook.com", 15),
    ("yahoo.com", 10),
    ("hotmail.com", 10),
    ("mail.com", 5),
    ("proton.me", 5),
    ("gmx.com", 5),
)


@cache
def disposable_domains() -> tuple[str, ...]:
    """Return the disposable-domain blocklist sorted, so seeded picks agree across processes."""
    return tuple(sorted(blocklist))


def _random_local(rng: random.Random) -> str:
    alphabet = string.ascii_lowercase + string.digits
    local = [rng.choice(alphabet) for _ in range(rng.randint(8, 14))]
    for i in rng.sample(range(len(local)), 2):
        local[i] = rng.choice(string.digits)
    return "".join(local)


def _phone_of(rng: random.Random, draft: Draft, region: str, ptype: int) -> None:
    number = valid_number(rng, region, ptype)
    # National forms only where the service's default region (the address country) fits.
    national_ok = region == draft.body["address"].get("country")
    draft.body["phone"] = display(rng, number, national_ok=national_ok)


def _voip_region(rng: random.Random, country: str) -> str:
    return country if country in _VOIP_COUNTRIES else rng.choice(sorted(_VOIP_COUNTRIES))


def disposable_email(rng: random.Random, draft: Draft) -> None:
    """Move the mailbox to a disposable domain; some such fraudsters also use a VoIP number."""
    local = draft.body["email"].rsplit("@", 1)[0] if rng.random() < 0.6 else _random_local(rng)
    draft.body["email"] = f"{local}@{rng.choice(disposable_domains())}"
    if rng.random() < 0.3:
        _phone_of(rng, draft, _voip_region(rng, draft.profile.country), VOIP)


def random_local_part(rng: random.Random, draft: Draft) -> None:
    """Use a random mailbox at a big webmail ("xk7q2v9z@gmail.com") and a VoIP number."""
    draft.body["email"] = f"{_random_local(rng)}@{pick(rng, _WEBMAIL)}"
    _phone_of(rng, draft, _voip_region(rng, draft.profile.country), VOIP)


def invalid_phone(rng: random.Random, draft: Draft) -> None:
    """Use a number libphonenumber rejects: too short or long, unassigned range, 1234567890."""
    draft.body["phone"] = invalid_number(rng, draft.profile.country)


def fictional_phone(rng: random.Random, draft: Draft) -> None:
    """Use a number from a range reserved for fiction (US 555-01xx, UK 07700 900xxx)."""
    for _ in range(20):
        region, national, international = fictional_number(rng)
        if region == draft.body["address"].get("country"):
            draft.body["phone"] = national if rng.random() < 0.6 else international
            return
    draft.body["phone"] = international


def premium_phone(rng: random.Random, draft: Draft) -> None:
    """Use a premium-rate number, of the address country where it has them."""
    country = draft.profile.country
    _phone_of(rng, draft, country if has_type(country, PREMIUM_RATE) else "GB", PREMIUM_RATE)


_FAR_PHONES = tuple("NG GH ID VN PH PK BD IN CN BR RU UA US MA KE CM".split())
_CC_MAIL = (
    ("RU", "mail.ru"),
    ("RU", "yandex.ru"),
    ("JP", "yahoo.co.jp"),
    ("BR", "uol.com.br"),
    ("PL", "wp.pl"),
    ("DE", "web.de"),
    ("FR", "orange.fr"),
    ("IT", "libero.it"),
    ("CZ", "seznam.cz"),
    ("IN", "yahoo.co.in"),
    ("UA", "i.ua"),
    ("VN", "yahoo.com.vn"),
    ("ID", "yahoo.co.id"),
    ("KR", "naver.com"),
    ("CN", "163.com"),
)


def inconsistent_countries(rng: random.Random, draft: Draft) -> None:
    """Give a phone from another continent and an email provider of a third country."""
    home = draft.profile.country
    region = rng.choice([r for r in _FAR_PHONES if CONTINENT.get(r) != CONTINENT.get(home)])
    _phone_of(rng, draft, region, MOBILE)
    country, domain = rng.choice([m for m in _CC_MAIL if m[0] not in (home, region)])
    local = draft.body["email"].rsplit("@", 1)[0]
    draft.body["email"] = f"{local}@{domain}"


_WRONG_POSTAL = (
    "ABC 123",
    "1234",
    "12345",
    "123456",
    "AB1 2CD",
    "9999-999",
    "00-000",
    "X1Y2Z3",
    "1234 AB",
    "NA",
    "00000000",
)
_FAKE_STREETS = (
    "123 Fake Street",
    "123 Main St",
    "1 Test Street",
    "asdf",
    "N/A",
    "xxx",
    "Teststraße 1",
    "Rue de Test 1",
    "Street 1",
    "-",
)
_FAKE_CITIES = ("Anytown", "Test", "Nowhere", "Testville", "asdf", "City", "xxx")


def invalid_address(rng: random.Random, draft: Draft) -> None:
    """Break the address: wrong postal format, unknown country, placeholder street, no line 1."""
    address = draft.body["address"]
    rules = country_rules(draft.profile.country)
    kind = rng.randrange(4)
    wrong = [c for c in _WRONG_POSTAL if not rules.valid_postal(c)] if rules.matchers else []
    if kind == 0 and wrong:
        address["postal_code"] = rng.choice(wrong)
    elif kind == 1:
        address["country"] = rng.choice(("XX", "ZZ", "QQ", "AA"))
    elif kind == 2 or kind == 0:
        address["line1"] = rng.choice(_FAKE_STREETS)
        if rng.random() < 0.6:
            address["city"] = rng.choice(_FAKE_CITIES)
    elif rng.random() < 0.5:
        del address["line1"]
    else:
        address["line1"] = ""


APPLY: dict[str, Callable[[random.Random, Draft], None]] = {
    "keyboard_name": keyboard_name,
    "gibberish_name": gibberish_name,
    "placeholder_identity": placeholder_identity,
    "repeated_chars_name": repeated_chars_name,
    "digits_in_name": digits_in_name,
    "homoglyph_name": homoglyph_name,
    "disposable_email": disposable_email,
    "random_local_part": random_local_part,
    "invalid_phone": invalid_phone,
    "fictional_phone": fictional_phone,
    "premium_phone": premium_phone,
    "inconsistent_countries": inconsistent_countries,
    "invalid_address": invalid_address,
}

_NAME = frozenset({"name"})
TOUCHES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "keyboard_name",
            "gibberish_name",
            "repeated_chars_name",
            "digits_in_name",
            "homoglyph_name",
        ),
        _NAME,
    ),
    "placeholder_identity": frozenset({"name", "email"}),
    "disposable_email": frozenset({"email"}),
    "random_local_part": frozenset({"email", "phone"}),
    "invalid_phone": frozenset({"phone"}),
    "fictional_phone": frozenset({"phone"}),
    "premium_phone": frozenset({"phone"}),
    "inconsistent_countries": frozenset({"phone", "email"}),
    "invalid_address": frozenset({"address"}),
}


def _latin(profile: Profile) -> bool:
    return profile.locale not in NON_LATIN


BASE: dict[str, Callable[[Profile], bool]] = {
    "homoglyph_name": _latin,
    "digits_in_name": _latin,
    "repeated_chars_name": _latin,
    "random_local_part": lambda p: p.country in _VOIP_COUNTRIES,
    "fictional_phone": lambda p: p.country in _FICTIONAL_COUNTRIES,
}
