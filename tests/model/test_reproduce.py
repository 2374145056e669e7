"""Retraining with the shipped settings reproduces the shipped artifact's held-out ROC AUC
and its real-name evaluation."""

from __future__ import annotations

import dataclasses

import pytest

from screening.config import DEFAULT_POLICY, DEFAULT_RULES
from screening.core.model.artifact import LoadedModel
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set
from screening.training import real_names
from screening.training.train import TrainSettings, train


@pytest.mark.slow
def test_retraining_with_the_shipped_settings_reproduces_the_auc(shipped: LoadedModel) -> None:
    stored = shipped.manifest["training"]["settings"]
    settings = TrainSettings(**stored)
    assert dataclasses.asdict(settings) == stored
    assert settings == dataclasses.replace(TrainSettings(), workers=settings.workers)
    # The fairness sample is only measured, never trained on: left out to save minutes.
    trained = train(dataclasses.replace(settings, fairness_n=0))
    expected = shipped.manifest["metrics"]["held_out"]["roc_auc"]
    assert abs(trained.chosen.metrics["roc_auc"] - expected) <= 0.005
    assert trained.data_sha256 == shipped.manifest["training"]["data_sha256"]
    # The real-name evaluation (names never trained on) comes out the same.
    shipped_real = shipped.manifest["metrics"]["real_names"]["overall"]
    rules, policy = load_rule_set(DEFAULT_RULES), load_policy(DEFAULT_POLICY)
    real = real_names.evaluate(rules, trained, policy)["overall"]
    assert abs(real["held_rate"] - shipped_real["held_rate"]) <= 0.002
    assert real["declined"] == shipped_real["declined"] == 0
