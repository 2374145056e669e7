"""Recognise obviously fake phone numbers from their national significant number (NSN).

Four kinds, checked in this order (the first that applies wins):

* ``example_number``: the number is one of the example numbers that the phonenumbers
  library publishes for a region sharing its calling code (any number type). Form
  fillers and test scripts copy these verbatim.
* ``fiction_range``: a range that a numbering authority reserves for films, books and
  drama, so it is never assigned to a subscriber:

  - NANP (+1): NXX-555-0100 to NXX-555-0199 for every area code (also the bare
    seven-digit 555-01XX when no area code was given).
  - UK (+44), Ofcom's drama numbers, 1,000 numbers each: 07700 900xxx, 01632 960xxx,
    020 7946 0xxx, 0113/0114/0115/0116/0117/0118 496 0xxx, 0121/0131/0141/0151/0161
    496 0xxx, 0191 498 0xxx, 028 9649 6xxx, 029 2018 0xxx, 08081 570xxx,
    0909 879 0xxx, 03069 990xxx.
  - Australia (+61), ACMA's fictitious numbers, kept conservative: only the 30
    individually listed mobiles 0491 57x xxx (not the whole 0491 57 block) and the
    geographic blocks 0[2378] 5550 xxxx and 0[2378] 7010 xxxx. ACMA's freephone and
    13/1300 examples are left out because we could not confirm them.
* ``repeated``: one digit seven or more times in a row ("0000000", "1111111").
* ``sequence``: seven or more consecutive digits stepping by +1 or -1, wrapping 9 to 0
  ("1234567", "9876543", "7890123").
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

FAKE_KINDS: tuple[str, ...] = ("example_number", "fiction_range", "repeated", "sequence")

_RUN = 7
_REPEATED = re.compile(r"(\d)\1{" + str(_RUN - 1) + ",}")


def _sequence_windows() -> list[str]:
    """Return every ascending and descending 7-digit window, wrapping 9 to 0."""
    windows = []
    for start in range(10):
        windows.append("".join(str((start + i) % 10) for i in range(_RUN)))
        windows.append("".join(str((start - i) % 10) for i in range(_RUN)))
    return windows


_SEQUENCE = re.compile("|".join(_sequence_windows()))

_UK_FICTION_PREFIXES = (
    "7700900",  # 07700 900xxx, mobile
    "1632960",  # 01632 960xxx, no geographic area
    "2079460",  # 020 7946 0xxx, London
    "1134960",  # 0113 496 0xxx, Leeds
    "1144960",  # 0114 496 0xxx, Sheffield
    "1154960",  # 0115 496 0xxx, Nottingham
    "1164960",  # 0116 496 0xxx, Leicester
    "1174960",  # 0117 496 0xxx, Bristol
    "1184960",  # 0118 496 0xxx, Reading
    "1214960",  # 0121 496 0xxx, Birmingham
    "1314960",  # 0131 496 0xxx, Edinburgh
    "1414960",  # 0141 496 0xxx, Glasgow
    "1514960",  # 0151 496 0xxx, Liverpool
    "1614960",  # 0161 496 0xxx, Manchester
    "1914980",  # 0191 498 0xxx, Tyneside
    "2896496",  # 028 9649 6xxx, Northern Ireland
    "2920180",  # 029 2018 0xxx, Cardiff
    "8081570",  # 08081 570xxx, freephone
    "9098790",  # 0909 879 0xxx, premium rate
    "3069990",  # 03069 990xxx, UK-wide
)
_AU_FICTION_MOBILES = frozenset(
    "491" + tail
    for tail in (
        "570006 570156 570157 570158 570159 570110 570313 570737 571266 571491 "
        "571804 572549 572665 572983 573770 573087 574118 574632 575254 575789 "
        "576398 576801 577426 577644 578957 578148 578888 579212 579760 579455"
    ).split()
)

_FICTION_PATTERNS: dict[int, re.Pattern[str]] = {
    1: re.compile(r"(?:\d{3})?55501\d{2}"),
    44: re.compile("(?:" + "|".join(_UK_FICTION_PREFIXES) + r")\d{3}"),
    61: re.compile(r"[2378](?:5550|7010)\d{4}"),
}

_EXAMPLE_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)


@lru_cache(maxsize=512)
def example_numbers(country_code: int) -> frozenset[str]:
    """Return the NSNs of the library's example numbers for every region using a calling code.

    Built on first use per calling code (loading every region's metadata up front would
    cost ~150 ms at import); the cache is bounded by the ~300 calling codes in use.
    """
    found: set[str] = set()
    for region in phonenumbers.region_codes_for_country_code(country_code):
        if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
            examples = [phonenumbers.example_number_for_non_geo_entity(country_code)]
        else:
            examples = [phonenumbers.example_number_for_type(region, t) for t in _EXAMPLE_TYPES]
        found.update(phonenumbers.national_significant_number(e) for e in examples if e)
    return frozenset(found)


def fake_kind(country_code: int, nsn: str) -> str:
    """Return which kind of obviously fake number ``nsn`` is, or "" if none.

    Args:
        country_code: The calling code of the parsed number, or 0 when it did not parse
            (then only the digit-pattern kinds are checked).
        nsn: The national significant number, or the input's digits when unparsed.
    """
    if country_code:
        if nsn in example_numbers(country_code):
            return "example_number"
        pattern = _FICTION_PATTERNS.get(country_code)
        if pattern is not None and pattern.fullmatch(nsn):
            return "fiction_range"
        if country_code == 61 and nsn in _AU_FICTION_MOBILES:
            return "fiction_range"
    if _REPEATED.search(nsn):
        return "repeated"
    if _SEQUENCE.search(nsn):
        return "sequence"
    return ""
