"""Assess a trained model with a rule set: every figure the manifest and the model card print.

Scores come from the request-path scorer (what serves), outcomes from the service's
decision function, on the held-out split; per-script and per-region hold rates from the
held-out ordinary people plus the separate fairness sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from screening.core.model.scoring import RiskScorer
from screening.core.rules.ruleset import RuleSet
from screening.training import evaluate as ev
from screening.training.data import Row
from screening.training.train import Trained, metrics


def _scores(scorer: RiskScorer, rows: Sequence[Row]) -> np.ndarray:
    return np.array([scorer(row.signals) for row in rows], dtype=float)


def _fairness(rows: Sequence[Row], outcomes: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    by_script = ev.hold_table([r.script for r in rows], outcomes)
    latin = next((g for g in by_script if g["group"] == "Latin"), None)
    ratio = ev.script_ratio(by_script)
    clearly = [g["group"] for g in by_script if latin is not None and ev.clearly_above(g, latin)]
    score_by_script = []
    for script in sorted({r.script for r in rows}):
        mask = np.array([r.script == script for r in rows])
        score_by_script.append(
            {
                "group": script,
                "n": int(mask.sum()),
                "mean_score": round(float(scores[mask].mean()), 4),
                "share_score_0_1": round(float(np.mean(scores[mask] >= 0.1)), 4),
            }
        )
    return {
        "by_script": by_script,
        "by_region": ev.hold_table([r.region for r in rows], outcomes),
        "by_locale": ev.hold_table([r.locale for r in rows], outcomes),
        "script_ratio": ratio,
        "ratio_met": ratio <= ev.TARGETS["script_ratio"],
        "clearly_above_twice_latin": clearly,
        "score_by_script": score_by_script,
    }


def _consistent(rows: Sequence[Row], rule_set: RuleSet, scorer: RiskScorer, got: Any) -> None:
    # decide() on cached rule evaluations must agree with the service's full evaluate() path.
    sample = min(len(rows), 300)
    expected = ev.decide_rows(rows[:sample], rule_set, scorer)
    if list(got[:sample]) != expected:
        raise RuntimeError("evaluation disagrees with screening.core.pipeline.evaluate")


def assess(
    scorer: RiskScorer,
    test: Sequence[Row],
    fairness_rows: Sequence[Row],
    rule_set: RuleSet,
) -> dict[str, Any]:
    """Return the held-out metrics of ``scorer`` under ``rule_set``, and thresholds to use.

    Args:
        scorer: the request-path scorer.
        test: the held-out rows.
        fairness_rows: extra ordinary people (the held-out ordinary people are added).
        rule_set: the rules to decide with (its thresholds are the "shipped" ones).
    """
    fair = [r for r in test if not r.fraud] + list(fairness_rows)
    y = np.array([r.fraud for r in test], dtype=bool)
    p = _scores(scorer, test)
    pf = _scores(scorer, fair)
    evaluations = ev.rule_evaluations(test, rule_set)
    fair_evaluations = ev.rule_evaluations(fair, rule_set)
    recommended, recommended_ok = ev.recommend(
        ev.Sweep.of(evaluations, p), y, ev.Sweep.of(fair_evaluations, pf), [r.script for r in fair]
    )
    shipped = dict(rule_set.thresholds)
    decisions: dict[str, Any] = {}
    fairness: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for label, thresholds in (("shipped", shipped), ("recommended", recommended)):
        outcomes = ev.outcomes_of(evaluations, p, thresholds)
        if label == "shipped":
            _consistent(test, rule_set, scorer, outcomes)
        rates: dict[str, Any] = dict(ev.rates(outcomes, y))
        fair_outcomes = ev.outcomes_of(fair_evaluations, pf, thresholds)
        fairness[label] = _fairness(fair, fair_outcomes, pf)
        rates["meets_targets"] = (
            ev.meets(rates, 0.0) and not (fairness[label]["clearly_above_twice_latin"])
        )
        decisions[label] = rates
        patterns[label] = ev.pattern_table(test, list(outcomes))
    rules_only = ev.outcomes_of(evaluations, np.zeros(len(test)), shipped)
    decisions["rules_only"] = ev.rates(rules_only, y)
    # What "a decline needs strong evidence" costs: the same rules and scores, ungated.
    ungated = ev.outcomes_of(ev.without_evidence_gate(evaluations), p, shipped)
    decisions["without_evidence_gate"] = ev.rates(ungated, y)
    patterns["without_evidence_gate"] = ev.pattern_table(test, list(ungated))
    shipped_outcomes = ev.outcomes_of(evaluations, p, shipped)
    # Linked review (screening.core.linked), replayed on the held-out rows' own timeline.
    linked = ev.linked_after(test, list(shipped_outcomes))
    patterns["shipped"] = ev.pattern_table(test, list(shipped_outcomes), linked)
    decisions["shipped"].update(ev.linked_rates(test, list(shipped_outcomes), linked))
    legit_patterns = ev.legitimate_pattern_table(test, list(shipped_outcomes), linked)
    return {
        "targets": dict(ev.TARGETS),
        "costs": dict(ev.COSTS),
        "rules_version": rule_set.version,
        "held_out": metrics(y.astype(int), p),
        "rows": {"test": len(test), "test_fraud": int(y.sum()), "fairness": len(fair)},
        "thresholds": {
            "shipped": shipped,
            "recommended": recommended,
            "recommended_meets_targets": recommended_ok,
        },
        "decisions": decisions,
        "fairness": fairness,
        "patterns": patterns,
        "legitimate_patterns": legit_patterns,
        "calibration": ev.calibration_table(y.astype(int), p),
        "weights": [
            {"feature": f.name, "words": f.words, "log_odds_per_unit": round(w, 3)}
            for f, w in zip(scorer.features, scorer.terms, strict=True)
        ],
    }


def training_summary(trained: Trained) -> dict[str, Any]:
    """Return what only a training run knows: the candidates compared and the name model."""
    return {
        "model": trained.chosen.name,
        "candidates": [
            {
                "name": c.name,
                **c.metrics,
                "servable": c.servable,
                "sklearn_latency_us": c.sklearn_latency_us,
                "left_out": c.left_out,
            }
            for c in trained.candidates
        ],
        "left_out": trained.chosen.left_out,
        "name_model": {
            "held_out": trained.name_model.held_out,
            "by_script": trained.name_model.by_script,
        },
        "training_rows": {"train": len(trained.train_rows), "review_labels": trained.review_rows},
    }
