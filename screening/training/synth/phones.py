"""Phone numbers for synthetic signups: valid by type, fictional, invalid, and as people type them.

Faker's phone formats are not trusted. Numbers start from libphonenumber's example number for a
region and type. Once per region and type, a search with its own fixed seed finds the number
ranges (destination code plus a digit) that libphonenumber accepts as valid and of the
example's type; each row then draws a range and random trailing digits, kept only if they fit
the type's metadata pattern. libphonenumber's own checks cost 20-300 us per call, which would
make them most of the cost of a row; tests check every generated number with them instead.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat, PhoneNumberType

MOBILE = PhoneNumberType.MOBILE
FIXED_LINE = PhoneNumberType.FIXED_LINE
VOIP = PhoneNumberType.VOIP
PREMIUM_RATE = PhoneNumberType.PREMIUM_RATE

# (country code, national prefix) of ranges reserved for drama and documentation.
_FICTIONAL = ((44, "7700900"), (44, "207946"), (44, "1134960"), (44, "1632960"), (61, "491570"))


@cache
def _example(region: str, ptype: int) -> PhoneNumber | None:
    example = phonenumbers.example_number_for_type(region, ptype)
    if example is None and ptype in (MOBILE, FIXED_LINE):
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return example


def has_type(region: str, ptype: int) -> bool:
    """Tell whether libphonenumber has an example number of ``ptype`` for ``region``."""
    return _example(region, ptype) is not None


def _fictional_digits(code: int, nsn: str) -> bool:
    if code == 1:
        return nsn[3:6] == "555" and nsn[6:8] == "01"
    return any(code == c and nsn.startswith(prefix) for c, prefix in _FICTIONAL)


def is_fictional(number: PhoneNumber) -> bool:
    """Tell whether ``number`` is in a range reserved for fiction (NANP 555-01xx, Ofcom, ACMA)."""
    nsn = phonenumbers.national_significant_number(number)
    return _fictional_digits(number.country_code or 0, nsn)


def _with_digits(example: PhoneNumber, digits: str) -> PhoneNumber:
    number = PhoneNumber(country_code=example.country_code, national_number=int(digits))
    if example.italian_leading_zero:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = example.number_of_leading_zeros
    return number


def _acceptable(number: PhoneNumber, region: str, ptype: int) -> bool:
    """Ask libphonenumber (slowly) whether ``number`` is valid for ``region`` and of ``ptype``."""
    if len(phonenumbers.region_codes_for_country_code(number.country_code or 0)) > 1:
        if phonenumbers.region_code_for_number(number) != region:
            return False
    # number_type is UNKNOWN for an invalid number, so this is also the validity check.
    return phonenumbers.number_type(number) == ptype


@cache
def _shape(region: str, ptype: int) -> Callable[[str], bool]:
    """Return a fast test of national digits against the metadata of ``ptype`` in ``region``."""
    metadata = PhoneMetadata.metadata_for_region(region)
    assert metadata is not None
    desc = {
        MOBILE: metadata.mobile,
        FIXED_LINE: metadata.fixed_line,
        VOIP: metadata.voip,
        PREMIUM_RATE: metadata.premium_rate,
    }[ptype]
    pattern = (desc and desc.national_number_pattern) or (
        metadata.general_desc and metadata.general_desc.national_number_pattern
    )
    fullmatch = re.compile(pattern or r"\d+").fullmatch
    code = metadata.country_code or 0

    def fits(digits: str) -> bool:
        if code == 1 and digits[3:6] == "555":
            return False  # 555 exchanges are unassigned or fictional across North America
        return fullmatch(digits) is not None and not _fictional_digits(code, digits)

    return fits


def _random_digits(rng: random.Random, k: int) -> str:
    return str(rng.randrange(10**k)).zfill(k) if k > 0 else ""


@cache
def _ranges(region: str, ptype: int) -> tuple[str, ...]:
    """Return number ranges (leading digits) libphonenumber accepts for ``region``/``ptype``."""
    example = _example(region, ptype)
    assert example is not None
    nsn = phonenumbers.national_significant_number(example)
    etype = phonenumbers.number_type(example)
    fits = _shape(region, ptype)
    floor = len(nsn) - len(nsn.lstrip("0")) + 1
    ndc = max(floor, phonenumbers.length_of_national_destination_code(example))
    if example.country_code == 1:
        keep, width = 0, 3  # NANP: search area codes
    else:
        # Subscriber ranges of mobile and fixed lines are spread over many destination codes;
        # VoIP and premium-rate ranges are few, so searching past the example's code is waste.
        keep = floor if ptype in (MOBILE, FIXED_LINE) else ndc
        # One digit past the destination code: a mobile range, not just an operator.
        width = ndc + 1
    keep = min(keep, len(nsn) - 3)
    width = min(width, 5, len(nsn) - 3)
    rng = random.Random(f"screening.training.synth.phones/{region}/{ptype}")
    found: set[str] = set()
    checks = 0
    for _ in range(3000):
        digits = nsn[:keep] + _random_digits(rng, len(nsn) - keep)
        if not fits(digits):
            continue
        checks += 1
        if _acceptable(_with_digits(example, digits), region, etype):
            found.add(digits[:width])
        if len(found) >= 24 or checks >= 40:
            break
    return tuple(sorted(found)) or (nsn[:width],)


def valid_number(rng: random.Random, region: str, ptype: int = MOBILE) -> PhoneNumber:
    """Return a random number libphonenumber accepts as valid for ``region`` and of ``ptype``.

    Raises:
        ValueError: if libphonenumber has no example of that type for the region.
    """
    example = _example(region, ptype)
    if example is None:
        raise ValueError("no example number of that type for the region")
    nsn = phonenumbers.national_significant_number(example)
    ranges = _ranges(region, ptype)
    fits = _shape(region, ptype)
    for _ in range(200):
        prefix = rng.choice(ranges)
        digits = prefix + _random_digits(rng, len(nsn) - len(prefix))
        if fits(digits):
            return _with_digits(example, digits)
    return example


def consecutive_numbers(rng: random.Random, region: str, n: int) -> list[PhoneNumber]:
    """Return ``n`` valid mobile numbers of ``region`` whose national numbers follow each other.

    Raises:
        ValueError: if no run of ``n`` consecutive valid numbers was found.
    """
    width = len(str(max(n, 1))) + 1
    fits = _shape(region, MOBILE)
    example = _example(region, MOBILE)
    etype = phonenumbers.number_type(example) if example is not None else MOBILE
    for _ in range(40):
        nsn = phonenumbers.national_significant_number(valid_number(rng, region, MOBILE))
        if len(nsn) <= width + 2:
            break
        start = rng.randrange(10**width - n)
        run = [nsn[:-width] + str(start + i).zfill(width) for i in range(n)]
        if all(fits(digits) for digits in run):
            numbers = [_with_digits(example, digits) for digits in run]  # type: ignore[arg-type]
            if all(_acceptable(number, region, etype) for number in numbers):
                return numbers
    raise ValueError("no run of consecutive valid numbers for the region")


def _national_compact(number: PhoneNumber) -> str:
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit() or ch == "+")


def _national_dotted(number: PhoneNumber) -> str:
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return national.replace(" ", ".") if "(" not in national else national


def display(rng: random.Random, number: PhoneNumber, *, national_ok: bool = True) -> str:
    """Write ``number`` the way people type it: E.164, international, or national forms.

    National forms are only used when ``national_ok`` (the number belongs to the country the
    service will use as default region, that of the address).
    """
    roll = rng.random()
    if roll < 0.3 or (not national_ok and roll < 0.55):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if roll < 0.65 or not national_ok:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if roll < 0.87:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if roll < 0.95:
        return _national_compact(number)
    return _national_dotted(number)


def e164(number: PhoneNumber) -> str:
    """Return ``number`` in E.164."""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def fictional_number(rng: random.Random) -> tuple[str, str, str]:
    """Return (region, national form, international form) of a number reserved for fiction."""
    kind = rng.randrange(4)
    if kind == 0:
        area = rng.choice(("201", "212", "213", "305", "312", "415", "617", "702", "713"))
        line = f"555-01{rng.randrange(100):02d}"
        return "US", f"({area}) {line}", f"+1 {area}-{line}"
    if kind == 1:
        tail = f"900{rng.randrange(1000):03d}"
        return "GB", f"07700 {tail}", f"+44 7700 {tail}"
    if kind == 2:
        tail = f"0{rng.randrange(1000):03d}"
        return "GB", f"020 7946 {tail}", f"+44 20 7946 {tail}"
    tail = rng.choice(("006", "110", "156", "157", "158", "159", "313"))
    return "AU", f"0491 570 {tail}", f"+61 491 570 {tail}"


def invalid_number(rng: random.Random, region: str) -> str:
    """Return a phone string that libphonenumber rejects as invalid for ``region``."""
    for _ in range(40):
        kind = rng.randrange(5)
        if kind == 4:
            text = rng.choice(("123456", "0000000000", "1234567890", "+1234567890", "12345"))
        else:
            digits = phonenumbers.national_significant_number(valid_number(rng, region))
            if kind == 0:
                digits = digits[: -rng.randint(2, 3)]
            elif kind == 1:
                digits += "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 3)))
            elif kind == 2:
                digits = rng.choice("01") + digits[1:]
            else:
                digits = digits[:2] + "0" * (len(digits) - 2)
            code = phonenumbers.country_code_for_region(region)
            text = f"+{code}{digits}" if rng.random() < 0.6 else f"+{code} {digits}"
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return text
        if not phonenumbers.is_valid_number(parsed):
            return text
    return "12345"
