"""Ordinary people for synthetic signups: the legitimate rows, and the base fraud rows start from.

Every row has its own seed, drawn from a stream named after the public call and its seed, so
the same call always returns the same rows and one row never depends on the others' draws.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from screening.training.synth.addresses import build_address
from screening.training.synth.emails import ordinary_email
from screening.training.synth.locales import (
    COUNTRIES,
    DEFAULT_FOREIGN_PHONE,
    FOREIGN_PHONE,
    PROFILES,
    Profile,
    native_script,
)
from screening.training.synth.names import Name, draw_name, generator, script_of
from screening.training.synth.phones import FIXED_LINE, MOBILE, VOIP, display, valid_number

# Ages are computed against a fixed day so that output never depends on when it is generated.
REFERENCE_DATE = date(2025, 1, 1)
_AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 85))
_AGE_WEIGHTS = (12, 22, 20, 18, 14, 14)


@dataclass(frozen=True)
class SyntheticSignup:
    """One labelled synthetic signup: the request body and what generated it."""

    body: dict[str, Any]
    label: str
    pattern: str
    locale: str
    script: str
    actor: str | None = None


@dataclass
class Draft:
    """A row being built: its body, its profile, and the name it was drawn with."""

    body: dict[str, Any]
    profile: Profile
    name: Name


def row_seeds(salt: str, seed: int, n: int) -> Iterator[int]:
    """Yield ``n`` row seeds from the stream named ``salt`` and ``seed``."""
    master = random.Random(f"screening.training.synth.{salt}/{seed}")
    for _ in range(n):
        yield master.getrandbits(64)


def check_count(n: int) -> None:
    """Reject a negative or non-integer row count.

    Raises:
        ValueError: if ``n`` is not a non-negative integer.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError("n must be a non-negative integer")


_WEIGHTS = [p.weight for p in PROFILES]


def pick_profile(rng: random.Random, accept: Callable[[Profile], bool] | None = None) -> Profile:
    """Draw a profile by weight, among those ``accept`` allows (all by default)."""
    if accept is None:
        return rng.choices(PROFILES, weights=_WEIGHTS)[0]
    profiles = [p for p in PROFILES if accept(p)] or list(PROFILES)
    return rng.choices(profiles, weights=[p.weight for p in profiles])[0]


def by_country(keys: list[tuple[int, Callable[[Profile], bool] | None]]) -> list[int]:
    """Return the indices of (row seed, profile filter) pairs ordered by the row's country.

    Rows do not depend on each other, so the order they are built in changes nothing but
    speed: libphonenumber compiles its patterns through ``re``'s 512-entry cache, and rows of
    one country in a row keep that cache warm (mixed countries make it thrash, 3x slower).
    """
    countries = [pick_profile(random.Random(seed), accept).country for seed, accept in keys]
    return sorted(range(len(keys)), key=countries.__getitem__)


def date_of_birth(rng: random.Random) -> str:
    """Return a date of birth, as YYYY-MM-DD, of someone aged 18 to 85 on REFERENCE_DATE."""
    low, high = rng.choices(_AGE_BANDS, weights=_AGE_WEIGHTS)[0]
    age = rng.randint(low, high)
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age - 1) + timedelta(days=1)
    return (earliest + timedelta(days=rng.randint(0, (latest - earliest).days))).isoformat()


_ANY_PHONE_REGION: tuple[str, ...] = tuple(sorted(COUNTRIES))


def _phone(rng: random.Random, country: str) -> str:
    region = country
    if rng.random() < 0.05:
        # People move and keep the mobile from where they came from: mostly the usual
        # origins for the country, sometimes anywhere (so an unusual origin is no proof).
        usual = FOREIGN_PHONE.get(country, DEFAULT_FOREIGN_PHONE)
        pool = usual if rng.random() < 0.85 else _ANY_PHONE_REGION
        region = rng.choice([r for r in pool if r != country])
    ptype = MOBILE if rng.random() < 0.85 else FIXED_LINE
    if ptype == FIXED_LINE and region == "FR" and rng.random() < 0.4:
        # French home lines on internet boxes are 09 numbers, which libphonenumber calls VoIP.
        ptype = VOIP
    return display(rng, valid_number(rng, region, ptype), national_ok=region == country)


