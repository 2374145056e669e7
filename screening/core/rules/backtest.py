"""Backtests: replay a candidate rule set over recorded decisions' signals. Pure: no I/O.

A recorded decision is replayed from the signal values it stored (derived,
non-identifying: no raw personal data is needed). Only the signals the
candidate reads matter, so callers hand over a *projection*: those values in
:attr:`Replay.inputs` order, as a list or a JSON array (the store picks them out
of each decision's signal vector, see :mod:`screening.store.vectors`). Equal
projections give equal rule results,
so each distinct projection is evaluated once; the outcome is then recomputed
per decision, because it also depends on that decision's model score.

Numeric signals that rules only compare with constants (``velocity.email_24h >= 3``)
are replaced by a representative of their interval between those constants
before caching: 7 and 9 give the same results when rules only ask ``>= 3``,
so counts that differ on every decision still share one evaluation.

Signals a decision did not record (added to the catalogue since) take their
documented default.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from screening.core import evidence
from screening.core.checks import SignalValue
from screening.core.decide import outcome_for
from screening.core.rules.ruleset import Hit, RuleSet
from screening.core.signals import CATALOGUE
from screening.core.velocity import COUNT_CAP
from screening.core.vocabulary import OUTCOMES, iso

HELD = frozenset({"review", "decline"})
LABELS = ("fraud", "legitimate")
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_STRING = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_NUMBER = r"-?\d+(?:\.\d+)?"
_COMPARE = r"(?:>=|<=|==|!=|>|<)"
# What may stand beside an atomic comparison without binding tighter than it.
_OPEN = r"(?:^|[(,?:]|&&|\|\|)\s*"
_CLOSE = r"\s*(?:$|[),?:]|&&|\|\|)"


def parse_since(text: str, now: datetime) -> datetime:
    """Return the start of a window given as ``30d`` / ``24h`` / ``90m`` / ``2w`` or ISO 8601.

    Raises:
        ValueError: the text is neither (the message says what is accepted).
    """
    match = _DURATION.match(text)
    if match:
        try:
            return now - timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
        except OverflowError:
            raise ValueError("since reaches back before the year 1") from None
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            "since must be a duration such as 30d, 24h, 90m or 2w, or an ISO 8601 time"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def comparison_constants(name: str, expressions: Sequence[str]) -> tuple[float, ...] | None:
    """Return the constants ``name`` is compared with, if it appears only as ``name <op> number``.

    None when any use is something else (arithmetic, a list, a macro variable...):
    then its exact value matters and it must not be bucketed.
    """
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w.])")
    before = re.compile(rf"{_OPEN}(?:({_NUMBER})\s*{_COMPARE}\s*)?$")
    after = re.compile(rf"^(?:\s*{_COMPARE}\s*({_NUMBER}))?{_CLOSE}")
    constants: set[float] = set()
    for expression in expressions:
        text = _STRING.sub("''", expression)
        for match in pattern.finditer(text):
            left = before.search(text[: match.start()])
            right = after.search(text[match.end() :])
            if left is None or right is None or (left.group(1) is None) == (right.group(1) is None):
                return None
            constants.add(float(left.group(1) or right.group(1)))
    return tuple(sorted(constants))


def representative(value: float, cuts: Sequence[float]) -> float:
    """Return the value that stands for ``value``'s interval between ``cuts`` (same type)."""
    i = bisect_left(cuts, value)
    if i < len(cuts) and cuts[i] == value:
        return value
    if isinstance(value, int):
        return math.floor(cuts[i - 1]) + 1 if i else math.ceil(cuts[0]) - 1
    if i == 0:
        return cuts[0] - 1.0
    if i == len(cuts):
        return cuts[-1] + 1.0
    return (cuts[i - 1] + cuts[i]) / 2


def projection(inputs: Sequence[str], signals: Mapping[str, Any]) -> str:
    """Return the projection of one decision's signals (for callers without SQL)."""
    return json.dumps([signals.get(name) for name in inputs])


@dataclass(frozen=True)
class _Fired:
    """The candidate's results on one distinct projection."""

    fired: tuple[int, ...]  # indexes of the rules that fired (any mode)
    active: tuple[Hit, ...]
    weight: float  # sum of the active score rules that fired
    errors: tuple[int, ...]
    strong: bool = False  # strong evidence present (screening.core.evidence)


