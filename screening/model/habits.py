"""What ordinary signups from each country use: free mail providers and foreign phone regions.

People follow local habits: many Georgians and Armenians use mail.ru, many Colombians
yahoo.es, many Belgians of Moroccan descent a Moroccan mobile. A model that flags any
foreign provider or phone would hold those people for being who they are. So training learns,
from the legitimate rows only, which providers and which foreign phone regions are ordinary
for each address country, and which providers are international (used in many countries);
the features then flag only what is unusual for that country. Countries with too few
ordinary signups to tell are not judged.

The table is aggregate counts turned into lists of domains and regions: no personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screening.checks import SignalValue

MIN_ROWS = 100
MIN_SHARE = 0.005
MIN_COUNT = 3
# A provider ordinary people use in this many countries is international (gmail.com,
# icloud.com, proton.me): usual everywhere, however few people of one country use it.
INTERNATIONAL = 10


@dataclass(frozen=True)
class Habits:
    """Per address country: usual free-mail domains and usual foreign phone regions."""

    providers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    phone_regions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    international: frozenset[str] = frozenset()

    @classmethod
    def learn(cls, legitimate: Iterable[Mapping[str, SignalValue]]) -> Habits:
        """Learn the habits from ordinary (legitimate) signups' signals."""
        domains: dict[str, Counter[str]] = {}
        regions: dict[str, Counter[str]] = {}
        for s in legitimate:
            country = s.get("address.country")
            if not (isinstance(country, str) and country and s.get("address.country_known")):
                continue
            domain = s.get("email.domain")
            if s.get("email.free_provider") and isinstance(domain, str) and domain:
                domains.setdefault(country, Counter())[domain] += 1
            region = s.get("phone.region")
            if s.get("phone.valid") and isinstance(region, str) and region:
                regions.setdefault(country, Counter())[region] += 1
        spread = Counter(d for counter in domains.values() for d in counter)
        international = frozenset(d for d, n in spread.items() if n >= INTERNATIONAL)
        return cls(_usual(domains), _usual(regions), international)

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


def _usual(counts: Mapping[str, Counter[str]]) -> dict[str, frozenset[str]]:
    out = {}
    for country, counter in counts.items():
        total = sum(counter.values())
        if total >= MIN_ROWS:
            out[country] = frozenset(
                value for value, n in counter.items() if n >= MIN_COUNT and n / total >= MIN_SHARE
            )
    return out
