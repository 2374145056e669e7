"""`screening model ...`: synthetic data, training with analysts' labels, re-assessment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screening.cli import main
from screening.cli.model import review_rows
from screening.core.model.artifact import load
from tests.helpers import hold_every_signup
from tests.rights.flows import ANNELIES, BORIS, call, contest_and_resolve, screen


def test_synth_writes_a_seeded_labelled_population() -> None:
    first = CliRunner().invoke(main, ["model", "synth", "--n", "40", "--seed", "3"])
    again = CliRunner().invoke(main, ["model", "synth", "--n", "40", "--seed", "3"])
    assert first.exit_code == 0, first.output
    assert first.output == again.output
    rows = [json.loads(line) for line in first.output.splitlines()]
    assert len(rows) == 40
    assert {r["label"] for r in rows} == {"legitimate", "fraud"}
    assert sum(r["label"] == "fraud" for r in rows) == 8
    assert all({"first_name", "email", "phone", "address"} <= set(r["body"]) for r in rows)


@pytest.mark.parametrize("right", ["objection", "restriction"])
def test_labels_leave_out_subjects_who_objected_or_restricted(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str, right: str
) -> None:
    hold_every_signup(runtime)  # both can be contested (an approval cannot)
    theirs = screen(client, screen_key, ANNELIES)
    mine = screen(client, screen_key, BORIS)
    contest_and_resolve(client, analyst_key, theirs, "It is really me.", "Checked the ID.")
    contest_and_resolve(client, analyst_key, mine, "It is really me.", "Checked the ID.")
    assert {r.group for r in review_rows(runtime.settings.database_url)} == {
        theirs["decision_id"],
        mine["decision_id"],
    }

    response = call(
        client, admin_key, "POST", f"/v1/subjects/{right}", {"email": ANNELIES["email"]}
    )
    assert response.status_code == 200, response.get_json()
    rows = review_rows(runtime.settings.database_url)
    assert [r.group for r in rows] == [mine["decision_id"]]
    row = rows[0]
    assert row.source == "review" and row.fraud is False
    assert "email.valid_syntax" in row.signals and "velocity.email_24h" in row.signals


def test_train_then_evaluate_from_the_command_line(
    small_run: dict[str, Any], cli_env: dict[str, str]
) -> None:
    assert "ROC AUC" in small_run["output"]
    target = small_run["path"]
    manifest = load(target).manifest
    assert manifest["training"]["settings"]["n"] == 2000
    assert (target.parent / "MODEL_CARD.md").exists()

    evaluated = CliRunner().invoke(
        main, ["model", "evaluate", "--model", str(target), "--workers", "1", "--json"], env=cli_env
    )
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.output[evaluated.output.index("{") :])
    # Rebuilt from the manifest's settings, the held-out figures are the training run's.
    assert report["held_out"] == manifest["metrics"]["held_out"]
    assert report["decisions"]["shipped"] == manifest["metrics"]["decisions"]["shipped"]


def test_a_broken_artifact_fails_evaluate_clearly(tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["model", "evaluate", "--model", str(tmp_path / "none.skops")], env=cli_env
    )
    assert result.exit_code == 2
    assert "error: The model manifest none.json is missing." in result.output