@dataclass
class Confusion:
    """Held (review or decline) / fired against human labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, fraud: bool) -> None:
        if predicted and fraud:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif fraud:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
        }


@dataclass
class Replay:
    """Accumulates a candidate rule set's results over recorded decisions.

    Feed it with :meth:`add` (one call per decision), then read :meth:`report`.
    """

    rule_set: RuleSet
    inputs: tuple[str, ...] = field(init=False)
    decisions: int = 0
    transitions: dict[str, Counter[str]] = field(init=False)
    _defaults: list[SignalValue] = field(init=False, repr=False)
    _index: dict[str, int] = field(init=False, repr=False)
    _lists: tuple[int, ...] = field(init=False, repr=False)
    _buckets: list[tuple[int, tuple[float, ...], dict[Any, Any]]] = field(init=False, repr=False)
    # distinct (canonical) values -> [the candidate's results, how many decisions had them]
    _cache: dict[Hashable, list[Any]] = field(default_factory=dict, repr=False)
    _labelled: list[tuple[_Fired, str, str, str]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.inputs = self.rule_set.inputs
        self._defaults = [CATALOGUE[name].default for name in self.inputs]
        self._index = {rule.id: i for i, rule in enumerate(self.rule_set.rules)}
        types = [CATALOGUE[name].type for name in self.inputs]
        self._lists = tuple(i for i, kind in enumerate(types) if kind.startswith("list"))
        whens = [rule.when for rule in self.rule_set.rules] + [evidence.combined_expression()]
        self._buckets = [
            (i, cuts, {})
            for i, name in enumerate(self.inputs)
            if types[i] in ("int", "float") and (cuts := comparison_constants(name, whens))
        ]
        self.transitions = {outcome: Counter() for outcome in OUTCOMES}

    @property
    def distinct(self) -> int:
        """How many distinct signal sets were evaluated."""
        return len(self._cache)

    def add(
        self,
        projected: str | list[Any],
        outcome: str,
        model_score: float | None = None,
        label: str | None = None,
    ) -> str:
        """Replay one decision; return the candidate's outcome.

        Args:
            projected: the decision's values of :attr:`inputs`, as a list (it is changed)
                or as JSON text, see :func:`projection`.
            outcome: the automated outcome it recorded.
            model_score: the model's score it recorded (None when no model decided).
            label: the human-review label, ``fraud`` or ``legitimate``, if any.
        """
        values = json.loads(projected) if isinstance(projected, str) else projected
        key = self._key(values)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = [self._evaluate(values), 0]
        entry[1] += 1
        fired: _Fired = entry[0]
        base = model_score if model_score is not None else 0.0
        candidate = outcome_for(
            fired.active, base + fired.weight, self.rule_set.thresholds, fired.strong
        )
        row = self.transitions.get(outcome)
        if row is None:
            row = self.transitions[outcome] = Counter()
        row[candidate] += 1
        self.decisions += 1
        if label in LABELS:
            self._labelled.append((fired, label, outcome, candidate))
        return candidate

    def _key(self, values: list[Any]) -> Hashable:
        """Return the cache key of one decision's values, bucketing compared numbers."""
        for i, cuts, memo in self._buckets:
            value = values[i]
            found = memo.get(value)
            if found is None:
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                found = memo[value] = representative(value, cuts) if numeric else value
            values[i] = found
        for i in self._lists:
            if isinstance(values[i], list):
                values[i] = tuple(values[i])
        try:
            return tuple(values)
        except TypeError:  # an unhashable value where none is expected: exact text
            return json.dumps(values)

    def _evaluate(self, values: list[Any]) -> _Fired:
        signals = {
            name: default if value is None else (list(value) if type(value) is tuple else value)
            for name, value, default in zip(self.inputs, values, self._defaults, strict=True)
        }
        evaluation = self.rule_set.evaluate(signals)
        index = self._index
        active = tuple(h for h in evaluation.hits if h.mode == "active")
        return _Fired(
            fired=tuple(index[h.rule_id] for h in evaluation.hits),
            active=active,
            weight=sum(h.weight for h in active if h.kind == "score"),
            errors=tuple(index[rule_id] for rule_id in evaluation.errors),
            strong=evaluation.strong,
        )

    def rule_counts(self) -> tuple[list[int], list[int]]:
        """Return per rule (in rule-set order) how many decisions it fired and errored on."""
        hits = [0] * len(self.rule_set.rules)
        errors = [0] * len(self.rule_set.rules)
        for fired, count in self._cache.values():
            for i in fired.fired:
                hits[i] += count
            for i in fired.errors:
                errors[i] += count
        return hits, errors

    def report(self) -> dict[str, Any]:
        """Return the outcome transitions, per-rule hit rates and, with labels, the confusion."""
        rules = self.rule_set.rules
        hits, errors = self.rule_counts()
        current, candidate = Confusion(), Confusion()
        labels: Counter[str] = Counter()
        # Per rule, how many labelled decisions it fired on, by label; the rest follow.
        fired_on = {"fraud": [0] * len(rules), "legitimate": [0] * len(rules)}
        for fired, label, outcome, replayed in self._labelled:
            fraud = label == "fraud"
            labels[label] += 1
            current.add(outcome in HELD, fraud)
            candidate.add(replayed in HELD, fraud)
            counts = fired_on[label]
            for i in set(fired.fired):
                counts[i] += 1
        per_rule = [
            Confusion(
                tp=fired_on["fraud"][i],
                fp=fired_on["legitimate"][i],
                fn=labels["fraud"] - fired_on["fraud"][i],
                tn=labels["legitimate"] - fired_on["legitimate"][i],
            )
            for i in range(len(rules))
        ]
        n = self.decisions
        labelled = len(self._labelled)
        return {
            "decisions": n,
            "distinct_signal_sets": self.distinct,
            "candidate": {"version": self.rule_set.version, "digest": self.rule_set.digest},
            "outcomes": {
                "current": {o: sum(self.transitions[o].values()) for o in OUTCOMES},
                "candidate": {o: sum(c[o] for c in self.transitions.values()) for o in OUTCOMES},
            },
            "transitions": {
                current_outcome: {o: self.transitions[current_outcome][o] for o in OUTCOMES}
                for current_outcome in OUTCOMES
            },
            "changed": sum(
                count
                for current_outcome, row in self.transitions.items()
                for o, count in row.items()
                if o != current_outcome
            ),
            "labels": {label: labels[label] for label in LABELS},
            "confusion": {
                "current": current.to_dict() if labelled else None,
                "candidate": candidate.to_dict() if labelled else None,
            },
            "rules": [
                {
                    "id": rule.id,
                    "mode": rule.mode,
                    "action": rule.action,
                    "hits": hits[i],
                    "rate": round(hits[i] / n, 6) if n else 0.0,
                    "errors": errors[i],
                    "labelled": per_rule[i].to_dict() if labelled else None,
                }
                for i, rule in enumerate(rules)
            ],
        }


