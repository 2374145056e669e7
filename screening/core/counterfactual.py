"""What would have changed an automated decision: one field corrected at a time.

For each field a customer can correct (name, email, phone, address), the recorded
signals are re-evaluated with that field's signals set to their ordinary values,
against the rule set and model that made the decision. A field whose correction
alone gives a better outcome is named. Pure and fast: four rule evaluations and
four model scores, no I/O.

Only the field and the outcome it would give leave this module: never a score,
a rule or a threshold, which would teach a fraudster what to change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from screening.core.checks import SignalValue
from screening.core.decide import decide
from screening.core.rules.ruleset import RuleSet
from screening.core.signals import CATALOGUE

Scorer = Callable[[Mapping[str, SignalValue]], float]

# The signal groups a customer corrects by correcting one field. Age is left out on
# purpose: inviting a different date of birth invites a false one. Velocity and list
# signals are not the person's to correct.
FIELDS: Mapping[str, str] = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "address": "address",
}
RANK = {"approve": 0, "review": 1, "decline": 2}

# The catalogue's defaults describe a field that was not submitted; for the validity
# flags that is "not valid", which is not what a corrected field looks like.
ORDINARY: Mapping[str, SignalValue] = {
    "email.valid_syntax": True,
    "email.domain_resolves": "yes",
    "phone.parsed": True,
    "phone.possible": True,
    "phone.valid": True,
    "phone.line_type": "mobile",
    "address.country_known": True,
}
# Descriptive signals (lengths, scripts, where a number or address is from) keep their
# recorded values: a correction fixes a mistake, it does not make another person.
KEPT: frozenset[str] = frozenset(
    {
        "name.first_length",
        "name.last_length",
        "name.first_script",
        "name.last_script",
        "name.scripts",
        "email.domain",
        "email.domain_country",
        "email.free_provider",
        "email.local_length",
        "email.uppercase",
        "email.non_ascii",
        "email.has_plus_tag",
        "phone.international_format",
        "address.country",
        "address.region_missing",
        "address.postal_code_missing",
        # Where address, phone and mailbox point together: only a phone of the address's
        # country (below) ends it; a corrected address or mailbox is still the person's.
        "address.three_countries",
    }
)


@dataclass(frozen=True)
class Change:
    """Correcting ``field`` alone would have given ``outcome``."""

    field: str
    outcome: str
    # The address country a corrected phone would belong to ("" when unknown).
    country: str = ""


def corrected(signals: Mapping[str, SignalValue], group: str) -> dict[str, SignalValue]:
    """Return ``signals`` with the signals of ``group`` at their ordinary values."""
    out = dict(signals)
    prefix = group + "."
    for name, spec in CATALOGUE.items():
        if not name.startswith(prefix) or name in KEPT:
            continue
        default = spec.default
        out[name] = ORDINARY.get(name, list(default) if isinstance(default, list) else default)
    if group == "phone":
        country = signals.get("address.country")
        if isinstance(country, str) and country and signals.get("address.country_known"):
            out["phone.region"] = country
        out["phone.matches_address_country"] = True
        out["address.three_countries"] = False
    if group == "address":
        out["address.phone_region_matches"] = True
    return out


_DEFAULTS: dict[str, SignalValue] = {name: s.default for name, s in CATALOGUE.items()}


def what_would_change(
    signals: Mapping[str, SignalValue],
    rule_set: RuleSet,
    *,
    outcome: str,
    scorer: Scorer | None = None,
) -> list[Change]:
    """Return each field whose correction alone would have given a better outcome.

    Args:
        signals: the decision's recorded signals (every catalogue signal).
        rule_set: the rule set that made the decision.
        outcome: the automated outcome; an approval answers an empty list.
        scorer: the model that scored the decision (None: the rules' own risk score).
    """
    if outcome not in RANK or outcome == "approve":
        return []
    # A decision recorded by an older release lacks the signals added since: their defaults.
    signals = {**_DEFAULTS, **signals}
    changes: list[Change] = []
    for field, group in FIELDS.items():
        changed = corrected(signals, group)
        score = scorer(changed) if scorer is not None else None
        new = decide(rule_set.evaluate(changed), rule_set.thresholds, score).outcome
        if RANK[new] < RANK[outcome]:
            country = changed.get("phone.region") if field == "phone" else ""
            changes.append(Change(field, new, country if isinstance(country, str) else ""))
    return changes
