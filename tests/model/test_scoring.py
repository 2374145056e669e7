"""The request-path scorer: equals scikit-learn, explains itself in plain words, holds no names."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from screening.config import DEFAULT_POLICY
from screening.core.model.artifact import LoadedModel
from screening.core.model.features import FEATURE_NAMES, vector
from screening.core.model.scoring import MIN_CONTRIBUTION, TOP_CONTRIBUTIONS
from screening.core.pipeline import check
from screening.core.policy import load_policy
from screening.training.synth import population
from tests.helpers import signup

POLICY = load_policy(DEFAULT_POLICY)


def signals_of(body: dict[str, Any], shipped: LoadedModel) -> dict[str, Any]:
    checked = check(body, policy=POLICY, today=date(2026, 1, 1), name_scorer=shipped.name_scorer)
    return checked.signals


@pytest.fixture(scope="module")
def sample(shipped: LoadedModel) -> list[dict[str, Any]]:
    return [signals_of(row.body, shipped) for row in population(300, seed=5)]


def test_the_fast_path_equals_predict_proba(
    shipped: LoadedModel, sample: list[dict[str, Any]]
) -> None:
    scorer = shipped.scorer
    x = np.array([vector(s, scorer.habits) for s in sample])
    expected = scorer._model.predict_proba(x)[:, 1]
    got = np.array([scorer(s) for s in sample])
    assert np.allclose(got, expected, atol=1e-6)
    assert ((got >= 0) & (got <= 1)).all()


def test_an_ordinary_signup_scores_low_and_a_junk_one_high(shipped: LoadedModel) -> None:
    ordinary = signals_of(signup(), shipped)
    junk = signals_of(
        signup(first_name="Asdf", last_name="Qwerty", email="xk7q2v9z3m@mailinator.com"), shipped
    )
    assert shipped.scorer(ordinary) < 0.05
    assert shipped.scorer(junk) > 0.9


def test_the_checks_give_name_plausibility_when_a_name_model_is_passed(
    shipped: LoadedModel,
) -> None:
    assert 0.9 < signals_of(signup(), shipped)["name.plausibility"] <= 1.0
    plain = check(signup(), policy=POLICY, today=date(2026, 1, 1))
    assert "name.plausibility" not in plain.signals  # evaluate() fills the default


def test_explanations_name_the_features_that_pushed_the_score(shipped: LoadedModel) -> None:
    signals = signals_of(
        signup(first_name="Asdf", last_name="Qwerty", email="asdf.qwerty@mailinator.com"),
        shipped,
    )
    items = shipped.explain(signals)
    assert 0 < len(items) <= TOP_CONTRIBUTIONS
    assert {i["feature"] for i in items} <= set(FEATURE_NAMES)
    assert "email.disposable" in {i["feature"] for i in items}
    first = items[0]
    assert first["effect"] == "raises" and first["contribution"] > 0
    assert first["text"][0].isupper() and first["text"].endswith(".")
    sizes = [abs(i["contribution"]) for i in items]
    assert sizes == sorted(sizes, reverse=True) and min(sizes) >= MIN_CONTRIBUTION
    assert all(i["effect"] == ("raises" if i["contribution"] > 0 else "lowers") for i in items)


def test_explanations_add_up_to_the_score(shipped: LoadedModel, sample: list[Any]) -> None:
    scorer = shipped.scorer
    base = scorer.probability(list(scorer._reference))
    for signals in sample[:50]:
        everything = scorer.explain(signals, top=len(FEATURE_NAMES))
        x = vector(signals, scorer.habits)
        exact = sum(t * (v - r) for t, v, r in zip(scorer.terms, x, scorer._reference, strict=True))
        logit = math.log(base / (1 - base)) + exact
        p = scorer.probability(x)
        if 1e-9 < p < 1 - 1e-9:  # beyond, 1 - p has too few digits left to compare
            assert logit == pytest.approx(math.log(p / (1 - p)), abs=1e-6)
        small = exact - sum(i["contribution"] for i in everything)
        assert abs(small) <= MIN_CONTRIBUTION * len(FEATURE_NAMES)


def test_explanations_carry_no_personal_data(shipped: LoadedModel) -> None:
    body = signup(first_name="Annelies", last_name="Vanderstraeten", email="annelies@mail.ru")
    text = json.dumps(shipped.explain(signals_of(body, shipped)))
    for value in ("Annelies", "Vanderstraeten", "annelies", "mail.ru", "+32", "Bruxelles"):
        assert value not in text
