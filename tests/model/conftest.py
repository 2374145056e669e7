"""Fixtures for the model tests: the shipped artifact, and one small training run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screening.cli import main
from screening.config import DEFAULT_MODEL
from screening.core.model.artifact import LoadedModel, load, manifest_path


@pytest.fixture(scope="session")
def shipped() -> LoadedModel:
    return load(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {
        "SCREENING_ENV": "test",
        "SCREENING_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "SCREENING_HMAC_KEYS": "t1:" + "x" * 40,
        "SCREENING_SECRET_KEY": "s" * 40,
    }


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> dict[str, Any]:
    """Train once on a small sample with `screening model train`, as an operator would."""
    path: Path = tmp_path_factory.mktemp("model") / "risk-model.skops"
    sizes = ["--n", "2000", "--fairness-n", "200", "--habits-n", "1000"]
    sizes += ["--name-sample", "6000", "--workers", "1"]
    result = CliRunner().invoke(
        main, ["model", "train", *sizes, "--seed", "11", "--out", str(path)], env=cli_env
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads(manifest_path(path).read_text())
    return {
        "path": path,
        "manifest": manifest,
        "report": manifest["metrics"],
        "output": result.output,
    }
