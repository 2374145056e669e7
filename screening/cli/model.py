"""The ``screening model`` commands: make training data, train and assess the risk model.

``train`` writes the artifact, its manifest and ``MODEL_CARD.md`` beside the configured model
path (``SCREENING_MODEL``, by default the shipped ``screening/data/models/risk-model.skops``). With
``--with-labels`` it adds analysts' resolved review labels from the database, leaving out the
decisions of anyone who objected or whose processing is restricted.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from screening.cli.common import _fail, _settings
from screening.errors import ScreeningError


@click.group("model")
def group() -> None:
    """Train, assess and inspect the risk model."""


def _progress(started: float) -> Any:
    def say(message: str) -> None:
        click.echo(f"[{time.perf_counter() - started:6.1f}s] {message}", err=True)

    return say


@group.command("synth")
@click.option("--n", "n", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--fraud-rate", type=click.FloatRange(0.0, 1.0), default=0.2, show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True
)
def synth(n: int, seed: int, fraud_rate: float, out: str) -> None:
    """Write a seeded, labelled synthetic population as JSON Lines (one signup a line)."""
    from screening.training.synth import population

    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for row in population(n, seed=seed, fraud_rate=fraud_rate):
            record = {
                "body": row.body,
                "label": row.label,
                "pattern": row.pattern,
                "locale": row.locale,
                "script": row.script,
                "actor": row.actor,
            }
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if stream is not sys.stdout:
            stream.close()


def review_rows(database_url: str) -> list[Any]:
    """Return training rows from resolved review labels, without excluded subjects' decisions."""
    from sqlalchemy import select

    from screening.store import Database
    from screening.store.models import Decision
    from screening.store.rulesets import review_labels
    from screening.store.subjects import training_exclusions
    from screening.training.data import labelled_rows

    db = Database(database_url)
    try:
        with db.session() as session:
            labels = review_labels(session)
            excluded = training_exclusions(session)
            wanted = sorted(set(labels) - excluded)
            items = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                stmt = select(Decision.id, Decision.signals).where(Decision.id.in_(chunk))
                items += [(i, dict(s or {}), labels[i]) for i, s in session.execute(stmt)]
    finally:
        db.dispose()
    return labelled_rows(items)


@group.command("train")
@click.option("--with-labels", is_flag=True, help="Add analysts' resolved review labels.")
@click.option("--seed", type=int, default=None, help="Random seed (default: the shipped one).")
@click.option("--n", "n", type=click.IntRange(min=500), default=None, help="Synthetic signups.")
@click.option(
    "--fairness-n",
    type=click.IntRange(min=0),
    default=None,
    help="Extra ordinary people of each script group for the fairness tables.",
)
@click.option(
    "--habits-n",
    type=click.IntRange(min=0),
    default=None,
    help="Extra ordinary people counted for what is usual per country (never trained on).",
)
@click.option(
    "--name-sample",
    type=click.IntRange(min=1000),
    default=None,
    help="Fit the name model on this many strings only (quick trials; default: all).",
)
@click.option("--workers", type=click.IntRange(1, 2), default=2, show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help="Artifact path to write."
)
@click.option("--rules", type=click.Path(exists=True, dir_okay=False), default=None)
def train(
    with_labels: bool,
    seed: int | None,
    n: int | None,
    fairness_n: int | None,
    habits_n: int | None,
    name_sample: int | None,
    workers: int,
    out: str | None,
    rules: str | None,
) -> None:
    """Train the name and risk models; write the artifact, manifest and model card."""
    from screening.core.rules.ruleset import load_rule_set
    from screening.training.ship import train_and_write
    from screening.training.train import TrainSettings

    settings = _settings()
    started = time.perf_counter()
    defaults = TrainSettings()
    train_settings = TrainSettings(
        n=n if n is not None else defaults.n,
        seed=seed if seed is not None else defaults.seed,
        fairness_n=fairness_n if fairness_n is not None else defaults.fairness_n,
        habits_n=habits_n if habits_n is not None else defaults.habits_n,
        name_sample=name_sample,
        workers=workers,
    )
    target = Path(out) if out else Path(settings.model_path)
    try:
        rule_set = load_rule_set(Path(rules) if rules else settings.rules_path)
        extra = review_rows(settings.database_url) if with_labels else []
        if with_labels:
            click.echo(f"review labels: {len(extra)}", err=True)
        manifest, report = train_and_write(
            train_settings, target, rule_set, review_rows=extra, progress=_progress(started)
        )
    except ScreeningError as exc:
        _fail(exc)
    click.echo(_summary(manifest["version"], report))
    click.echo(f"wrote {target} and its manifest and model card", err=True)


@group.command("evaluate")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None)
@click.option("--rules", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--workers", type=click.IntRange(1, 2), default=2, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the full assessment as JSON.")
def evaluate(model_path: str | None, rules: str | None, workers: int, as_json: bool) -> None:
    """Re-assess the artifact on the held-out data its manifest's settings rebuild."""
    from screening.core.rules.ruleset import load_rule_set
    from screening.training.ship import evaluate_artifact

    settings = _settings()
    path = Path(model_path) if model_path else Path(settings.model_path)
    try:
        rule_set = load_rule_set(Path(rules) if rules else settings.rules_path)
        report = evaluate_artifact(
            path, rule_set, workers=workers, progress=_progress(time.perf_counter())
        )
    except ScreeningError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(_summary(path.name, report))


def _summary(name: str, report: dict[str, Any]) -> str:
    held = report["held_out"]
    lines = [f"model {name}: ROC AUC {held['roc_auc']}, PR AUC {held['pr_auc']}"]
    for label in ("shipped", "recommended"):
        th = report["thresholds"][label]
        d = report["decisions"][label]
        f = report["fairness"][label]
        clearly = ", ".join(f["clearly_above_twice_latin"]) or "none"
        lines.append(
            f"{label} thresholds review {th['review']} decline {th['decline']}: "
            f"legitimate declined {d['legit_declined']:.2%}, reviewed {d['legit_reviewed']:.2%}; "
            f"fraud not approved {d['fraud_not_approved']:.2%}; script ratio "
            f"{f['script_ratio']} (clearly above 2x: {clearly})"
        )
    return "\n".join(lines)
