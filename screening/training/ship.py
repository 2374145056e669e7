"""Train, assess and write the shipped artifact, its manifest and its card; re-assess it later."""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops

from screening.config import DEFAULT_POLICY
from screening.core.model import artifact
from screening.core.model.names import N_FEATURES, NGRAMS
from screening.core.policy import load_policy
from screening.core.rules.ruleset import RuleSet
from screening.training import card, real_names
from screening.training import data as model_data
from screening.training.data import Row
from screening.training.report import assess, training_summary
from screening.training.train import Progress, Trained, TrainSettings, train

CARD_NAME = "MODEL_CARD.md"


def _trimmed(report: dict[str, Any]) -> dict[str, Any]:
    # The manifest keeps every headline figure; the per-locale tables live in the card.
    out = dict(report)
    out["fairness"] = {
        label: {k: v for k, v in table.items() if k != "by_locale"}
        for label, table in report["fairness"].items()
    }
    return out


def write(trained: Trained, report: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the artifact at ``path``, its manifest beside it and the card in its folder."""
    manifest = artifact.dump(
        path,
        risk=trained.chosen.model,
        names=trained.name_model.pipeline,
        reference=trained.reference,
        habits=trained.habits,
        manifest={
            "model": {
                "kind": trained.chosen.name,
                "calibration": "sigmoid (Platt), grouped 5-fold",
                "name_model": (
                    f"char_wb {NGRAMS[0]}-{NGRAMS[1]}-grams hashed to {N_FEATURES}, "
                    "logistic regression"
                ),
            },
            "training": {
                "settings": dataclasses.asdict(trained.settings),
                "data_sha256": trained.data_sha256,
                "rows": {
                    "train": len(trained.train_rows),
                    "test": len(trained.test_rows),
                    "fairness": len(trained.fairness_rows),
                    "review_labels": trained.review_rows,
                },
                "seconds": trained.timings,
                "versions": {
                    "python": platform.python_version(),
                    "scikit-learn": sklearn.__version__,
                    "skops": skops.__version__,
                    "numpy": np.__version__,
                    "scipy": scipy.__version__,
                },
            },
            "metrics": _trimmed(report),
        },
    )
    (path.parent / CARD_NAME).write_text(card.render(manifest, report), encoding="utf-8")
    return manifest


def train_and_write(
    settings: TrainSettings,
    path: Path,
    rule_set: RuleSet,
    *,
    review_rows: Sequence[Row] = (),
    progress: Progress | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Train with ``settings``, assess under ``rule_set``, write everything; return both."""
    trained = train(settings, review_rows=review_rows, progress=progress)
    if progress is not None:
        progress("assessing with the rule set")
    report = {
        **assess(trained.scorer, trained.test_rows, trained.fairness_rows, rule_set),
        **training_summary(trained),
    }
    if progress is not None:
        progress("screening the real-name evaluation (names never trained on)")
    report["real_names"] = real_names.evaluate(rule_set, trained, load_policy(DEFAULT_POLICY))
    return write(trained, report, path), report


def evaluate_artifact(
    path: Path, rule_set: RuleSet, *, workers: int = 2, progress: Progress | None = None
) -> dict[str, Any]:
    """Re-assess a shipped artifact on the held-out data its manifest's settings rebuild."""
    loaded = artifact.load(path)
    fields = {f.name for f in dataclasses.fields(TrainSettings)}
    stored = loaded.manifest.get("training", {}).get("settings", {})
    settings = TrainSettings(**{k: v for k, v in stored.items() if k in fields})
    if progress is not None:
        progress(
            f"screening {settings.n} synthetic signups and about {settings.fairness_n} more "
            "per script group (fairness)"
        )
    rows, fairness, _habits = model_data.build(
        settings.n,
        seed=settings.seed,
        fraud_rate=settings.fraud_rate,
        fairness_n=settings.fairness_n,
        name_model=loaded.name_scorer.pipeline,
        workers=workers,
    )
    _train, test = model_data.split(rows, test_share=settings.test_share, seed=settings.seed)
    report = assess(loaded.scorer, test, fairness, rule_set)
    report["real_names"] = real_names.evaluate(rule_set, loaded, load_policy(DEFAULT_POLICY))
    return report
