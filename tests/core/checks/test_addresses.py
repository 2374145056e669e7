"""Spec for screening.core.checks.addresses: country, format, region and junk-value signals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.core.checks.address_rules import KNOWN_COUNTRIES, preload, rules_for
from screening.core.checks.addresses import SIGNALS, check_address

_PY_TYPES = {"bool": bool, "int": int, "float": float, "string": str, "list<string>": list}
_NAMES = {s.name for s in SIGNALS}
_PROBLEMS = (
    "address.postal_code_invalid",
    "address.postal_code_region_mismatch",
    "address.region_invalid",
    "address.placeholder",
    "address.po_box",
)


def _signals(address: dict, phone_region: str | None = None) -> dict:
    result = check_address(address, phone_region=phone_region)
    assert set(result.signals) == _NAMES
    return result.signals


def _addr(country: str, line1: str = "Synthetic Street 12", city: str = "Sampleton", **rest):
    return {"line1": line1, "city": city, "country": country, **rest}


def test_signal_declarations_are_well_formed() -> None:
    assert len(_NAMES) == len(SIGNALS)
    for signal in SIGNALS:
        assert signal.name.startswith("address.")
        assert isinstance(signal.default, _PY_TYPES[signal.type])
        assert signal.description


VALID = [
    ("BE", "Rue de la Loi 16", "Bruxelles", "1000", None),
    ("US", "1600 Amphitheatre Pkwy", "Mountain View", "94043", "CA"),
    ("US", "350 Fifth Avenue", "New York", "10118-0110", "New York"),
    ("CA", "111 Wellington St", "Ottawa", "K1A 0B1", "ON"),
    ("GB", "10 Downing Street", "London", "SW1A 1AA", None),
    ("DE", "Unter den Linden 1", "Berlin", "10117", None),
    ("FR", "1 Rue de Rivoli", "Paris", "75001", None),
    ("NL", "Dam 1", "Amsterdam", "1012 JS", None),
    ("JP", "千代田1-1", "千代田区", "100-0001", "東京都"),
    ("CN", "长安街1号", "北京市", "100000", "北京市"),
    ("IN", "1 MG Road", "Mumbai", "400001", "Maharashtra"),
    ("BR", "Avenida Paulista 1000", "São Paulo", "01310-100", "SP"),
    ("AU", "1 George Street", "Sydney", "2000", "NSW"),
    ("PL", "ul. Marszałkowska 1", "Warszawa", "00-001", None),
    ("IE", "1 O'Connell Street", "Dublin", "D01 F5P2", "Co. Dublin"),
    ("HK", "1 Queen's Road Central", "Central", None, "Hong Kong Island"),
    ("AE", "Sheikh Zayed Road 1", "Dubai", None, "Dubai"),
    ("ES", "Gran Vía 1", "Madrid", "28013", "Madrid"),
    ("IT", "Via del Corso 1", "Roma", "00186", "RM"),
    ("MX", "Paseo de la Reforma 1", "Ciudad de México", "06000", "CDMX"),
    ("KR", "세종대로 1", "서울", "03051", "서울특별시"),
    ("CH", "Bahnhofstrasse 1", "Zürich", "8001", None),
    ("NG", "1 Broad Street", "Lagos", "100001", "Lagos"),
]


@pytest.mark.parametrize(("country", "line1", "city", "postal", "region"), VALID)
def test_valid_addresses_raise_no_flags(
    country: str, line1: str, city: str, postal: str | None, region: str | None
) -> None:
    address = {"line1": line1, "city": city, "country": country}
    if postal:
        address["postal_code"] = postal
    if region:
        address["region"] = region
    signals = _signals(address, phone_region=country)
    assert {name: signals[name] for name in _PROBLEMS} == dict.fromkeys(_PROBLEMS, False)
    assert signals["address.missing_required"] == []
    assert signals["address.country"] == country
    assert signals["address.country_known"]
    assert signals["address.line1_has_number"]
    assert signals["address.phone_region_matches"]
    assert not signals["address.postal_code_missing"]
    assert not signals["address.region_missing"]


@pytest.mark.parametrize(
    ("country", "postal_missing", "region_missing"),
    [
        ("US", True, True),
        ("CA", True, True),
        ("AU", True, True),
        ("JP", True, True),
        ("CN", True, True),
        ("BR", True, True),
        ("IN", True, True),
        ("IE", True, True),  # Eircode is optional but part of the address format
        ("BE", True, False),  # no region in Belgian addresses
        ("DE", True, False),
        ("GB", True, False),
        ("HK", False, True),  # no postal codes
        ("AE", False, True),
    ],
)
def test_missing_postal_code_and_region_are_only_informational(
    country: str, postal_missing: bool, region_missing: bool
) -> None:
    signals = _signals(_addr(country))
    assert signals["address.postal_code_missing"] is postal_missing
    assert signals["address.region_missing"] is region_missing
    assert signals["address.missing_required"] == []
    assert not any(signals[name] for name in _PROBLEMS)


@pytest.mark.parametrize("country", ["XX", "ZZ", "belgium", "Belgium", "BEL", "1", "B", "É1"])
def test_unknown_country_codes(country: str) -> None:
    signals = _signals(_addr(country, postal_code="ABCDE", region="Nowhereland"))
    assert signals["address.country"] == ""
    assert not signals["address.country_known"]
    assert signals["address.missing_required"] == []
    # Nothing to check postal code or region against.
    assert not signals["address.postal_code_invalid"]
    assert not signals["address.region_invalid"]


@pytest.mark.parametrize("country", ["", "   ", None])
def test_missing_country(country: str | None) -> None:
    signals = _signals(_addr("BE") | {"country": country})
    assert signals["address.country"] == ""
    assert not signals["address.country_known"]
    assert signals["address.missing_required"] == ["country"]
    assert signals["address.postal_code_missing"] and signals["address.region_missing"]


def test_lower_case_country_is_accepted() -> None:
    result = check_address(_addr(" be ", postal_code="1000"))
    assert result.signals["address.country"] == "BE"
    assert result.normalized["country"] == "BE"


@pytest.mark.parametrize(
    ("country", "postal", "invalid"),
    [
        ("BE", "ABCDE", True),
        ("BE", "10000", True),
        ("BE", "B-1000", False),  # legacy country prefix
        ("US", "1234", True),
        ("US", "94043-12", True),
        ("US", "94043-1234", False),
        ("GB", "12345", True),
        ("GB", "sw1a 1aa", False),  # case-insensitive
        ("GB", "SW1A1AA", False),
        ("NL", "1012", True),
        ("NL", "1012js", False),
        ("DE", "1011", True),
        ("DE", "D-10117", False),
        ("CA", "K1A 0B", True),
        ("JP", "1000", True),
        ("JP", "1000001", False),
        ("BR", "01310100", False),
        ("PL", "00001", True),  # Polish codes are written with the dash
        ("LU", "L-1234", False),  # Google's own postal prefix
        ("CH", "CH-8001", False),
        ("HK", "000000", False),  # no postal codes: nothing to be wrong about
        ("AE", "00000", False),
    ],
)
def test_postal_code_format(country: str, postal: str, invalid: bool) -> None:
    signals = _signals(_addr(country, postal_code=postal))
    assert signals["address.postal_code_invalid"] is invalid
    assert not signals["address.postal_code_missing"]


@pytest.mark.parametrize(
    ("country", "postal", "region", "mismatch"),
    [
        ("US", "10001", "CA", True),
        ("US", "10001", "California", True),
        ("US", "94043", "NY", True),
        ("US", "94043", "california", False),
        ("US", "10001", "New York", False),
        ("CA", "K1A 0B1", "BC", True),
        ("CA", "V6B 1A1", "British Columbia", False),
        ("AU", "2000", "VIC", True),
        ("AU", "3000", "Victoria", False),
        ("IN", "400001", "Karnataka", True),
        ("IN", "560001", "KA", False),
        ("JP", "100-0001", "Osaka", True),
        ("JP", "530-0001", "大阪府", False),
        ("BR", "01310-100", "RJ", True),
        ("MX", "06000", "Jalisco", True),
        ("ES", "28013", "Barcelona", True),
        ("US", "1234", "CA", False),  # invalid postal code is reported on its own
        ("US", "10001", "Calfornia", False),  # so is an unknown region
        ("DE", "10117", "Bayern", False),  # no per-region data for Germany
        ("ES", "28013", "Cataluña", False),  # known to pycountry only: range unknown
    ],
)
def test_postal_code_against_region(country: str, postal: str, region: str, mismatch: bool) -> None:
    signals = _signals(_addr(country, postal_code=postal, region=region))
    assert signals["address.postal_code_region_mismatch"] is mismatch


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "CA"),
        ("US", "California"),
        ("US", " california "),
        ("US", "US-CA"),
        ("AU", "NSW"),
        ("AU", "New South Wales"),
        ("JP", "東京都"),
        ("JP", "東京"),
        ("JP", "Tokyo"),
        ("JP", "Tokyo-to"),
        ("JP", "13"),
        ("JP", "JP-13"),
        ("JP", "Osaka Prefecture"),
        ("JP", "Hokkaido"),
        ("CN", "北京市"),
        ("CN", "北京"),
        ("CN", "Beijing"),
        ("CN", "广东省"),
        ("CN", "Guangdong"),
        ("CN", "Guangdong Province"),
        ("CN", "Guangxi"),
        ("CN", "Inner Mongolia"),
        ("CA", "QC"),
        ("CA", "Quebec"),
        ("CA", "Québec"),
        ("IN", "MH"),
        ("IN", "Tamil Nadu"),
        ("IE", "Dublin"),
        ("IE", "County Cork"),
        ("MX", "Ciudad de México"),
        ("MX", "Jalisco"),
        ("ES", "M"),
        ("KR", "Seoul"),
        ("KR", "서울"),
        ("BR", "Sao Paulo"),
        ("AE", "دبي"),
        ("AE", "DU"),
        ("HK", "Kowloon"),
        ("HK", "九龍"),
        ("NG", "Lagos State"),
        # No area list: never invalid.
        ("DE", "Bayern"),
        ("GB", "Greater London"),
        ("FR", "Anything"),
    ],
)
def test_regions_by_code_or_name(country: str, region: str) -> None:
    signals = _signals(_addr(country, region=region))
    assert not signals["address.region_invalid"]
    assert not signals["address.region_missing"]


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "Calfornia"),
        ("US", "Bavaria"),
        ("US", "ZZ"),
        ("AU", "Sydney"),
        ("JP", "Tokio"),
        ("CA", "Ontari"),
        ("IN", "Bombay"),
        ("CN", "Canton Province"),
        ("HK", "London"),
    ],
)
def test_unknown_regions(country: str, region: str) -> None:
    assert _signals(_addr(country, region=region))["address.region_invalid"]


@pytest.mark.parametrize(
    ("address", "missing"),
    [
        (_addr("US") | {"city": ""}, ["city"]),
        (_addr("US") | {"line1": None}, ["line1"]),
        (_addr("US") | {"line1": " ", "line2": "Suite 5"}, []),  # line2 counts for line1
        ({"country": "US"}, ["line1", "city"]),
        ({"country": "JP", "line1": "千代田1-1"}, []),  # Japanese format has no city
        ({"country": "HK", "line1": "1 Queen's Road"}, []),  # HK requires no city
        ({"country": "XX"}, ["line1", "city"]),  # worldwide default rules
        ({}, ["line1", "city", "country"]),
    ],
)
def test_missing_required(address: dict, missing: list[str]) -> None:
    assert _signals(address)["address.missing_required"] == missing


@pytest.mark.parametrize(
    ("line1", "city", "country"),
    [
        ("test", "Brussels", "BE"),
        ("Synthetic Street 12", "Test", "BE"),
        ("asdf", "Brussels", "BE"),
        ("asdfgh 1", "Brussels", "BE"),
        ("qwerty", "Brussels", "BE"),
        ("123 Fake Street", "Springfield", "US"),
        ("12 Fake St.", "Springfield", "US"),
        ("1 Test Lane", "Springfield", "US"),
        ("123 Main Street", "Anytown", "US"),
        ("nowhere", "Brussels", "BE"),
        ("N/A", "Brussels", "BE"),
        ("n.a.", "Brussels", "BE"),
        ("Synthetic Street 12", "none", "BE"),
        ("xxx", "Brussels", "BE"),
        ("Rue XXXX 5", "Brussels", "BE"),
        ("street", "Brussels", "BE"),
        ("address", "Brussels", "BE"),
        ("Synthetic Street 12", "City", "BE"),
        ("Synthetic Street 12", "unknown", "BE"),
        ("Lorem ipsum dolor 3", "Brussels", "BE"),
        ("aaaa", "Brussels", "BE"),
        ("1111", "Brussels", "BE"),
        ("Synthetic Street 12", "zzzz", "BE"),
        ("-", "Brussels", "BE"),
        ("...", "Brussels", "BE"),
        ("Synthetic Street 12", "12345", "BE"),  # a city has letters
        ("Synthetic Street 12", "Street", "BE"),
    ],
)
def test_placeholders(line1: str, city: str, country: str) -> None:
    assert _signals({"line1": line1, "city": city, "country": country})["address.placeholder"]


@pytest.mark.parametrize(
    ("line1", "city", "country"),
    [
        ("Main Street 12", "Springfield", "US"),  # Main Street alone is real
        ("123 Main Street", "Springfield", "US"),
        ("Teststraße 5", "Berlin", "DE"),  # "test" inside a longer value is fine
        ("12 Testwood Lane", "Southampton", "GB"),
        ("Via Roma 1", "None", "IT"),  # None, a comune in Piedmont
        ("1 High Street", "Street", "GB"),  # Street, a town in Somerset
        ("12", "Brussels", "BE"),  # a bare house number is not a placeholder
        ("千代田1-1", "千代田区", "JP"),
        ("Rue de la Loi 16", "Bruxelles", "BE"),
    ],
)
def test_not_placeholders(line1: str, city: str, country: str) -> None:
    assert not _signals({"line1": line1, "city": city, "country": country})["address.placeholder"]


@pytest.mark.parametrize(
    ("line", "po_box"),
    [
        ("PO Box 123", True),
        ("P.O. Box 123", True),
        ("p.o.box 123", True),
        ("POBox 12", True),
        ("Post Office Box 5", True),
        ("GPO Box 1234", True),
        ("Locked Bag 5", True),
        ("Box 12", True),  # Swedish and US style
        ("Postfach 10 01 23", True),
        ("Boîte postale 45", True),
        ("BP 45", True),
        ("B.P. 45", True),
        ("Case postale 12", True),
        ("Casella postale 7", True),
        ("Apartado 123", True),
        ("Apdo. 45", True),
        ("Casilla de Correo 45", True),
        ("Postbus 1234", True),
        ("Skrytka pocztowa 12", True),
        ("私書箱12号", True),
        ("Caixa Postal 1234", True),
        ("Абонентский ящик 12", True),
        ("Rue de la Loi 16", False),
        ("Boxhagener Straße 12", False),
        ("12 Box Hill Road", False),
        ("BP station, 12 High St", False),
        ("Apartment 4, 12 High St", False),
        ("Postweg 12", False),
        ("12 Post Street", False),
    ],
)
def test_po_boxes(line: str, po_box: bool) -> None:
    assert _signals(_addr("BE", line1=line))["address.po_box"] is po_box
    assert _signals(_addr("BE", line2=line))["address.po_box"] is po_box


@pytest.mark.parametrize(
    ("line1", "has_number"),
    [("Rue de la Loi 16", True), ("千代田1-1", True), ("شارع ١٢", True), ("High Street", False)],
)
def test_line1_has_number(line1: str, has_number: bool) -> None:
    assert _signals(_addr("BE", line1=line1))["address.line1_has_number"] is has_number


@pytest.mark.parametrize(
    ("country", "phone_region", "matches"),
    [
        ("BE", "BE", True),
        ("BE", "be", True),
        ("BE", "FR", False),
        ("BE", None, True),
        ("BE", "", True),
        ("BE", "ZZ", True),  # unknown phone region
        ("XX", "FR", True),  # unknown address country
        ("", "FR", True),
    ],
)
def test_phone_region_matches(country: str, phone_region: str | None, matches: bool) -> None:
    signals = _signals(_addr(country), phone_region=phone_region)
    assert signals["address.phone_region_matches"] is matches


def test_normalized_trims_without_rewriting() -> None:
    result = check_address(
        {
            "line1": "  Rue  de la\tLoi   16 ",
            "line2": "   ",
            "city": " bruxelles ",
            "postal_code": " 1000 ",
            "region": "",
            "country": " be",
            "unexpected": "dropped",
        }
    )
    assert result.normalized == {
        "line1": "Rue de la Loi 16",
        "city": "bruxelles",
        "postal_code": "1000",
        "country": "BE",
    }


def test_normalized_keeps_given_required_keys_and_only_those() -> None:
    assert check_address({"line1": None, "country": "xx"}).normalized == {
        "line1": "",
        "country": "XX",
    }
    assert check_address({}).normalized == {}
    assert check_address({"postal_code": 1000}).normalized == {"postal_code": "1000"}


def test_signals_never_carry_address_text() -> None:
    signals = _signals(_addr("BE", line1="Synthetic Street 12", city="Sampleton"))
    for value in signals.values():
        if isinstance(value, str):
            assert value in ("", "BE")


def test_rules_compile_for_every_known_country() -> None:
    for country in KNOWN_COUNTRIES:
        rules = rules_for(country)
        assert set(rules.required) <= {"line1", "city"}
        assert set(rules.area_postal) <= set(rules.areas.values())


@pytest.mark.parametrize(
    "address",
    [
        "not a mapping",
        None,
        {"line1": ["a list"], "city": {"a": "dict"}, "country": 32},
        {"line1": "\x00\x01", "city": "\u202e", "country": "\u0130\u0131"},
        {"line1": "🏠" * 200, "city": "🏙", "postal_code": "🏷", "region": "🗺", "country": "🇧🇪"},
        {"line1": "x" * 10_000, "region": "y" * 10_000, "country": "US"},
    ],
)
def test_odd_input_does_not_raise(address: object) -> None:
    result = check_address(address)  # type: ignore[arg-type]
    assert set(result.signals) == _NAMES


_KEYS = st.sampled_from(["line1", "line2", "city", "postal_code", "region", "country", "other"])
_COUNTRIES = st.sampled_from(["US", "BE", "JP", "CN", "IE", "HK", "xx", "gb", ""])


@settings(max_examples=300, deadline=None)
@given(
    address=st.dictionaries(_KEYS, st.one_of(st.none(), st.text(max_size=60)), max_size=7),
    country=st.one_of(st.none(), _COUNTRIES),
    phone_region=st.one_of(st.none(), st.text(max_size=3), _COUNTRIES),
)
def test_property_never_raises_and_signals_are_typed(
    address: dict, country: str | None, phone_region: str | None
) -> None:
    if country is not None:
        address = address | {"country": country}
    result = check_address(address, phone_region=phone_region)
    assert set(result.signals) == _NAMES
    for signal in SIGNALS:
        value = result.signals[signal.name]
        assert type(value) is _PY_TYPES[signal.type]
        if signal.type == "list<string>":
            assert all(type(item) is str for item in value)
    assert set(result.normalized) <= set(address) - {"other"}
    assert all(value == value.strip() for value in result.normalized.values())


def test_preload_compiles_known_countries_and_skips_junk() -> None:
    rules_for.cache_clear()
    preload(frozenset({"BE", "US", "XX", "belgium"}))
    assert rules_for.cache_info().currsize == 2
