"""Fit the name model and the risk model, compare candidates, and pick the one to ship.

Everything is seeded: the same :class:`TrainSettings` give the same data, the same fits and
the same metrics on any machine (the shipped artifact's settings are in its manifest).

Candidates, each calibrated with Platt scaling over grouped 5-fold cross-validation:

* ``logistic_regression``: standardised features, L2-regularised logistic regression;
* ``gradient_boosting``: scikit-learn's histogram gradient-boosted trees.

Only a candidate that can serve within the request-path budget (150 µs for the model part)
with exact explanations may ship; today that is the logistic model, through
:class:`~screening.core.model.scoring.RiskScorer`. The trees are fitted and measured on the same
held-out split so the card can show what the choice costs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from screening.core.model import names
from screening.core.model.features import DIRECTIONS, FEATURE_NAMES, FEATURES, vector
from screening.core.model.habits import HabitCounts, Habits
from screening.core.model.scoring import RiskScorer
from screening.training import data as model_data
from screening.training import name_corpus
from screening.training import names as name_training
from screening.training.data import Row

SHIPPED_SEED = 20_251_125
# Inverse L2 strength of the logistic model (on standardised features).
C = 1.0
SERVABLE = frozenset({"logistic_regression"})
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainSettings:
    """What to train on. The defaults are the shipped model's settings."""

    n: int = 60_000
    seed: int = SHIPPED_SEED
    fraud_rate: float = 0.2
    test_share: float = 0.3
    # Extra ordinary people (another seed, never trained on) for per-script hold rates:
    # about this many of each script group, so that a rate of a few in ten thousand is
    # measured on enough people to compare groups (screening.training.synth.legitimate_by_script).
    fairness_n: int = 10_000
    # Extra ordinary people (never rows: only counted) whose mail providers and phone regions
    # per address country say what is usual there (screening.core.model.habits). A service
    # learns that from its history; a small sample would call a small country's ordinary
    # habits unusual for want of evidence.
    habits_n: int = 150_000
    # Real names and as many junk strings; None uses the whole corpus (~150,000 strings).
    name_sample: int | None = None
    folds: int = 5
    # Processes that draw and check signups (the data are the same with any number). More
    # than one spawns workers, so a script calling train() needs the __main__ guard.
    workers: int = 1


@dataclass(frozen=True)
class NameModelResult:
    """The fitted name pipeline and how a fit on 85% of the names did on the other 15%."""

    pipeline: Any
    held_out: dict[str, Any]
    by_script: dict[str, dict[str, float]]


@dataclass
class Candidate:
    """One fitted risk model and its held-out scores and metrics."""

    name: str
    model: Any
    scores: np.ndarray
    metrics: dict[str, float]
    servable: bool
    sklearn_latency_us: float
    left_out: list[str] = field(default_factory=list)


@dataclass
class Trained:
    """Everything training produced: models, the data they saw, and the comparison."""

    settings: TrainSettings
    name_model: NameModelResult
    name_scorer: names.NameScorer
    chosen: Candidate
    candidates: list[Candidate]
    scorer: RiskScorer
    reference: list[float]
    habits: Habits
    train_rows: list[Row]
    test_rows: list[Row]
    fairness_rows: list[Row]
    data_sha256: str
    review_rows: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _sample(examples: list[name_corpus.Example], k: int | None, seed: int) -> list[Any]:
    if k is None or k >= len(examples):
        return examples
    return random.Random(f"screening.core.model.names/{seed}").sample(examples, k)


def fit_names(settings: TrainSettings, progress: Progress | None = None) -> NameModelResult:
    """Fit the name model on every name; report a fit on 85% of them against the other 15%."""
    train, test = name_corpus.corpus(seed=settings.seed)
    k = settings.name_sample
    held_k = None if k is None else max(200, round(k * len(test) / len(train)))
    _say(progress, "fitting the name model on 85% of names (held-out check)")
    trial = name_training.fit(_sample(train, k, settings.seed), seed=settings.seed)
    held = _sample(test, held_k, settings.seed)
    by_script: dict[str, dict[str, float]] = {}
    real = [e for e in held if e.real]
    if real:
        p = trial.predict_proba([e.text for e in real])[:, 1]
        groups: dict[str, list[float]] = {}
        for example, prob in zip(real, p, strict=True):
            groups.setdefault(name_corpus.script(example.text), []).append(float(prob))
        by_script = {
            s: {"n": len(v), "flagged": round(float(np.mean(np.array(v) < 0.5)), 4)}
            for s, v in sorted(groups.items())
        }
    _say(progress, "fitting the name model on all names")
    pipeline = name_training.fit(_sample(train + test, k, settings.seed), seed=settings.seed)
    return NameModelResult(pipeline, name_training.held_out_metrics(trial, held), by_script)


def matrix(rows: Sequence[Row], habits: Habits) -> tuple[np.ndarray, np.ndarray]:
    """Return the feature matrix and the fraud labels (1) of ``rows``."""
    x = np.array([vector(row.signals, habits) for row in rows], dtype=float)
    x = x.reshape(-1, len(FEATURES))
    y = np.array([1 if row.fraud else 0 for row in rows], dtype=int)
    return x, y


def candidates(seed: int) -> dict[str, Any]:
    """Return the unfitted candidate estimators (before calibration).

    Both honour :data:`~screening.core.model.features.DIRECTIONS`: the trees through monotonic
    constraints, the logistic model through :func:`fit_calibrated`.
    """
    return {
        "logistic_regression": Pipeline(
            [
                ("scale", StandardScaler()),
                ("logistic", LogisticRegression(C=C, max_iter=5000, random_state=seed)),
            ]
        ),
        "gradient_boosting": HistGradientBoostingClassifier(
            monotonic_cst=list(DIRECTIONS), early_stopping=True, random_state=seed
        ),
    }


