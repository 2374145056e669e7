"""The request-path risk scorer: a calibrated logistic model evaluated in plain Python.

scikit-learn's ``predict_proba`` validates its input on every call (about 0.3 ms for one
row, more than the model part's budget of 150 µs per decision). :class:`RiskScorer` reads
the fitted pipeline once (scaler, logistic weights, Platt calibration), folds them into one
weight vector, and scores a signup's features with a dot product; it proves at construction
that it agrees with ``predict_proba`` on probe rows.

Explanations are exact for this model: the calibrated log-odds is a sum of one term per
feature, ``slope * weight * (value - reference)``, plus a constant. The top terms, signed,
are what a decision stores as its contributions.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from screening.core.checks import SignalValue
from screening.core.model.features import FAST_ORDER, FEATURES, Feature, fast_vector
from screening.core.model.habits import Habits
from screening.errors import ModelError

TOP_CONTRIBUTIONS = 5
# Terms smaller than this (in log-odds) are noise to an analyst and are not listed.
MIN_CONTRIBUTION = 0.05


def _parts(model: Any) -> tuple[StandardScaler, LogisticRegression, float, float]:
    if not isinstance(model, CalibratedClassifierCV) or model.method != "sigmoid":
        raise ModelError("The risk model is not a sigmoid-calibrated classifier.")
    calibrated = getattr(model, "calibrated_classifiers_", None)
    if not calibrated or len(calibrated) != 1:
        raise ModelError("The risk model must hold exactly one calibrated classifier.")
    pipeline = calibrated[0].estimator
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        raise ModelError("The risk model is not a scaler + logistic regression pipeline.")
    scaler, logistic = pipeline.steps[0][1], pipeline.steps[1][1]
    if not isinstance(scaler, StandardScaler) or not isinstance(logistic, LogisticRegression):
        raise ModelError("The risk model is not a scaler + logistic regression pipeline.")
    calibrator = calibrated[0].calibrators[0]
    return scaler, logistic, float(calibrator.a_), float(calibrator.b_)


class ExplainingScorer:
    """A scorer for one decision that keeps the explanation it computed with the score.

    Pass it to :func:`screening.core.pipeline.evaluate` as ``scorer``; afterwards
    ``contributions`` holds the top contributions for that decision's signals.
    """

    def __init__(self, scorer: RiskScorer) -> None:
        self._scorer = scorer
        self.contributions: list[dict[str, Any]] = []

    def __call__(self, signals: Mapping[str, SignalValue]) -> float:
        score, self.contributions = self._scorer.score_and_explain(signals)
        return score


class RiskScorer:
    """Calibrated probability of fraud for one signup's signals, and its explanation.

    Args:
        model: the fitted ``CalibratedClassifierCV`` from :mod:`.train`.
        reference: per feature, the value an explanation measures from (0 for binary
            features, the legitimate training median for the others).
        habits: what ordinary signups of each country use (learned with the model).
        features: the features the model was fitted on (must be :data:`FEATURES`).

    Raises:
        ModelError: if the model is not the supported shape, its width or features differ
            from this release's, or the fast path disagrees with ``predict_proba``.
    """

    def __init__(
        self,
        model: Any,
        reference: Sequence[float],
        habits: Habits,
        features: Sequence[Feature] = FEATURES,
    ) -> None:
        scaler, logistic, a, b = _parts(model)
        coef = np.asarray(logistic.coef_, dtype=float).ravel()
        if coef.shape[0] != len(features) or len(reference) != len(features):
            raise ModelError("The risk model's width does not match the feature list.")
        scale = np.asarray(scaler.scale_ if scaler.scale_ is not None else np.ones_like(coef))
        mean = np.asarray(scaler.mean_ if scaler.mean_ is not None else np.zeros_like(coef))
        weights = coef / scale
        self.features = tuple(features)
        self.habits = habits
        self._model = model
        self._weights: list[float] = weights.tolist()
        self._bias = float(logistic.intercept_[0] - float(np.dot(weights, mean)))
        # Platt scaling: p = 1 / (1 + exp(a * t + b)) on the logistic decision value t.
        self._a, self._b = a, b
        self._reference = [float(r) for r in reference]
        self._terms = [-a * w for w in self._weights]
        if tuple(features) != FEATURES:
            raise ModelError("The risk model's features are not this release's.")
        # The same weights in the order fast_vector() computes the features.
        self._fast = [self._weights[i] for i in FAST_ORDER]
        self._fast_terms = [self._terms[i] for i in FAST_ORDER]
        self._fast_reference = [self._reference[i] for i in FAST_ORDER]
        self.check(self._probes())

    @property
    def terms(self) -> tuple[float, ...]:
        """Per feature, the change of the calibrated log-odds per unit of its value."""
        return tuple(self._terms)

    def _probes(self) -> np.ndarray:
        width = len(self.features)
        rows = [np.array(self._reference), np.zeros(width), np.ones(width)]
        rows += [np.eye(width)[i] for i in range(width)]
        return np.vstack(rows)

    def probability(self, x: Sequence[float]) -> float:
        """Return the calibrated probability of fraud for one feature vector."""
        if len(x) != len(self._weights):
            raise ValueError("feature vector of the wrong width")
        t = self._bias + sum(map(operator.mul, self._weights, x))
        z = self._a * t + self._b
        if z > 700:
            return 0.0
        return 1.0 / (1.0 + math.exp(z))

    def __call__(self, signals: Mapping[str, SignalValue]) -> float:
        """Return the calibrated probability of fraud for one signup's signals (0 to 1)."""
        return self._score(fast_vector(signals, self.habits))

    def explain(
        self, signals: Mapping[str, SignalValue], top: int = TOP_CONTRIBUTIONS
    ) -> list[dict[str, Any]]:
        """Return the features that moved this signup's score most, largest first.

        Each item: ``feature`` (name), ``value`` (its number for this signup),
        ``contribution`` (signed change of the calibrated log-odds against the
        reference signup), ``effect`` ("raises" or "lowers" the risk) and ``text``
        (plain words for the analyst).
        """
        return self._explain(fast_vector(signals, self.habits), top)

    def score_and_explain(
        self, signals: Mapping[str, SignalValue], top: int = TOP_CONTRIBUTIONS
    ) -> tuple[float, list[dict[str, Any]]]:
        """Return the score and the explanation together, computing the features once."""
        x = fast_vector(signals, self.habits)
        return self._score(x), self._explain(x, top)

    def _score(self, x: list[float]) -> float:
        z = self._a * (self._bias + sum(map(operator.mul, self._fast, x))) + self._b
        return round(0.0 if z > 700 else 1.0 / (1.0 + math.exp(z)), 6)

    def _explain(self, x: list[float], top: int) -> list[dict[str, Any]]:
        reference, terms = self._fast_reference, self._fast_terms
        found = []
        for j in [j for j, (v, r) in enumerate(zip(x, reference, strict=True)) if v != r]:
            contribution = terms[j] * (x[j] - reference[j])
            if abs(contribution) >= MIN_CONTRIBUTION:
                found.append((-abs(contribution), FAST_ORDER[j], contribution, x[j]))
        found.sort()
        return [_describe(self.features[i], v, c) for _, i, c, v in found[:top]]

    def check(self, probes: np.ndarray) -> None:
        """Raise ModelError unless the fast path matches ``predict_proba`` on ``probes``."""
        expected = self._model.predict_proba(probes)[:, 1]
        for row, want in zip(probes, expected, strict=True):
            if abs(self.probability(row.tolist()) - float(want)) > 1e-9:
                raise ModelError("The risk model's fast path disagrees with the pipeline.")


def _describe(feature: Feature, value: float, contribution: float) -> dict[str, Any]:
    raises = contribution > 0
    if feature.binary:
        text = feature.words
    else:
        text = feature.words if raises else (feature.low_words or f"not: {feature.words}")
    return {
        "feature": feature.name,
        "value": round(value, 4),
        "contribution": round(contribution, 3),
        "effect": "raises" if raises else "lowers",
        "text": text[:1].upper() + text[1:] + ".",
    }
