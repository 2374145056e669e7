"""What ordinary signups from each country use: free mail providers and foreign phone regions.

People follow local habits: many Georgians and Armenians use mail.ru, many Colombians
yahoo.es, many Belgians of Moroccan descent a Moroccan mobile. A model that flags any
foreign provider or phone would hold those people for being who they are. So training learns,
from the legitimate rows only, which providers and which foreign phone regions are ordinary
for each address country, and which providers are international (used in many countries);
the features then flag only what is unusual for that country.

"Unusual" is a statistical claim, and a small country must not be judged on thin evidence:
with 300 ordinary signups from Thailand, a phone region three people in a hundred keep can
easily be missing from the sample, and every Thai with that phone would be flagged while a
big country's sample holds it. So a value is unusual only when the data show, at 99.5%
confidence (the Wilson bound), that fewer than :data:`MIN_SHARE` of the country's ordinary
signups use it; a country whose sample could not show that even for a value never seen
(fewer than :func:`min_rows` signups) is not judged at all.

The table is aggregate counts turned into lists of domains and regions: no personal data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screening.core.checks import SignalValue

MIN_SHARE = 0.005
# One-sided 99.5%: the bound below which a share is shown to lie. Training judges some
# hundreds of (country, value) pairs; at 95% a dozen ordinary habits would come out
# "unusual" by chance alone, and every person with one of them would pay for it.
Z = 2.576
# A provider ordinary people use in this many countries is international (gmail.com,
# icloud.com, proton.me): usual everywhere, however few people of one country use it.
INTERNATIONAL = 10


@dataclass
class HabitCounts:
    """Per address country: how many ordinary signups used each free-mail domain and each
    phone region. Counts add up, so samples counted apart (in worker processes) merge."""

    domains: dict[str, Counter[str]] = field(default_factory=dict)
    regions: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, s: Mapping[str, SignalValue]) -> None:
        """Count one ordinary signup's provider and phone region under its address country."""
        country = s.get("address.country")
        if not (isinstance(country, str) and country and s.get("address.country_known")):
            return
        domain = s.get("email.domain")
        if s.get("email.free_provider") and isinstance(domain, str) and domain:
            self.domains.setdefault(country, Counter())[domain] += 1
        region = s.get("phone.region")
        if s.get("phone.valid") and isinstance(region, str) and region:
            self.regions.setdefault(country, Counter())[region] += 1

    def merge(self, other: HabitCounts) -> HabitCounts:
        """Add ``other``'s counts to these; return self."""
        for mine, theirs in ((self.domains, other.domains), (self.regions, other.regions)):
            for country, counter in theirs.items():
                mine.setdefault(country, Counter()).update(counter)
        return self

    @classmethod
    def of(cls, legitimate: Iterable[Mapping[str, SignalValue]]) -> HabitCounts:
        """Count ordinary signups' signals."""
        counts = cls()
        for s in legitimate:
            counts.add(s)
        return counts


@dataclass(frozen=True)
class Habits:
    """Per address country: usual free-mail domains and usual foreign phone regions."""

    providers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    phone_regions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    international: frozenset[str] = frozenset()

    @classmethod
    def learn(cls, legitimate: Iterable[Mapping[str, SignalValue]]) -> Habits:
        """Learn the habits from ordinary (legitimate) signups' signals."""
        return cls.from_counts(HabitCounts.of(legitimate))

    @classmethod
    def from_counts(cls, counts: HabitCounts) -> Habits:
        """Turn counts into habits: what is usual where enough people show it."""
        spread = Counter(d for counter in counts.domains.values() for d in counter)
        international = frozenset(d for d, n in spread.items() if n >= INTERNATIONAL)
        return cls(_usual(counts.domains), _usual(counts.regions), international)

    def to_dict(self) -> dict[str, dict[str, list[str]]]:
        """Return the habits as plain data (for the artifact)."""
        return {
            "providers": {c: sorted(v) for c, v in sorted(self.providers.items())},
            "phone_regions": {c: sorted(v) for c, v in sorted(self.phone_regions.items())},
            "international": {"*": sorted(self.international)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Habits:
        """Rebuild habits from :meth:`to_dict` output.

        Raises:
            ValueError: if the data is not in that shape.
        """
        out = []
        for key in ("providers", "phone_regions", "international"):
            table = data.get(key)
            if not isinstance(table, Mapping) or not all(
                isinstance(c, str) and isinstance(v, list | tuple) for c, v in table.items()
            ):
                raise ValueError(f"habits.{key} is not a mapping of lists")
            out.append({c: frozenset(str(x) for x in v) for c, v in table.items()})
        return cls(out[0], out[1], out[2].get("*", frozenset()))

    def provider_unusual(self, country: str, domain: str) -> bool:
        """Tell whether a free-mail domain is unusual for the country (False if not judged)."""
        usual = self.providers.get(country)
        return usual is not None and domain not in usual and domain not in self.international

    def phone_unusual(self, country: str, region: str) -> bool:
        """Tell whether a foreign phone region is unusual for the country (False if not judged)."""
        if region == country:
            return False
        usual = self.phone_regions.get(country)
        return usual is not None and region not in usual


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion k/n ((0, 1) when n is 0)."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def upper_share(k: int, n: int, z: float = Z) -> float:
    """Return the upper Wilson bound of the share k/n (1.0 when n is 0)."""
    return wilson(k, n, z)[1]


def min_rows(share: float = MIN_SHARE, z: float = Z) -> int:
    """Return the fewest signups that can show a never-seen value's share is below ``share``."""
    return math.floor(z * z * (1 - share) / share) + 1


def _usual(counts: Mapping[str, Counter[str]]) -> dict[str, frozenset[str]]:
    out = {}
    for country, counter in counts.items():
        total = sum(counter.values())
        if total >= min_rows():
            out[country] = frozenset(
                value for value, n in counter.items() if upper_share(n, total) >= MIN_SHARE
            )
    return out