def _coefficients(model: Any) -> np.ndarray | None:
    estimator = model.calibrated_classifiers_[0].estimator
    if isinstance(estimator, Pipeline):
        return np.asarray(estimator.steps[-1][1].coef_).ravel()
    return None


def fit_calibrated(
    estimator: Any, x: np.ndarray, y: np.ndarray, splits: list[Any]
) -> tuple[Any, list[str]]:
    """Fit with Platt calibration; return the model and the features it had to leave out.

    A linear model cannot take monotonic constraints, so a raise-only feature that comes
    out with a negative weight is left out (its column zeroed, so its weight is exactly 0)
    and the model is refitted, until every raise-only weight is positive or zero.
    """
    raise_only = np.array(DIRECTIONS, dtype=bool)
    keep = np.ones(x.shape[1], dtype=bool)
    while True:
        model = CalibratedClassifierCV(
            clone(estimator), method="sigmoid", cv=splits, ensemble=False
        ).fit(x * keep, y)
        coef = _coefficients(model)
        wrong = keep & raise_only & (coef < 0) if coef is not None else keep & False
        if not wrong.any():
            return model, [FEATURE_NAMES[i] for i in np.flatnonzero(~keep)]
        keep &= ~wrong


def _latency_us(model: Any, x: np.ndarray) -> float:
    row = x[:1]
    model.predict_proba(row)
    started = time.perf_counter()
    for _ in range(50):
        model.predict_proba(row)
    return round((time.perf_counter() - started) / 50 * 1e6, 1)


def metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Return the held-out ranking and calibration metrics of scores ``p``."""
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "pr_auc": round(float(average_precision_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "log_loss": round(float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6))), 4),
    }


def fit_risk(
    train_rows: Sequence[Row], test_rows: Sequence[Row], habits: Habits, settings: TrainSettings
) -> list[Candidate]:
    """Fit every candidate with calibration and score the held-out rows."""
    x, y = matrix(train_rows, habits)
    xt, yt = matrix(test_rows, habits)
    groups = [row.group for row in train_rows]
    folds = StratifiedGroupKFold(settings.folds, shuffle=True, random_state=settings.seed)
    splits = list(folds.split(x, y, groups))
    out = []
    for name, estimator in candidates(settings.seed).items():
        model, left_out = fit_calibrated(estimator, x, y, splits)
        scores = model.predict_proba(xt)[:, 1]
        out.append(
            Candidate(
                name=name,
                model=model,
                scores=scores,
                metrics=metrics(yt, scores),
                servable=name in SERVABLE,
                sklearn_latency_us=_latency_us(model, xt),
                left_out=left_out,
            )
        )
    return out


def choose(found: Sequence[Candidate]) -> Candidate:
    """Return the servable candidate with the best held-out ROC AUC."""
    servable = [c for c in found if c.servable]
    if not servable:
        raise RuntimeError("no candidate can serve within the request-path budget")
    return max(servable, key=lambda c: (c.metrics["roc_auc"], c.metrics["pr_auc"]))


def reference(train_rows: Sequence[Row], habits: Habits) -> list[float]:
    """Return the explanation baseline: 0 for binary features, else the legitimate median."""
    x, y = matrix(train_rows, habits)
    legit = x[y == 0] if (y == 0).any() else x
    return [
        0.0 if feature.binary else round(float(np.median(legit[:, i])), 6)
        for i, feature in enumerate(FEATURES)
    ]


def train(
    settings: TrainSettings,
    *,
    review_rows: Sequence[Row] = (),
    progress: Progress | None = None,
) -> Trained:
    """Train the shipped pair of models from ``settings`` (plus analysts' labelled rows)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    name_result = fit_names(settings, progress)
    name_scorer = names.NameScorer(name_result.pipeline)
    timings["names"] = time.perf_counter() - started

    started = time.perf_counter()
    _say(
        progress,
        f"screening {settings.n} synthetic signups, about {settings.fairness_n} more per script "
        f"group (fairness) and counting {settings.habits_n} more (habits)",
    )
    rows, fairness_rows, habit_counts = model_data.build(
        settings.n,
        seed=settings.seed,
        fraud_rate=settings.fraud_rate,
        fairness_n=settings.fairness_n,
        name_model=name_result.pipeline,
        habits_n=settings.habits_n,
        workers=settings.workers,
    )
    train_rows, test_rows = model_data.split(
        rows, test_share=settings.test_share, seed=settings.seed
    )
    # Analysts' labels only ever train: the held-out split stays comparable between releases.
    train_rows = train_rows + list(review_rows)
    timings["data"] = time.perf_counter() - started

    started = time.perf_counter()
    _say(progress, "fitting and comparing the risk models")
    legit_signals = (row.signals for row in train_rows if not row.fraud)
    habits = Habits.from_counts(habit_counts.merge(HabitCounts.of(legit_signals)))
    found = fit_risk(train_rows, test_rows, habits, settings)
    chosen = choose(found)
    ref = reference(train_rows, habits)
    scorer = RiskScorer(chosen.model, ref, habits)
    x, y = matrix(train_rows, habits)
    timings["risk"] = time.perf_counter() - started
    return Trained(
        settings=settings,
        name_model=name_result,
        name_scorer=name_scorer,
        chosen=chosen,
        candidates=found,
        scorer=scorer,
        reference=ref,
        habits=habits,
        train_rows=train_rows,
        test_rows=test_rows,
        fairness_rows=fairness_rows,
        data_sha256=model_data.data_hash(x, y),
        review_rows=len(review_rows),
        timings={k: round(v, 1) for k, v in timings.items()},
    )


__all__ = ["FEATURE_NAMES", "TrainSettings", "Trained", "train"]
