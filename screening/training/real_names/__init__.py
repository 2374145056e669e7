"""Real people's first names from outside the generator, kept in two parts that never meet.

The source is ``nam_dict.txt``, Jörg Michael's dictionary of about 40,000 first names and
the countries they are used in (published in c't magazine, GNU Free Documentation License),
as the registry package ``gender-guesser`` ships it. It is read at run time from the
installed package (:func:`source_path`), never copied into this repository. It is not
Faker's locale data, which the generator and the name model's main corpus use. Its names
are all in Latin letters: other scripts are covered only by Faker's locales in
:mod:`screening.training.name_corpus` and the generator, not by this evaluation.

The dictionary rates each name's frequency (1 rare to 13 very common) in 54 countries or
groups of countries and one column for all others; a name is listed for every column it has
a frequency in. It lists first names only: the evaluation gives each person a second first
name of the same country as a stand-in family name (see :func:`evaluation_pairs`).

Each distinct name falls by a stable hash into one part:

- :func:`calibration_names`: trained on by the name model, beside Faker's names;
- :func:`evaluation_pairs`: never trained on; whole ordinary signups carrying these names
  are screened by :func:`evaluate` with the shipped rules and model, and the share held is
  reported per country and per script (the model card, and ``tests/model/test_real_names.py``).

A name used in two countries is in the same part for both, and the spellings of one
dictionary entry ("Jun+Wei": Jun-Wei, Jun Wei, Junwei) are in the same part too.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from anyascii import anyascii

from screening.core.decide import outcome_for
from screening.core.model.scoring import ExplainingScorer
from screening.core.pipeline import evaluate as screen_evaluate
from screening.core.pipeline import run_checks
from screening.core.policy import Policy
from screening.core.rules.ruleset import RuleSet

EVALUATION_SHARE = 0.5
PAIRS_PER_COUNTRY = 200
SEED = 20261201
# Where a country's people are not in the generator, their base signup is of one who lives
# in this country (with its phones, mail providers and addresses).
FALLBACK_COUNTRY = "GB"
NAME_FIELDS = frozenset({"name", "first_name", "last_name"})
TARGETS = {"held_overall": 0.01, "held_country": 0.03, "declined": 0}

# The dictionary's frequency columns, in order (its header): an ISO 3166 code where the
# column is one country, else a label for the group. XK is Kosovo's user-assigned code.
COLUMNS = (
    "GB IE US IT MT PT ES FR BE LU NL East-Frisia DE AT CH IS DK NO SE FI EE LV LT PL CZ SK "
    "HU RO BG BA HR XK MK ME RS SI AL GR RU BY MD UA AM AZ GE Central-Asia TR Arabia-Persia "
    "IL CN India-Sri-Lanka JP KR VN Other"
).split()
# Groups whose people the generator has under one country.
HOMES = {"East-Frisia": "DE", "Arabia-Persia": "SA", "India-Sri-Lanka": "IN"}
_NAME = slice(3, 29)  # the name's columns (after the gender code)
_SORT_MARK = 29  # "+": a repeat of the entry above with umlauts expanded (to be ignored)
_FREQUENCIES = 30  # first frequency column


@dataclass(frozen=True)
class RealName:
    country: str  # a column of :data:`COLUMNS`
    part: str  # always "first": the dictionary lists first names only
    frequency: int  # 1 (rare) to 13 (extremely common), the dictionary's own scale
    name: str
    entry: str  # the dictionary's form ("Jun+Wei"), which decides the part


def source_path() -> Path:
    """Return the path of ``nam_dict.txt`` in the installed ``gender-guesser`` package."""
    try:
        root = resources.files("gender_guesser")
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            'the real-name source needs the gender-guesser package: pip install -e ".[training]"'
        ) from exc
    return Path(str(root.joinpath("data", "nam_dict.txt")))


def _spellings(entry: str) -> tuple[str, ...]:
    """Return the real spellings of one dictionary entry.

    The packaged file is UTF-8 with the original's letter codes already decoded, except that
    the Dutch digraph IJ is written as the ligature "Ĳ" (U+0132): NFKC writes it as the two
    letters people type. A "+" inside a name stands for "-", " " or nothing (the header).
    """
    name = unicodedata.normalize("NFKC", entry)
    if "+" not in name:
        return (name,)
    parts = name.split("+")
    joined = parts[0] + "".join(p.lower() for p in parts[1:])
    return ("-".join(parts), " ".join(parts), joined)


def parse(lines: Iterable[str]) -> list[RealName]:
    """Return the names of the dictionary's ``lines``, one per spelling and column."""
    out: list[RealName] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line or line[0] in "#=" or len(line) <= _FREQUENCIES:
            continue
        if line[_SORT_MARK] == "+":
            continue
        entry = line[_NAME].strip()
        columns = line[_FREQUENCIES : _FREQUENCIES + len(COLUMNS)]
        for country, cell in zip(COLUMNS, columns, strict=False):
            if cell.strip():
                for name in _spellings(entry):
                    out.append(RealName(country, "first", int(cell, 16), name, entry))
    return out


@cache
def load() -> tuple[RealName, ...]:
    """Return every name of the installed dictionary (one per spelling and country)."""
    with source_path().open(encoding="utf-8") as handle:
        return tuple(parse(handle))


def in_evaluation(entry: str) -> bool:
    """Return whether a dictionary entry belongs to the evaluation part (stable hash)."""
    digest = hashlib.sha256(("real-names/" + entry.casefold()).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < EVALUATION_SHARE


def calibration_names() -> tuple[str, ...]:
    """Return the distinct names of the training part, sorted."""
    return tuple(sorted({r.name for r in load() if not in_evaluation(r.entry)}))


def evaluation_pairs(
    per_country: int = PAIRS_PER_COUNTRY, seed: int = SEED
) -> list[tuple[str, str, str]]:
    """Return ``(country, first, last)`` pairs of evaluation names, ``per_country`` each.

    The dictionary has no family names, and the family names at hand (Faker's) are trained
    on; so ``last`` is another evaluation first name of the same country, a stand-in family
    name (many family names are first names, and patronymics are made of them).
    """
    firsts: dict[str, set[str]] = defaultdict(set)
    for r in load():
        if in_evaluation(r.entry):
            firsts[r.country].add(r.name)
    out = []
    for country in sorted(firsts):
        names = sorted(firsts[country])
        if len(names) < 2:
            continue
        rng = random.Random(f"{seed}/{country}")
        for _ in range(per_country):
            first, last = rng.sample(names, 2)
            out.append((country, first, last))
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
        home = HOMES.get(country, country)
        home = home if home in COUNTRIES else FALLBACK_COUNTRY
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