def history_warnings(replay: Replay) -> list[dict[str, Any]]:
    """Warn about rules that fire on no recorded decision, or on more than half of them,
    and about comparisons of velocity counts with more than they ever reach."""
    warnings = cap_warnings(replay.rule_set)
    n = replay.decisions
    if not n:
        return warnings
    hits, errors = replay.rule_counts()
    for rule, hit, error in zip(replay.rule_set.rules, hits, errors, strict=True):
        if error:
            warnings.append(
                {"rule": rule.id, "problem": f"fails to evaluate on {error} of {n} decisions"}
            )
        if hit == 0:
            warnings.append(
                {"rule": rule.id, "problem": f"would fire on none of the {n} recent decisions"}
            )
        elif hit * 2 > n:
            warnings.append(
                {
                    "rule": rule.id,
                    "problem": f"would fire on {hit} of the {n} recent decisions "
                    f"({hit / n:.0%}, more than half)",
                }
            )
    return warnings


def cap_warnings(rule_set: RuleSet) -> list[dict[str, Any]]:
    """Warn about rules comparing a velocity count with a number above its cap.

    Counts stop at :data:`~screening.core.velocity.COUNT_CAP`, so such a comparison
    reads the same for every signup past the cap.
    """
    warnings: list[dict[str, Any]] = []
    for rule in rule_set.rules:
        for name in rule.signals:
            if not name.startswith("velocity."):
                continue
            above = [c for c in comparison_constants(name, [rule.when]) or () if c > COUNT_CAP]
            if above:
                warnings.append(
                    {
                        "rule": rule.id,
                        "problem": f"compares {name} with {above[-1]:g}, but velocity counts "
                        f"stop at {COUNT_CAP}",
                    }
                )
    return warnings


def shadow_summary(
    rows: Iterable[tuple[str, datetime, str, str, list[dict[str, Any]], str]],
    outcome_counts: Mapping[str, int],
    *,
    limit: int,
) -> dict[str, Any]:
    """Summarise shadow hits over a window: per shadow rule, and what outcomes would have been.

    Args:
        rows: ``(decision_id, created_at, outcome, shadow_outcome, shadow_hits, rules_version)``
            of the window's decisions that had a shadow hit or a different shadow outcome,
            newest first.
        outcome_counts: every decision in the window, counted by recorded outcome.
        limit: how many of ``rows`` to list.
    """
    transitions: dict[str, Counter[str]] = {
        o: Counter({o: outcome_counts.get(o, 0)}) for o in OUTCOMES
    }
    hits: Counter[str] = Counter()
    changed_by: Counter[str] = Counter()
    items: list[dict[str, Any]] = []
    with_hits = 0
    for decision_id, created_at, outcome, shadow_outcome, shadow_hits, version in rows:
        rule_ids = sorted({str(h.get("rule_id")) for h in shadow_hits})
        with_hits += bool(rule_ids)
        hits.update(rule_ids)
        if shadow_outcome != outcome:
            changed_by.update(rule_ids)
            row = transitions.setdefault(outcome, Counter())
            row[outcome] -= 1
            row[shadow_outcome] += 1
        if len(items) < limit:
            items.append(
                {
                    "decision_id": decision_id,
                    "created_at": iso(created_at),
                    "outcome": outcome,
                    "shadow_outcome": shadow_outcome,
                    "shadow_rules": rule_ids,
                    "rules_version": version,
                }
            )
    total = sum(outcome_counts.values())
    return {
        "decisions": total,
        "with_shadow_hits": with_hits,
        "would_change": sum(n for o, row in transitions.items() for s, n in row.items() if s != o),
        "transitions": {o: {s: transitions[o][s] for s in OUTCOMES} for o in OUTCOMES},
        "rules": [
            {
                "id": rule_id,
                "hits": count,
                "rate": round(count / total, 6) if total else 0.0,
                "outcome_changed": changed_by[rule_id],
            }
            for rule_id, count in hits.most_common()
        ],
        "items": items,
    }
