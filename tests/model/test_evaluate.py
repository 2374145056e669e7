"""Evaluation helpers: rates as the targets state them, honest intervals, threshold choice."""

from __future__ import annotations

import numpy as np
import pytest

from screening.config import DEFAULT_RULES
from screening.core.rules.ruleset import load_rule_set
from screening.core.signals import defaults
from screening.training import evaluate as ev
from screening.training.data import Row


def test_rates_are_the_targets_quantities() -> None:
    outcomes = np.array(["approve", "review", "decline", "approve", "decline", "review"])
    fraud = np.array([False, False, False, False, True, True])
    r = ev.rates(outcomes, fraud)
    assert r["legit_declined"] == 0.25 and r["legit_reviewed"] == 0.25
    assert r["fraud_not_approved"] == 1.0 and r["fraud_declined"] == 0.5
    assert r["precision_held"] == 0.5 and r["recall_held"] == 1.0


@pytest.mark.parametrize(("k", "n"), [(0, 100), (1, 148), (7, 29_457), (50, 50)])
def test_wilson_interval_contains_the_rate(k: int, n: int) -> None:
    low, high = ev.wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_one_person_in_a_small_group_is_not_clearly_a_disparity() -> None:
    latin = {"group": "Latin", "n": 30_000, "hold_rate": 0.0003}
    latin.update(zip(("ci_low", "ci_high"), ev.wilson(9, 30_000), strict=True))
    noise = {"group": "Thai", "n": 300}
    noise.update(zip(("ci_low", "ci_high"), ev.wilson(1, 300), strict=True))
    real = {"group": "Other", "n": 300}
    real.update(zip(("ci_low", "ci_high"), ev.wilson(12, 300), strict=True))
    assert not ev.clearly_above(noise, latin)
    assert ev.clearly_above(real, latin)


def test_script_ratio() -> None:
    table = [{"group": "Latin", "hold_rate": 0.01}, {"group": "Han", "hold_rate": 0.015}]
    assert ev.script_ratio(table) == 1.5
    assert ev.script_ratio([{"group": "Latin", "hold_rate": 0.0}]) == 0.0


def _rows() -> list[Row]:
    base = defaults()
    clean = {
        **base,
        "email.valid_syntax": True,
        "phone.valid": True,
        "phone.possible": True,
        "address.country_known": True,
        "address.country": "BE",
        "phone.region": "BE",
    }
    return [
        Row(signals=clean, fraud=False, script="Latin"),
        Row(signals={**clean, "email.disposable": True}, fraud=True, script="Latin"),
        Row(signals={**clean, "phone.line_type": "voip"}, fraud=False, script="Han"),
    ]


def test_the_sweep_decides_as_the_service_does() -> None:
    rule_set = load_rule_set(DEFAULT_RULES)
    rows = _rows()
    evaluations = ev.rule_evaluations(rows, rule_set)
    rng = np.random.default_rng(0)
    for _ in range(30):
        scores = rng.random(len(rows))
        review = float(rng.uniform(0.05, 0.9))
        thresholds = {"review": review, "decline": review + float(rng.uniform(0.05, 0.6))}
        sweep = ev.Sweep.of(evaluations, scores).outcomes(thresholds)
        assert list(sweep) == list(ev.outcomes_of(evaluations, scores, thresholds))
    service = ev.decide_rows(rows, rule_set, scorer=lambda s: 0.3)
    assert service == list(ev.outcomes_of(evaluations, [0.3] * 3, rule_set.thresholds))


def test_recommend_prefers_thresholds_that_meet_the_targets_cheaply() -> None:
    rule_set = load_rule_set(DEFAULT_RULES)
    rows = [r for r in _rows() if not r.signals.get("email.disposable")] * 50
    fraud_rows = [Row(signals=rows[0].signals, fraud=True, script="Latin")] * 20
    test = rows + fraud_rows
    scores = np.array([0.02] * len(rows) + [0.7] * len(fraud_rows))
    evaluations = ev.rule_evaluations(test, rule_set)
    fraud = np.array([r.fraud for r in test])
    sweep = ev.Sweep.of(evaluations, scores)
    thresholds, ok = ev.recommend(sweep, fraud, sweep, [r.script for r in test])
    assert ok
    assert thresholds["review"] <= 0.7 - 0.0  # the fraud scores are held
    outcomes = sweep.outcomes(thresholds)
    assert (outcomes[fraud] != "approve").all() and (outcomes[~fraud] == "approve").all()


def _burst_row(at: float, n: int, fraud: bool = True, pattern: str = "burst") -> Row:
    # The n-th signup of one actor: n earlier ones with the same name and postal code.
    velocity = {"velocity.name_postcode_24h": n, "velocity.email_stem_24h": n}
    return Row(
        signals={**defaults(), **velocity},
        fraud=fraud,
        pattern=pattern,
        group="actor",
        at=at,
        links={"name_postcode": "k1", "phone_block": "k2"},
    )


def test_linked_review_is_replayed_on_the_timeline() -> None:
    rows = [_burst_row(0.0, 0), _burst_row(300.0, 1), _burst_row(600.0, 2)]
    # The first was approved; the second is held and links it, five minutes later.
    after = ev.linked_after(rows, ["approve", "review", "review"])
    assert after == [300.0, None, None]
    table = ev.pattern_table(rows, ["approve", "review", "review"], after)
    first = next(p for p in table if p["pattern"] == "burst (first signup)")
    assert first["not_approved"] == 0.0 and first["caught_after"] == 1.0
    assert first["caught"] == 1.0 and first["median_minutes_after"] == 5.0


@pytest.mark.parametrize(
    ("outcomes", "gap"),
    [
        (["approve", "approve"], 300.0),  # an approved later signup links nothing
        (["approve", "review"], 90_000.0),  # beyond the 24 h window of name and postcode
    ],
)
def test_linked_review_needs_a_held_variant_within_the_window(
    outcomes: list[str], gap: float
) -> None:
    rows = [_burst_row(0.0, 0), _burst_row(gap, 0)]
    rows[1] = Row(
        signals={**rows[1].signals, "velocity.name_postcode_24h": 1 if gap < 86_400 else 0},
        fraud=True,
        pattern="burst",
        at=gap,
        links={"name_postcode": "k1"},
    )
    assert ev.linked_after(rows, outcomes) == [None, None]
