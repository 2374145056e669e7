"""Check a submitted phone number: parse it, classify it, and spot obviously fake numbers.

The number is parsed once with the phonenumbers library, using the address country as
the default region so national formats ("0470 12 34 56" with BE) work. Nothing here
raises on any input, and no signal carries the number itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberType

from screening.core.checks import CheckResult, Signal, SignalValue
from screening.core.checks.phone_fakes import example_numbers, fake_kind

SIGNALS: tuple[Signal, ...] = (
    Signal("phone.missing", "bool", "True when the phone field is empty after trimming.", False),
    Signal(
        "phone.parsed",
        "bool",
        "True when phonenumbers could read a calling code and digits from the input.",
        False,
    ),
    Signal(
        "phone.possible",
        "bool",
        "True when the number has a possible length for a full number of its country "
        "(phonenumbers is_possible_number, except that local-only lengths such as a US "
        "number without area code count as not possible).",
        False,
    ),
    Signal(
        "phone.valid",
        "bool",
        "True when the number matches an assigned number range of its country "
        "(is_valid_number); it does not mean the line is in service.",
        False,
    ),
    Signal(
        "phone.line_type",
        "string",
        'Number type from phonenumbers: "mobile", "fixed_line", "fixed_line_or_mobile", '
        '"voip", "toll_free", "premium_rate", "shared_cost", "personal_number", "pager", '
        '"uan", "voicemail", or "unknown" (invalid or unparsed numbers).',
        "unknown",
    ),
    Signal(
        "phone.region",
        "string",
        'ISO 3166-1 alpha-2 region the number belongs to ("" when unknown, unparsed or '
        "non-geographic such as +800).",
        "",
    ),
    Signal(
        "phone.country_code",
        "int",
        "International calling code of the number (32 for +32); 0 when unparsed.",
        0,
    ),
    Signal(
        "phone.matches_address_country",
        "bool",
        "True when the number belongs to the address country (including numbers valid for "
        "it under a shared calling code, e.g. a CA number under +1); also True when there "
        "is no usable address country or the number did not parse. Informational.",
        True,
    ),
    Signal(
        "phone.fake_pattern",
        "bool",
        "True when the number is obviously fake: see phone.fake_kind.",
        False,
    ),
    Signal(
        "phone.fake_kind",
        "string",
        'Why the number looks fake, first match wins: "example_number" (phonenumbers\' '
        'published example), "fiction_range" (US 555-01XX, Ofcom drama, ACMA fiction), '
        '"repeated" (one digit 7+ times in a row), "sequence" (7+ consecutive ascending or '
        'descending digits); "" when not fake.',
        "",
    ),
    Signal(
        "phone.international_format",
        "bool",
        'True when the input started with "+" or "00" (informational).',
        False,
    ),
)

_LINE_TYPES: dict[int, str] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

# phonenumbers refuses longer input itself; cutting earlier bounds our own regex work too.
_MAX_LEN = 250
_NON_DIGIT = re.compile(r"\D")
_E164 = phonenumbers.PhoneNumberFormat.E164
_IS_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
_SUPPORTED_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)
_DEFAULTS: dict[str, SignalValue] = {s.name: s.default for s in SIGNALS}

# Keep phonenumbers' compiled metadata patterns (~1,900 of them, ~3 MB) rather than rely on
# the re module's 512-entry cache: once numbers from many regions have been seen, evicted
# patterns were recompiled inside requests (8 ms for one GB mobile). Process-wide, bounded.
phonenumbers.enable_pattern_cache()


@lru_cache(maxsize=512)
def _idd(region: str) -> re.Pattern[str] | None:
    """Return the compiled international dialling prefix pattern of a region."""
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or not metadata.international_prefix:
        return None
    return re.compile(metadata.international_prefix)


def _default_region(address_country: str | None) -> str | None:
    """Return the address country usable as phonenumbers' default region, else None."""
    if not isinstance(address_country, str):
        return None
    region = address_country.strip().upper()
    return region if region in _SUPPORTED_REGIONS else None


