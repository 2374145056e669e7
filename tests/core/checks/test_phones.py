"""Spec for screening.core.checks.phones: parsing, classification and fake-number signals."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from screening.core.checks.phone_fakes import example_numbers, fake_kind
from screening.core.checks.phones import SIGNALS, check_phone, preload

_PY_TYPES = {"bool": bool, "int": int, "float": float, "string": str, "list<string>": list}
_NAMES = {s.name for s in SIGNALS}


def _signals(phone: str, country: str | None) -> dict:
    result = check_phone(phone, address_country=country)
    assert set(result.signals) == _NAMES
    return result.signals


def _e164(region: str, number_type: int) -> str:
    example = phonenumbers.example_number_for_type(region, number_type)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def test_signal_declarations_are_well_formed() -> None:
    assert len(_NAMES) == len(SIGNALS)
    for signal in SIGNALS:
        assert signal.name.startswith("phone.")
        assert isinstance(signal.default, _PY_TYPES[signal.type])
        assert signal.description


# Synthetic numbers chosen to be valid, outside fiction ranges, not library examples and
# without seven-digit runs: each in national form (address country as default region).
VALID_NUMBERS = [
    ("BE", "0470 58 27 19", "+32470582719", "mobile"),
    ("BE", "02 513 84 21", "+3225138421", "fixed_line"),
    ("NL", "06 4217 3958", "+31642173958", "mobile"),
    ("NL", "020 794 1836", "+31207941836", "fixed_line"),
    ("FR", "06 48 27 39 15", "+33648273915", "mobile"),
    ("FR", "01 42 68 53 07", "+33142685307", "fixed_line"),
    ("DE", "0151 4827 3915", "+4915148273915", "mobile"),
    ("DE", "030 2847 3916", "+493028473916", "fixed_line"),
    ("GB", "07812 482739", "+447812482739", "mobile"),
    ("GB", "0161 837 4926", "+441618374926", "fixed_line"),
    ("US", "(212) 481-3927", "+12124813927", "fixed_line_or_mobile"),
    ("US", "415.829.3746", "+14158293746", "fixed_line_or_mobile"),
    ("IN", "98201 47365", "+919820147365", "mobile"),
    ("IN", "011 2338 4917", "+911123384917", "fixed_line"),
    ("BR", "(11) 98427-3915", "+5511984273915", "mobile"),
    ("BR", "(11) 3284-7391", "+551132847391", "fixed_line"),
    ("CN", "139 1048 2736", "+8613910482736", "mobile"),
    ("CN", "010 6852 9374", "+861068529374", "fixed_line"),
    ("JP", "090-4827-3915", "+819048273915", "mobile"),
    ("JP", "03-3581-4927", "+81335814927", "fixed_line"),
    ("AU", "0412 837 492", "+61412837492", "mobile"),
    ("AU", "02 9374 8261", "+61293748261", "fixed_line"),
    ("NG", "0803 482 7391", "+2348034827391", "mobile"),
    ("NG", "020 3318 4729", "+2342033184729", "fixed_line"),
]


@pytest.mark.parametrize(("country", "national", "e164", "line_type"), VALID_NUMBERS)
def test_valid_numbers_in_national_form(
    country: str, national: str, e164: str, line_type: str
) -> None:
    result = check_phone(national, address_country=country)
    assert result.normalized == e164
    assert result.signals == {
        "phone.missing": False,
        "phone.parsed": True,
        "phone.possible": True,
        "phone.valid": True,
        "phone.line_type": line_type,
        "phone.region": country,
        "phone.country_code": phonenumbers.country_code_for_region(country),
        "phone.matches_address_country": True,
        "phone.fake_pattern": False,
        "phone.fake_kind": "",
        "phone.international_format": False,
    }


@pytest.mark.parametrize(("country", "national", "e164", "line_type"), VALID_NUMBERS)
def test_valid_numbers_in_international_form(
    country: str, national: str, e164: str, line_type: str
) -> None:
    spaced = e164[:3] + " " + e164[3:]
    for text, address_country in [(e164, None), (spaced, country), ("00" + e164[1:], None)]:
        result = check_phone(text, address_country=address_country)
        signals = result.signals
        assert result.normalized == e164
        assert signals["phone.valid"] and signals["phone.international_format"]
        assert signals["phone.line_type"] == line_type
        assert signals["phone.region"] == country
        assert signals["phone.matches_address_country"]
        assert not signals["phone.fake_pattern"]


@pytest.mark.parametrize(
    ("phone", "country", "region", "matches"),
    [
        ("+32 470 58 27 19", "FR", "BE", False),  # Belgian mobile, French address: normal
        ("+32 470 58 27 19", "be", "BE", True),  # address country in any case
        ("+32 470 58 27 19", None, "BE", True),  # no address country
        ("+32 470 58 27 19", "XX", "BE", True),  # junk address country counts as none
        ("+32 470 58 27 19", "Belgium", "BE", True),
        ("+1 613 829 3746", "CA", "CA", True),  # Ottawa number
        ("+1 613 829 3746", "US", "CA", False),  # +1 shared, but CA number
        ("+1 415 829 3746", "CA", "US", False),
        ("+7 912 482 7391", "RU", "RU", True),
        ("+7 701 482 7391", "KZ", "KZ", True),  # KZ under the shared +7
        ("+7 701 482 7391", "RU", "KZ", False),
        ("+44 1481 248 739", "GG", "GG", True),  # Guernsey under the shared +44
        ("+44 7812 482739", "GB", "GB", True),
        ("+44 7812 482739", "FR", "GB", False),
        ("+1 999 482 7391", "US", "", True),  # invalid +1: only the calling code compared
        ("+1 999 482 7391", "BE", "", False),
    ],
)
def test_matches_address_country(
    phone: str, country: str | None, region: str, matches: bool
) -> None:
    signals = _signals(phone, country)
    assert signals["phone.region"] == region
    assert signals["phone.matches_address_country"] is matches


@pytest.mark.parametrize(
    ("region", "number_type", "line_type"),
    [
        ("GB", PhoneNumberType.PREMIUM_RATE, "premium_rate"),
        ("BE", PhoneNumberType.PREMIUM_RATE, "premium_rate"),
        ("US", PhoneNumberType.TOLL_FREE, "toll_free"),
        ("DE", PhoneNumberType.TOLL_FREE, "toll_free"),
        ("GB", PhoneNumberType.VOIP, "voip"),
        ("FR", PhoneNumberType.VOIP, "voip"),
        ("NL", PhoneNumberType.VOIP, "voip"),
        ("FR", PhoneNumberType.SHARED_COST, "shared_cost"),
        ("US", PhoneNumberType.PERSONAL_NUMBER, "personal_number"),
        ("GB", PhoneNumberType.PAGER, "pager"),
        ("GB", PhoneNumberType.UAN, "uan"),
        ("DE", PhoneNumberType.VOICEMAIL, "voicemail"),
    ],
)
def test_line_types_of_library_examples(region: str, number_type: int, line_type: str) -> None:
    signals = _signals(_e164(region, number_type), region)
    assert signals["phone.valid"]
    assert signals["phone.line_type"] == line_type
    # The library's own example numbers are a classic fake signup value.
    assert signals["phone.fake_kind"] == "example_number"
    assert signals["phone.fake_pattern"]


@pytest.mark.parametrize(
    ("phone", "country", "kind"),
    [
        ("(212) 555-0123", "US", "fiction_range"),
        ("+1 415 555 0199", None, "fiction_range"),
        ("+1 613 555 0142", "CA", "fiction_range"),
        ("555-0123", "US", "fiction_range"),  # no area code: unparseable length, still fiction
        ("+1 415 555 0200", None, ""),  # just outside 555-0100..0199
        ("07700 900123", "GB", "fiction_range"),
        ("+44 7700 900999", None, "fiction_range"),
        ("01632 960481", "GB", "fiction_range"),
        ("020 7946 0738", "GB", "fiction_range"),
        ("0113 496 0482", "GB", "fiction_range"),
        ("0191 498 0371", "GB", "fiction_range"),
        ("028 9649 6482", "GB", "fiction_range"),
        ("020 7946 1738", "GB", ""),  # outside the 0xxx block
        ("0491 570 156", "AU", "fiction_range"),
        ("+61 491 579 455", None, "fiction_range"),
        ("0491 570 482", "AU", ""),  # not one of ACMA's listed mobiles
        ("02 5550 4827", "AU", "fiction_range"),
        ("08 7010 4827", "AU", "fiction_range"),
        ("0470 12 34 56", "BE", "sequence"),  # also the shape of BE's example number
        ("0450 00 12 34", "BE", "example_number"),  # phonenumbers' BE mobile example
        ("(201) 555-0123", "US", "example_number"),  # US example, inside 555-01XX too
        ("+49 30 1111111", None, "repeated"),
        ("0470 00 00 00", "BE", "repeated"),
        ("0000000", None, "repeated"),  # unparseable: digits still checked
        ("1111111111", None, "repeated"),
        ("+33 6 98 76 54 32", None, "sequence"),
        ("1234567", None, "sequence"),
        ("+1 212 789 0123", None, "sequence"),  # wraps 9 to 0
        ("+32 470 11 11 12", None, ""),  # six in a row is not enough
        ("+32 470 23 45 67", None, ""),  # six-digit run is not enough
    ],
)
def test_fake_patterns(phone: str, country: str | None, kind: str) -> None:
    signals = _signals(phone, country)
    assert signals["phone.fake_kind"] == kind
    assert signals["phone.fake_pattern"] is bool(kind)


def test_fake_kind_checks_fiction_before_digit_patterns() -> None:
    assert fake_kind(44, "7700900000") == "fiction_range"  # also six zeros
    assert fake_kind(0, "7700900123") == ""  # fiction ranges need a calling code


@pytest.mark.parametrize(
    ("phone", "country", "parsed", "possible", "valid"),
    [
        ("+32 470", None, True, False, False),  # too short
        ("+32 470 58 27 19 55 55", None, True, False, False),  # too long
        ("+1 999 482 7391", None, True, True, False),  # unassigned area code
        ("+999 4827391", None, False, False, False),  # no such calling code
        ("0470 58 27 19", None, False, False, False),  # national form, no address country
        ("0470 58 27 19", "ZZ", False, False, False),
        ("call me", "BE", False, False, False),
        ("abc", None, False, False, False),
        ("555-0123", "US", True, False, False),  # local-only length counts as not possible
    ],
)
def test_invalid_numbers(
    phone: str, country: str | None, parsed: bool, possible: bool, valid: bool
) -> None:
    result = check_phone(phone, address_country=country)
    signals = result.signals
    assert (signals["phone.parsed"], signals["phone.possible"], signals["phone.valid"]) == (
        parsed,
        possible,
        valid,
    )
    assert signals["phone.line_type"] == "unknown"
    assert not signals["phone.missing"]
    if not possible:
        assert result.normalized == phone.strip()
    if not parsed:
        assert signals["phone.country_code"] == 0
        assert signals["phone.region"] == ""
        assert signals["phone.matches_address_country"]


@pytest.mark.parametrize("phone", ["", "   ", "\t\n", "\u00a0"])
def test_missing(phone: str) -> None:
    result = check_phone(phone, address_country="BE")
    assert result.normalized == ""
    assert result.signals == {s.name: s.default for s in SIGNALS} | {"phone.missing": True}


@pytest.mark.parametrize(
    ("phone", "country", "normalized"),
    [
        ("  +32 470 58 27 19  ", None, "+32470582719"),
        ("+32 (0)470 58 27 19", None, "+32470582719"),
        ("\uff0b32 470 58 27 19", None, "+32470582719"),  # full-width plus
        ("0032 470 58 27 19", "BE", "+32470582719"),
        ("0032 470 58 27 19", "US", "+32470582719"),  # 00 even where 011 is the exit code
        ("0011 32 470 58 27 19", "AU", "+32470582719"),  # Australia's own exit code
        ("\u0660\u0664\u0667\u0660\u0665\u0668\u0662\u0667\u0661\u0669", "BE", "+32470582719"),
        ("0470-58-27-19", "BE", "+32470582719"),
        ("  not a number ", "BE", "not a number"),
    ],
)
def test_normalized(phone: str, country: str | None, normalized: str) -> None:
    assert check_phone(phone, address_country=country).normalized == normalized


@pytest.mark.parametrize(
    ("phone", "international"),
    [("+32470582719", True), ("0032470582719", True), ("0470582719", False), ("x", False)],
)
def test_international_format(phone: str, international: bool) -> None:
    assert _signals(phone, "BE")["phone.international_format"] is international


def test_signals_never_carry_the_number() -> None:
    signals = _signals("+32 470 58 27 19", "BE")
    for value in signals.values():
        if isinstance(value, str):
            assert "4705827" not in value


@pytest.mark.parametrize(
    "phone",
    ["+" + "9" * 300, "0" * 1000, "\u202e+32 470 58 27 19", "📞 0470 58 27 19", "\x00\x01\x7f"],
)
def test_odd_input_does_not_raise(phone: str) -> None:
    signals = _signals(phone, "BE")
    assert not signals["phone.missing"]


_PHONEISH = st.text(alphabet="+0123456789 ()-.x", max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    phone=st.one_of(st.text(max_size=200), _PHONEISH),
    country=st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["BE", "US", "gb", "ZZ"])),
)
def test_property_never_raises_and_signals_are_typed(phone: str, country: str | None) -> None:
    result = check_phone(phone, address_country=country)
    assert set(result.signals) == _NAMES
    for signal in SIGNALS:
        assert type(result.signals[signal.name]) is _PY_TYPES[signal.type]
    assert isinstance(result.normalized, str)
    if result.signals["phone.fake_pattern"]:
        assert result.signals["phone.fake_kind"]


@settings(max_examples=300, deadline=None)
@given(phone=_PHONEISH, country=st.sampled_from(["BE", "US", "GB", "CA", "JP", None]))
def test_property_valid_agrees_with_is_valid_number(phone: str, country: str | None) -> None:
    signals = _signals(phone, country)
    try:
        number = phonenumbers.parse(phone.strip(), country)
    except phonenumbers.NumberParseException:
        return
    if phone.strip().startswith("00"):
        return  # rewritten to "+" before parsing, so not the same number object
    assert signals["phone.valid"] is phonenumbers.is_valid_number(number)


def test_preload_fills_the_example_cache_for_every_calling_code() -> None:
    preload()
    assert example_numbers.cache_info().currsize == len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
    assert "2015550123" in example_numbers(1)  # the US example number
