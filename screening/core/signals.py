"""The signal catalogue: every signal rules can read, with its type and meaning.

Check modules declare their signals; this module gathers them in one place so
rule validation, ``GET /v1/rules/signals`` and ``rules/README.md`` agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from screening.core import lists, velocity
from screening.core.checks import (
    Signal,
    SignalValue,
    addresses,
    age,
    contact_countries,
    emails,
    names,
    phones,
)
from screening.core.model import signals as model_signals


def _catalogue(groups: Iterable[tuple[Signal, ...]]) -> Mapping[str, Signal]:
    table: dict[str, Signal] = {}
    for group in groups:
        for signal in group:
            if signal.name in table:
                raise RuntimeError(f"signal {signal.name} is declared twice")
            table[signal.name] = signal
    return MappingProxyType(table)


CATALOGUE: Mapping[str, Signal] = _catalogue(
    (
        names.SIGNALS,
        emails.SIGNALS,
        phones.SIGNALS,
        addresses.SIGNALS,
        age.SIGNALS,
        contact_countries.SIGNALS,
        velocity.SIGNALS,
        lists.SIGNALS,
        model_signals.SIGNALS,
    )
)
GROUPS: frozenset[str] = frozenset(name.split(".", 1)[0] for name in CATALOGUE)


def defaults() -> dict[str, SignalValue]:
    """Return every signal at its default value (used to probe rules)."""
    return {name: _copy(s.default) for name, s in CATALOGUE.items()}


def _copy(value: SignalValue) -> SignalValue:
    return list(value) if isinstance(value, list) else value


def markdown_table() -> str:
    """Render the catalogue as a Markdown table for the analysts' documentation."""
    lines = ["| signal | type | meaning |", "|---|---|---|"]
    for name in sorted(CATALOGUE):
        s = CATALOGUE[name]
        lines.append(f"| `{name}` | {s.type} | {s.description.replace('|', '/')} |")
    return "\n".join(lines)


# --- the signal vector: a decision's values in one fixed order, for replays -----------

# A decision also stores its signal values as a JSON array in this order (its *vector*),
# so a backtest reads one short text per decision instead of extracting dozens of values
# from the signal document. The order is named by its digest; the database keeps each
# order it has used (``signal_layouts``), so adding or removing a signal never misreads
# the vectors stored before.
LAYOUT: tuple[str, ...] = tuple(CATALOGUE)


def layout_digest(names: Iterable[str]) -> str:
    """Return the 16-hex-digit name of a vector order."""
    return hashlib.sha256(json.dumps(list(names)).encode()).hexdigest()[:16]


LAYOUT_DIGEST = layout_digest(LAYOUT)


def vector(signals: Mapping[str, SignalValue]) -> str:
    """Return a decision's signal values in :data:`LAYOUT` order, as compact JSON."""
    return json.dumps([signals.get(name) for name in LAYOUT], separators=(",", ":"))