def _with_plus(text: str, region: str | None) -> str:
    """Rewrite a leading "00" as "+" unless the default region itself dials out with 00.

    Without this, "0032 ..." fails with no default region and is misread as a national
    number in regions whose exit code is not 00 (011 in the US, 0011 in Australia).
    """
    if not text.startswith("00"):
        return text
    if region is not None:
        idd = _idd(region)
        if idd is not None and idd.match(_NON_DIGIT.sub("", text)):
            return text
    return "+" + text[2:]


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    """Parse once; return None on any failure, library bugs included."""
    if len(text) > _MAX_LEN:
        return None
    try:
        return phonenumbers.parse(_with_plus(text, region), region)
    except Exception:  # NumberParseException or any library error: never raise
        return None


def _matches(number: PhoneNumber, number_region: str, valid: bool, country: str | None) -> bool:
    """Return whether the number belongs to the address country (True when unknown)."""
    if country is None or number_region == country:
        return True
    if valid:
        # Shared calling codes: region_code_for_number picks one region (US for +1), but
        # the number may be valid for another that shares it (CA, or GG under +44).
        return phonenumbers.is_valid_number_for_region(number, country)
    # An invalid number has no reliable region: only the calling code can be compared.
    return number.country_code == phonenumbers.country_code_for_region(country)


def check_phone(phone: str, *, address_country: str | None) -> CheckResult:
    """Check one submitted phone number.

    Args:
        phone: The phone number as typed, in any format.
        address_country: ISO 3166-1 alpha-2 code of the postal address (any case), used as
            the default region for national formats; junk or None means "unknown".

    Returns:
        The number in E.164 form (e.g. "+32470123456") when it parses and is possible,
        else the trimmed input, and the ``phone.*`` signals.
    """
    text = phone.strip() if isinstance(phone, str) else ""
    signals = dict(_DEFAULTS)
    if not text:
        signals["phone.missing"] = True
        return CheckResult(normalized=text, signals=signals)

    region = _default_region(address_country)
    signals["phone.international_format"] = text.startswith(("+", "\uff0b", "00"))
    number = _parse(text, region)
    if number is None:
        digits = _NON_DIGIT.sub("", text[:_MAX_LEN])
        kind = fake_kind(0, digits)
        signals["phone.fake_pattern"] = bool(kind)
        signals["phone.fake_kind"] = kind
        return CheckResult(normalized=text, signals=signals)

    country_code = int(number.country_code or 0)
    try:
        # is_possible_number also accepts local-only lengths ("555-0123" in the US), whose
        # E.164 form ("+15550123") is not a dialable number.
        possible = phonenumbers.is_possible_number_with_reason(number) == _IS_POSSIBLE
        # number_type is UNKNOWN exactly when is_valid_number is False (both run the same
        # pattern check against the same metadata), so one call gives both.
        number_type = phonenumbers.number_type(number)
        valid = number_type != PhoneNumberType.UNKNOWN
        found = phonenumbers.region_code_for_number(number) or ""
        number_region = found if len(found) == 2 and found.isalpha() else ""
        matches = _matches(number, number_region, valid, region)
        kind = fake_kind(country_code, phonenumbers.national_significant_number(number))
        normalized = phonenumbers.format_number(number, _E164) if possible else text
    except Exception:  # a library bug must not fail the signup check
        signals["phone.parsed"] = True
        signals["phone.country_code"] = country_code
        return CheckResult(normalized=text, signals=signals)

    signals.update(
        {
            "phone.parsed": True,
            "phone.possible": possible,
            "phone.valid": valid,
            "phone.line_type": _LINE_TYPES.get(number_type, "unknown"),
            "phone.region": number_region,
            "phone.country_code": country_code,
            "phone.matches_address_country": matches,
            "phone.fake_pattern": bool(kind),
            "phone.fake_kind": kind,
        }
    )
    return CheckResult(normalized=normalized, signals=signals)


def preload() -> None:
    """Warm all phone metadata, patterns and example numbers (~1 s), e.g. at worker start-up.

    Otherwise the first number seen for each calling code pays 1-20 ms of lazy loading
    and regex compilation inside a signup check.
    """
    for country_code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        example_numbers(country_code)
    national = phonenumbers.PhoneNumberFormat.NATIONAL
    for region in sorted(_SUPPORTED_REGIONS):
        for number_type in _LINE_TYPES:
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is not None:
                text = phonenumbers.format_number(example, national)
                check_phone(text, address_country=region)
