"""Fit the name-plausibility pipeline and measure it (serving: `core.model.names`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from screening.core.model.names import N_FEATURES, NGRAMS, C
from screening.training.name_corpus import Example


def build_pipeline(seed: int) -> Pipeline:
    """Return the unfitted name pipeline."""
    return Pipeline(
        [
            (
                "ngrams",
                HashingVectorizer(
                    analyzer="char_wb",
                    ngram_range=NGRAMS,
                    n_features=N_FEATURES,
                    alternate_sign=False,
                    norm="l2",
                    lowercase=True,
                ),
            ),
            ("classifier", LogisticRegression(C=C, solver="liblinear", random_state=seed)),
        ]
    )


def fit(examples: Sequence[Example], *, seed: int) -> Pipeline:
    """Fit the name pipeline on training examples (real names are the positive class)."""
    pipeline = build_pipeline(seed)
    pipeline.fit([e.text for e in examples], np.array([e.real for e in examples], dtype=int))
    return pipeline


def held_out_metrics(pipeline: Pipeline, examples: Sequence[Example]) -> dict[str, float]:
    """Return ROC AUC and error rates (at 0.5) on held-out examples."""
    texts = [e.text for e in examples]
    real = np.array([e.real for e in examples], dtype=bool)
    p = pipeline.predict_proba(texts)[:, 1]
    return {
        "roc_auc": round(float(roc_auc_score(real, p)), 4),
        "real_below_0_5": round(float(np.mean(p[real] < 0.5)), 4),
        "junk_at_or_above_0_5": round(float(np.mean(p[~real] >= 0.5)), 4),
        "n_real": int(real.sum()),
        "n_junk": int((~real).sum()),
    }
