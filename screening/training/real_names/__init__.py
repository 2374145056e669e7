"""Real people's names from outside the generator, kept in two parts that never meet.

``names.tsv`` beside this module is a small derived sample of the ``names-dataset`` package
(see ``NOTICE.md``): the most common first and last names of 105 countries, written as
their bearers write them, in many scripts. It is not Faker's locale data, which the
generator and the name model's main corpus use.

Each distinct name (case-folded) falls by a stable hash into one part:

- :func:`calibration_names`: trained on by the name model, beside Faker's names;
- :func:`evaluation_pairs`: never trained on; whole ordinary signups carrying these names
  are screened by :func:`evaluate` with the shipped rules and model, and the share held is
  reported per country and per script (the model card, and ``tests/model/test_real_names.py``).

A name that is common in two countries is in the same part for both.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from anyascii import anyascii

from screening.core.decide import outcome_for
from screening.core.model.scoring import ExplainingScorer
from screening.core.pipeline import evaluate as screen_evaluate
from screening.core.pipeline import run_checks
from screening.core.policy import Policy
from screening.core.rules.ruleset import RuleSet

DATA = Path(__file__).with_name("names.tsv")
EVALUATION_SHARE = 0.5
PAIRS_PER_COUNTRY = 200
SEED = 20261201
# Where a country's people are not in the generator, their base signup is of one who lives
# in this country (with its phones, mail providers and addresses).
FALLBACK_COUNTRY = "GB"
NAME_FIELDS = frozenset({"name", "first_name", "last_name"})
TARGETS = {"held_overall": 0.01, "held_country": 0.03, "declined": 0}


@dataclass(frozen=True)
class RealName:
    country: str
    part: str  # "first" or "last"
    rank: int
    name: str


@cache
def load() -> tuple[RealName, ...]:
    """Return every name of the vendored sample."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(RealName(r["country"], r["part"], int(r["rank"]), r["name"]) for r in reader)


