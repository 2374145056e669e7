"""Fraudulent signups: one named abuse pattern per row, sometimes two, plus one-actor bursts.

Each fraud row starts as an ordinary person (same locales, noise and omissions as legitimate
rows) and then has the fields its pattern touches replaced, so that no single field separates
the classes: a disposable-email fraudster still has a real name, a valid phone and address.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from screening.training.synth import tamper
from screening.training.synth.addresses import house, locality_parts, street_name
from screening.training.synth.emails import provider
from screening.training.synth.locales import NON_LATIN, PROFILES, Profile
from screening.training.synth.names import generator, script_of
from screening.training.synth.people import (
    SyntheticSignup,
    by_country,
    check_count,
    date_of_birth,
    finish,
    legitimate,
    ordinary,
    row_seeds,
)
from screening.training.synth.phones import consecutive_numbers, e164
from screening.training.synth.shared import shared

FRAUD_PATTERNS: tuple[str, ...] = (*tamper.APPLY, "burst")

# Bursts yield 3 to 8 rows each; a low draw weight keeps them near a tenth of fraud rows.
_BURST_WEIGHT = 0.25
_COMBINE_SHARE = 0.25


def _order(pattern: str) -> int:
    touches = tamper.TOUCHES[pattern]
    if "name" in touches:
        return 0
    return 1 if touches == {"email"} else 2 if touches == {"address"} else 3


def _one(row_seed: int, pattern: str, allowed: Sequence[str]) -> SyntheticSignup:
    rng, draft = ordinary(row_seed, tamper.BASE.get(pattern))
    partners = [
        p
        for p in dict.fromkeys(allowed)
        if p in tamper.APPLY and not (tamper.TOUCHES[p] & tamper.TOUCHES[pattern])
    ]
    patterns = [pattern]
    if partners and rng.random() < _COMBINE_SHARE:
        patterns.append(rng.choice(partners))
    # Name patterns go first: they may write a mailbox from the junk name, which an email
    # pattern then moves to its own domain rather than losing. Phone patterns go last: their
    # number must win over the VoIP number some email patterns add, and be written for the
    # address country as it finally is.
    for p in sorted(patterns, key=_order):
        tamper.APPLY[p](rng, draft)
    return finish(rng, draft, "fraud", "+".join(patterns))


def _burst_rows(
    rng: random.Random,
    n: int,
    profile: Profile,
    first: str,
    last: str,
    stem: str,
    domain: str,
    pattern: str,
) -> list[SyntheticSignup]:
    gen = generator(profile.address_locale or profile.locale)
    gen.seed_instance(rng.getrandbits(64))
    address_gen = gen if profile.address_locale else None
    street = street_name(rng, address_gen, profile)
    city, postal, region = locality_parts(rng, address_gen, profile)
    phones = consecutive_numbers(rng, profile.country, n)
    first_house = rng.randint(1, 60)
    actor = f"actor_{rng.getrandbits(48):012x}"
    with_dob = rng.random() < 0.5
    with_region = region is not None and rng.random() < 0.5
    script = script_of(first + last, profile.locale)
    rows = []
    for i in range(n):
        address = {"line1": house(profile.country, street, first_house + i), "city": city}
        if postal:
            address["postal_code"] = postal
        if with_region and region:
            address["region"] = region
        address["country"] = profile.country
        body = {
            "first_name": first,
            "last_name": last,
            "email": f"{stem}{i + 1}@{domain}",
            "phone": e164(phones[i]),
            "address": address,
        }
        if with_dob:
            body["date_of_birth"] = date_of_birth(rng)
        body["external_ref"] = f"acct_{rng.getrandbits(64):016x}"
        rows.append(SyntheticSignup(body, "fraud", pattern, profile.locale, script, actor))
    return rows


def _burst_base(profile: Profile) -> bool:
    return profile.locale not in NON_LATIN


def _random_burst(row_seed: int, n: int, allowed: Sequence[str]) -> list[SyntheticSignup]:
    rng, draft = ordinary(row_seed, _burst_base)
    name = draft.name
    sep = rng.choice((".", "", "_"))
    stem = f"{name.first_ascii or 'user'}{sep}{name.last_ascii}"
    if "disposable_email" in allowed and rng.random() < 0.3:
        domain, pattern = rng.choice(tamper.disposable_domains()), "burst+disposable_email"
    else:
        domain, pattern = provider(rng, draft.profile.country), "burst"
    return _burst_rows(rng, n, draft.profile, name.first, name.last, stem, domain, pattern)


def fraudulent(
    n: int, *, seed: int, patterns: Sequence[str] | None = None
) -> list[SyntheticSignup]:
    """Return ``n`` fraudulent signups, labelled "fraud", drawn from ``patterns``.

    Every allowed pattern appears once before any repeats (so ``n >= len(patterns)`` covers
    them all). A quarter of single-row frauds add a second pattern touching other fields; their
    ``pattern`` reads "first+second". A "burst" yields 3-8 rows sharing an ``actor``.

    Raises:
        ValueError: if ``n`` is negative or a pattern is unknown.
    """
    check_count(n)
    allowed = tuple(FRAUD_PATTERNS if patterns is None else patterns)
    if not allowed or any(p not in FRAUD_PATTERNS for p in allowed):
        raise ValueError(f"patterns must be a non-empty subset of {FRAUD_PATTERNS}")
    master = random.Random(f"screening.training.synth.fraudulent/{seed}")
    first_round = list(dict.fromkeys(allowed))
    master.shuffle(first_round)
    weights = [_BURST_WEIGHT if p == "burst" else 1.0 for p in allowed]
    # Draw the whole plan first (pattern, row seed, rows), then build it country by country.
    plan: list[tuple[str, int, int]] = []
    planned = 0
    while planned < n:
        pattern = first_round.pop() if first_round else master.choices(allowed, weights)[0]
        size = min(n - planned, master.randint(3, 8)) if pattern == "burst" else 1
        plan.append((pattern, master.getrandbits(64), size))
        planned += size
    bases = [(s, _burst_base if p == "burst" else tamper.BASE.get(p)) for p, s, _ in plan]
    built: list[list[SyntheticSignup]] = [[] for _ in plan]
    for i in by_country(bases):
        pattern, row_seed, size = plan[i]
        if pattern == "burst":
            built[i] = _random_burst(row_seed, size, allowed)
        else:
            built[i] = [_one(row_seed, pattern, allowed)]
    return [row for rows in built for row in rows]


_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}")


def burst(
    n: int, *, seed: int, stem: str = "jan.peeters", country: str = "BE"
) -> list[SyntheticSignup]:
    """Return ``n`` signups by one actor: ``stem``1..n at one domain, consecutive phones.

    The name comes from the stem ("jan.peeters" -> Jan Peeters); house numbers increment on one
    street, postal code and city of ``country``. All rows share one ``actor`` id.

    Raises:
        ValueError: if ``n`` is negative, the stem is not a plain mailbox name, or the country
            is not one of the generator's countries.
    """
    check_count(n)
    if not _STEM.fullmatch(stem):
        raise ValueError("stem must be letters, digits, '.', '_' or '-'")
    profiles = [p for p in PROFILES if p.country == country]
    if not profiles:
        raise ValueError("country is not one the generator knows")
    latin = [p for p in profiles if p.locale not in NON_LATIN] or profiles
    profile = max(latin, key=lambda p: p.weight)
    rng = random.Random(next(row_seeds("burst", seed, 1)))
    parts = [p for p in re.split(r"[._-]+", stem) if p]
    first = parts[0].capitalize()
    if len(parts) > 1:
        last = " ".join(p.capitalize() for p in parts[1:])
    else:
        gen = generator(profile.locale)
        gen.seed_instance(rng.getrandbits(64))
        last = gen.last_name()
    domain = provider(rng, country)
    return _burst_rows(rng, n, profile, first, last, stem, domain, "burst")


SHARED_SHARE = 0.06


def population(n: int, *, seed: int, fraud_rate: float = 0.2) -> list[SyntheticSignup]:
    """Return ``n`` signups, ``round(n * fraud_rate)`` of them fraudulent, shuffled.

    Raises:
        ValueError: if ``n`` is negative or ``fraud_rate`` is outside [0, 1].
    """
    check_count(n)
    if not 0.0 <= fraud_rate <= 1.0:
        raise ValueError("fraud_rate must be between 0 and 1")
    n_fraud = round(n * fraud_rate)
    # Some ordinary people share a home, a street, an office or a phone with others, or
    # mistype their provider (synth.shared): real traffic has them, and they are no fraud.
    n_shared = round((n - n_fraud) * SHARED_SHARE)
    rows = (
        legitimate(n - n_fraud - n_shared, seed=seed)
        + shared(n_shared, seed=seed)
        + fraudulent(n_fraud, seed=seed)
    )
    random.Random(f"screening.training.synth.population/{seed}").shuffle(rows)
    return rows
