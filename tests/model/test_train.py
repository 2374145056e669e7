"""Training: seeded data, both candidates compared, the logistic model shipped with its card."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from screening.core.model.artifact import load
from screening.core.model.features import FEATURE_NAMES
from screening.core.model.habits import Habits
from screening.training import data
from screening.training.train import matrix


def test_training_writes_a_loadable_artifact_manifest_and_card(small_run: dict[str, Any]) -> None:
    path = small_run["path"]
    manifest = small_run["manifest"]
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    loaded = load(path)
    assert loaded.version == manifest["version"]
    assert manifest["training"]["settings"]["seed"] == 11
    assert manifest["model"]["kind"] == "logistic_regression"
    card = (path.parent / "MODEL_CARD.md").read_text()
    for heading in (
        "## Intended use",
        "## Data",
        "## Features",
        "## Models compared",
        "## Metrics",
        "## Fairness",
        "## Limitations",
        "## How to retrain",
    ):
        assert heading in card
    assert manifest["version"] in card and manifest["sha256"] in card


def test_both_candidates_are_compared_on_the_held_out_split(small_run: dict[str, Any]) -> None:
    report = small_run["report"]
    names = {c["name"]: c for c in report["candidates"]}
    assert set(names) == {"logistic_regression", "gradient_boosting"}
    assert names["logistic_regression"]["servable"] and not names["gradient_boosting"]["servable"]
    assert report["model"] == "logistic_regression"
    assert set(report["left_out"]) <= set(FEATURE_NAMES)
    assert 0.9 < report["held_out"]["roc_auc"] <= 1.0
    assert report["held_out"]["roc_auc"] == names["logistic_regression"]["roc_auc"]


def test_the_report_has_every_table_the_card_prints(small_run: dict[str, Any]) -> None:
    report = small_run["report"]
    for label in ("shipped", "recommended"):
        fairness = report["fairness"][label]
        groups = {g["group"] for g in fairness["by_script"]}
        assert "Latin" in groups and len(groups) >= 5
        assert {g["group"] for g in fairness["by_region"]} >= {"europe", "asia"}
        assert 0.0 <= report["decisions"][label]["legit_declined"] <= 1.0
    assert (
        report["thresholds"]["recommended"]["review"]
        < report["thresholds"]["recommended"]["decline"]
    )
    assert sum(b["n"] for b in report["calibration"]) == report["rows"]["test"]
    assert "burst" in {p["pattern"] for p in report["patterns"]["shipped"]}


def test_the_same_seed_gives_the_same_rows() -> None:
    first, fair1, _ = data.build(
        300, seed=4, fraud_rate=0.2, fairness_n=50, name_model=None, workers=1
    )
    again, fair2, _ = data.build(
        300, seed=4, fraud_rate=0.2, fairness_n=50, name_model=None, workers=1
    )
    assert [r.signals for r in first] == [r.signals for r in again]
    assert [r.signals for r in fair1] == [r.signals for r in fair2]
    assert len(first) >= 300  # plus ordinary retries
    x1, y1 = matrix(first, Habits())
    x2, y2 = matrix(again, Habits())
    assert data.data_hash(x1, y1) == data.data_hash(x2, y2)


@pytest.mark.slow
def test_two_workers_give_the_same_rows_as_one() -> None:
    sizes = {"fraud_rate": 0.2, "fairness_n": 60, "habits_n": 300, "name_model": None}
    one = data.build(400, seed=8, **sizes, workers=1)  # type: ignore[arg-type]
    two = data.build(400, seed=8, **sizes, workers=2)  # type: ignore[arg-type]
    assert [r.signals for r in one.population] == [r.signals for r in two.population]
    assert [r.signals for r in one.fairness] == [r.signals for r in two.fairness]
    assert one.habits == two.habits


def test_habit_people_are_counted_per_country_and_never_become_rows() -> None:
    built = data.build(200, seed=3, fraud_rate=0.2, fairness_n=0, habits_n=500, name_model=None)
    assert len(built.fairness) == 0
    assert 200 <= len(built.population) < 220  # the population (and its retries) only
    counted = sum(sum(c.values()) for c in built.habits.regions.values())
    assert 450 <= counted <= 500  # every valid phone of the 500, under its address country
    assert all(len(country) == 2 for country in built.habits.regions)


def test_bursts_count_variants_and_retries_repeat_exactly() -> None:
    rows, _, _ = data.build(1500, seed=2, fraud_rate=0.3, fairness_n=0, name_model=None, workers=1)
    bursts = [r for r in rows if r.pattern.startswith("burst")]
    assert max(r.signals["velocity.email_stem_24h"] for r in bursts) >= 2
    retries = [r for r in rows if r.pattern == "retry"]
    assert retries and all(r.signals["velocity.email_24h"] >= 1 for r in retries)
    assert not any(r.fraud for r in retries)


def test_the_split_keeps_a_burst_on_one_side() -> None:
    rows, _, _ = data.build(1200, seed=6, fraud_rate=0.3, fairness_n=0, name_model=None, workers=1)
    train, test = data.split(rows, test_share=0.3, seed=6)
    assert not {r.group for r in train} & {r.group for r in test}
    assert 0.2 < len(test) / len(rows) < 0.4