def in_evaluation(name: str) -> bool:
    """Return whether a name belongs to the evaluation part (stable hash of its folded form)."""
    digest = hashlib.sha256(("real-names/" + name.casefold()).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < EVALUATION_SHARE


def calibration_names() -> tuple[str, ...]:
    """Return the distinct names of the training part, sorted."""
    return tuple(sorted({r.name for r in load() if not in_evaluation(r.name)}))


def evaluation_pairs(
    per_country: int = PAIRS_PER_COUNTRY, seed: int = SEED
) -> list[tuple[str, str, str]]:
    """Return ``(country, first, last)`` pairs of evaluation names, ``per_country`` each."""
    firsts: dict[str, list[str]] = defaultdict(list)
    lasts: dict[str, list[str]] = defaultdict(list)
    for r in load():
        if in_evaluation(r.name):
            (firsts if r.part == "first" else lasts)[r.country].append(r.name)
    out = []
    for country in sorted(set(firsts) & set(lasts)):
        rng = random.Random(f"{seed}/{country}")
        fs, ls = sorted(firsts[country]), sorted(lasts[country])
        out += [(country, rng.choice(fs), rng.choice(ls)) for _ in range(per_country)]
    return out


def _ascii_word(text: str) -> str:
    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


def _bases(
    countries: Iterable[str], rule_set: RuleSet, model: Any, policy: Policy, today: date
) -> dict[str, list[dict[str, Any]]]:
    """Return, per country, ordinary generated signups that are approved with their own name."""
    from screening.training.synth.locales import COUNTRIES
    from screening.training.synth.people import ordinary, row_seeds

    out: dict[str, list[dict[str, Any]]] = {}
    for country in sorted(set(countries)):
        home = country if country in COUNTRIES else FALLBACK_COUNTRY
        if home in out:
            out[country] = out[home]
            continue
        found: list[dict[str, Any]] = []
        for row_seed in row_seeds(f"real-names/{home}", SEED, 400):
            _, draft = ordinary(row_seed, lambda p, c=home: p.country == c)  # type: ignore[misc]
            if _screen(draft.body, rule_set, model, policy, today)[0] == "approve":
                found.append(draft.body)
            if len(found) == 20:
                break
        out[country] = out[home] = found
    return out


def _screen(
    body: Mapping[str, Any],
    rule_set: RuleSet,
    model: Any,
    policy: Policy,
    today: date,
    ungated: bool = False,
) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    minimised = policy.minimise(dict(body))
    checked = run_checks(
        minimised.kept,
        minimised.transient,
        policy=policy,
        today=today,
        name_scorer=model.name_scorer,
    )
    scorer = ExplainingScorer(model.scorer)
    screened = screen_evaluate(checked, rule_set, scorer=scorer)
    fields = tuple(r.field for r in screened.decision.reasons)
    outcome = screened.decision.outcome
    if ungated:
        # As before a decline needed strong evidence (for before/after comparisons).
        hits = [replace(h, decisive=True) for h in screened.decision.hits]
        outcome = outcome_for(hits, screened.decision.risk_total, rule_set.thresholds, True)
    return outcome, fields, screened.signals


def _with_name(base: Mapping[str, Any], first: str, last: str) -> dict[str, Any]:
    body = {**base, "first_name": first, "last_name": last}
    local, _, domain = str(base.get("email", "")).rpartition("@")
    a, b = _ascii_word(first), _ascii_word(last)
    if a and b and domain:
        body["email"] = f"{a}.{b}@{domain}"
    return body


def evaluate(
    rule_set: RuleSet,
    model: Any,
    policy: Policy,
    *,
    per_country: int = PAIRS_PER_COUNTRY,
    today: date = date(2025, 1, 1),
    ungated: bool = False,
) -> dict[str, Any]:
    """Screen ordinary signups carrying the evaluation names; report who would be held.

    Each pair's signup is an ordinary generated person of that country (or of
    :data:`FALLBACK_COUNTRY`) whom the service approves with their own name, given the real
    name instead (and a mailbox made of it at the same provider). So every hold is one the
    name caused. Returns overall, per-country and per-script counts and rates. ``ungated``
    decides as if any decline rule and any score could decline alone (the rule before).
    """
    pairs = evaluation_pairs(per_country)
    bases = _bases((c for c, _, _ in pairs), rule_set, model, policy, today)
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    by_script: dict[str, Counter[str]] = defaultdict(Counter)
    for i, (country, first, last) in enumerate(pairs):
        choices = bases[country]
        if not choices:
            continue
        body = _with_name(choices[i % len(choices)], first, last)
        outcome, fields, signals = _screen(body, rule_set, model, policy, today, ungated)
        script = str(signals.get("name.first_script") or "Unknown")
        for table, key in ((by_country, country), (by_script, script)):
            table[key]["n"] += 1
            table[key][outcome] += 1
            if outcome != "approve" and NAME_FIELDS & set(fields):
                table[key]["held_naming_the_name"] += 1
    return _report(by_country, by_script)


def _rates(counts: Counter[str]) -> dict[str, Any]:
    n = counts["n"]
    held = counts["review"] + counts["decline"]
    return {
        "n": n,
        "reviewed": counts["review"],
        "declined": counts["decline"],
        "held": held,
        "held_rate": round(held / n, 4) if n else 0.0,
        "held_naming_the_name": counts["held_naming_the_name"],
    }


def _report(
    by_country: Mapping[str, Counter[str]], by_script: Mapping[str, Counter[str]]
) -> dict[str, Any]:
    total: Counter[str] = Counter()
    for counts in by_country.values():
        total.update(counts)
    countries = {c: _rates(v) for c, v in sorted(by_country.items())}
    scripts = {s: _rates(v) for s, v in sorted(by_script.items())}
    overall = _rates(total)
    worst_country = max(countries, key=lambda c: countries[c]["held_rate"], default="")
    worst_script = max(scripts, key=lambda s: scripts[s]["held_rate"], default="")
    met = (
        overall["held_rate"] <= TARGETS["held_overall"]
        and all(v["held_rate"] <= TARGETS["held_country"] for v in countries.values())
        and overall["declined"] <= TARGETS["declined"]
    )
    return {
        "overall": overall,
        "countries": countries,
        "scripts": scripts,
        "worst_country": worst_country,
        "worst_script": worst_script,
        "targets": dict(TARGETS),
        "met": met,
    }


def worst(report: Mapping[str, Any], key: str, n: int = 10) -> Sequence[tuple[str, Any]]:
    """Return the ``n`` groups of ``key`` ("countries" or "scripts") with the highest rates."""
    table = report[key]
    return sorted(table.items(), key=lambda kv: (-kv[1]["held_rate"], kv[0]))[:n]
