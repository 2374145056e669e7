"""What real traffic shares without any fraud: homes, offices, phones, and typing slips.

Real people are not independent rows. Several people at one address sign up within the
hour (a household, a shared flat), neighbours on one street do (a new building), colleagues
at one company domain do (a team onboarding), a family shares one landline or mobile, and
people mistype their provider's domain (``gmial.com``, ``gmail.con``). Each group shares one
``actor`` id, so the training timeline puts its rows minutes apart, as it does for bursts,
and the split keeps a group on one side; the label is ``legitimate``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from screening.training.synth.emails import company_domain, local_part
from screening.training.synth.names import generator
from screening.training.synth.people import (
    Draft,
    SyntheticSignup,
    by_country,
    check_count,
    finish,
    ordinary,
    row_seeds,
)

# pattern -> (share of the shared rows, people per group: low, high)
SHARED_PATTERNS: dict[str, tuple[float, int, int]] = {
    "household": (0.30, 2, 5),
    "street_neighbours": (0.15, 2, 5),
    "office": (0.20, 3, 6),
    "family_phone": (0.15, 2, 4),
    "typo_domain": (0.20, 1, 1),
}

_NUMBER = re.compile(r"\d+")
_BIG_PROVIDERS = ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com")


def mistype(rng: random.Random, domain: str) -> str:
    """Return ``domain`` with one slip people make: a swap, a dropped or doubled letter, or
    a mistyped ending ("gmial.com", "gmai.com", "gmaill.com", "gmail.con", "gmail.co")."""
    name, _, suffix = domain.partition(".")
    kind = rng.randrange(5)
    if kind == 0 and len(name) > 3:
        i = rng.randrange(len(name) - 1)
        name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif kind == 1 and len(name) > 3:
        i = rng.randrange(1, len(name))
        name = name[:i] + name[i + 1 :]
    elif kind == 2:
        i = rng.randrange(len(name))
        name = name[: i + 1] + name[i] + name[i + 1 :]
    elif suffix.endswith("com"):
        suffix = suffix[:-3] + rng.choice(("con", "co", "cm", "om", "comm", "vom"))
    else:
        suffix = suffix + suffix[-1]
    return f"{name}.{suffix}"


def _address_of(draft: Draft) -> dict[str, str]:
    return dict(draft.body["address"])


def _rows(seed: int, pattern: str, size: int, group: str) -> list[SyntheticSignup]:
    rng, first = ordinary(seed)
    drafts = [first]
    country = first.profile.country
    accept: Callable[..., bool] = lambda p: p.country == country  # noqa: E731
    for _ in range(1, size):
        _, other = ordinary(rng.getrandbits(64), accept)
        drafts.append(other)
    base = _address_of(first)
    if pattern == "household":
        for d in drafts[1:]:
            d.body["address"] = dict(base)
            if rng.random() < 0.5:  # a family: one surname, each their own mailbox
                d.body["last_name"] = first.body["last_name"]
    elif pattern == "street_neighbours":
        for d in drafts[1:]:
            address = dict(base)
            address["line1"] = _NUMBER.sub(
                lambda m: str(int(m.group(0)) + rng.randint(1, 60)), address["line1"], count=1
            )
            d.body["address"] = address
    elif pattern == "office":
        gen = generator(first.profile.locale)
        gen.seed_instance(seed ^ 0x0FF1CE)
        domain = company_domain(rng, gen, country)
        for d in drafts:
            first_ascii = d.name.first_ascii or "team"
            last_ascii = d.name.last_ascii or first_ascii
            style = rng.random()
            local = (
                f"{first_ascii}.{last_ascii}"
                if style < 0.6
                else f"{first_ascii[0]}{last_ascii}"
                if style < 0.85
                else first_ascii
            )
            d.body["email"] = f"{local}@{domain}"[:254]
    elif pattern == "family_phone":
        for d in drafts[1:]:
            d.body["address"] = dict(base)
            d.body["phone"] = first.body["phone"]
            d.body["last_name"] = first.body["last_name"]
    elif pattern == "typo_domain":
        email = str(first.body["email"])
        local, _, domain = email.rpartition("@")
        if not local or "." not in domain:
            local = local_part(rng, first.name, 1990)
        if "." not in domain or rng.random() < 0.6:
            # Slips matter most at the providers most people use.
            domain = rng.choice(_BIG_PROVIDERS)
        first.body["email"] = f"{local}@{mistype(rng, domain)}"
    actor = group if size > 1 else None
    return [finish(rng, d, "legitimate", pattern, actor) for d in drafts]


def shared(n: int, *, seed: int) -> list[SyntheticSignup]:
    """Return about ``n`` ordinary signups in groups that share an address, a street, a
    company domain or a phone, or with a mistyped provider domain (:data:`SHARED_PATTERNS`).

    Raises:
        ValueError: if ``n`` is negative.
    """
    check_count(n)
    rng = random.Random(f"screening.training.synth.shared/{seed}")
    plan: list[tuple[str, int, int]] = []
    made = 0
    seeds = row_seeds("shared", seed, max(1, n))
    patterns = list(SHARED_PATTERNS)
    weights = [SHARED_PATTERNS[p][0] for p in patterns]
    while made < n:
        pattern = rng.choices(patterns, weights=weights)[0]
        _, low, high = SHARED_PATTERNS[pattern]
        size = min(rng.randint(low, high), n - made)
        row_seed = next(seeds, None)
        if row_seed is None:
            row_seed = rng.getrandbits(64)
        plan.append((pattern, row_seed, size))
        made += size
    built: list[list[SyntheticSignup]] = [[] for _ in plan]
    for i in by_country([(s, None) for _, s, _ in plan]):
        pattern, row_seed, size = plan[i]
        built[i] = _rows(row_seed, pattern, size, f"{pattern}-{seed}-{i}")
    return [row for rows in built for row in rows]