def ordinary(
    row_seed: int, accept: Callable[[Profile], bool] | None = None
) -> tuple[random.Random, Draft]:
    """Build an ordinary person from ``row_seed``; return the row's RNG (to go on with) too."""
    rng = random.Random(row_seed)
    profile = pick_profile(rng, accept)
    gen = generator(profile.locale)
    gen.seed_instance(row_seed)
    address_gen = None
    if profile.address_locale is not None:
        address_gen = generator(profile.address_locale)
        if address_gen is not gen:
            address_gen.seed_instance(row_seed ^ 0x5A5A)
    name = draw_name(gen, rng, profile.locale, profile.romanized)
    address = build_address(rng, address_gen, profile)
    dob = date_of_birth(rng) if rng.random() < 0.5 else None
    year = int(dob[:4]) if dob else rng.randint(1950, 2005)
    body: dict[str, Any] = {
        "first_name": name.first,
        "last_name": name.last,
        "email": ordinary_email(rng, gen, name, profile.country, year),
        "phone": _phone(rng, profile.country),
        "address": address,
    }
    if dob:
        body["date_of_birth"] = dob
    if rng.random() < 0.7:
        body["external_ref"] = f"acct_{rng.getrandbits(64):016x}"
    return rng, Draft(body, profile, name)


_WHITESPACE = (" ", "  ", "\t", " \u00a0")
_NOISY_FIELDS = ("first_name", "last_name", "email", "phone", "line1", "city")


def add_noise(rng: random.Random, body: dict[str, Any]) -> None:
    """Add what ordinary typing adds: capitalised emails and stray surrounding whitespace."""
    email = body.get("email")
    if isinstance(email, str) and rng.random() < 0.03:
        body["email"] = email.upper() if rng.random() < 0.5 else email[:1].upper() + email[1:]
    if rng.random() < 0.05:
        field = rng.choice(_NOISY_FIELDS)
        holder = body["address"] if field in ("line1", "city") else body
        if isinstance(holder.get(field), str):
            pad = rng.choice(_WHITESPACE)
            where = rng.randrange(3)
            value = holder[field]
            holder[field] = (
                pad + value if where == 0 else value + pad if where == 1 else pad + value + pad
            )


def finish(
    rng: random.Random, draft: Draft, label: str, pattern: str, actor: str | None = None
) -> SyntheticSignup:
    """Add typing noise and wrap ``draft`` as a labelled signup."""
    add_noise(rng, draft.body)
    first, last = draft.body.get("first_name", ""), draft.body.get("last_name", "")
    if (first.strip(), last.strip()) == (draft.name.first, draft.name.last):
        script = draft.name.script
    else:
        script = script_of(first + last, draft.profile.locale)
    return SyntheticSignup(draft.body, label, pattern, draft.profile.locale, script, actor)


def _writes_in(group: str) -> Callable[[Profile], bool]:
    return lambda profile: native_script(profile) == group


SCRIPT_GROUPS: tuple[str, ...] = tuple(sorted({native_script(p) for p in PROFILES}))


def legitimate_by_script(
    n: int, *, seed: int, groups: Sequence[str] = SCRIPT_GROUPS
) -> list[SyntheticSignup]:
    """Return about ``n`` ordinary people of each script group, for per-script measurements.

    Each group's people come from the locales that write in it (:data:`NATIVE_SCRIPT`),
    by weight; enough are drawn that about ``n`` write in the script after the romanized
    share, who write in Latin letters and stay in the sample. Seeded per group, so a
    group's people do not change when another group's size does, and ``groups`` (a subset
    of :data:`SCRIPT_GROUPS`) draws only those groups' people.

    Raises:
        ValueError: if ``n`` is negative.
    """
    check_count(n)
    keys: list[tuple[int, Callable[[Profile], bool] | None]] = []
    for group in groups:
        members = [p for p in PROFILES if native_script(p) == group]
        romanized = sum(p.weight * p.romanized for p in members) / sum(p.weight for p in members)
        count = math.ceil(n / (1 - romanized))
        accept = _writes_in(group)
        keys += [(s, accept) for s in row_seeds(group, seed, count)]
    out: list[SyntheticSignup | None] = [None] * len(keys)
    for i in by_country(keys):
        rng, draft = ordinary(*keys[i])
        out[i] = finish(rng, draft, "legitimate", "ordinary")
    return [row for row in out if row is not None]


def legitimate(n: int, *, seed: int) -> list[SyntheticSignup]:
    """Return ``n`` ordinary people's signups, labelled "legitimate", pattern "ordinary".

    Raises:
        ValueError: if ``n`` is negative.
    """
    check_count(n)
    seeds = list(row_seeds("legitimate", seed, n))
    out: list[SyntheticSignup | None] = [None] * n
    for i in by_country([(s, None) for s in seeds]):
        rng, draft = ordinary(seeds[i])
        out[i] = finish(rng, draft, "legitimate", "ordinary")
    return [row for row in out if row is not None]
