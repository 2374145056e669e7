"""Benchmark: fairness to real people, before and after "a decline needs strong evidence".

Prints, for the held-out split of the training data and for the real-name evaluation
(names from outside the generator, never trained on): ROC AUC, legitimate signups declined
and reviewed, fraud not approved overall and per pattern (and, after, caught in all with
linked review cases), and the worst script's and country's hold rate beside Latin's,
before and after.

"Before" is a rule set and model of an earlier release, read with ``git show``
(``--before-ref``, by default the last commit before this change), decided as then: any
decline rule and any score could decline alone. "After" is this tree's rules and model,
with the evidence rule. Both see the same synthetic signups, checked by this tree's
checks with each model's own name model.

    .venv/bin/python bench/fairness.py [--n 20000] [--before-ref REF] [--workers 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from screening.config import DEFAULT_MODEL, DEFAULT_POLICY, DEFAULT_RULES
from screening.core.model.artifact import LoadedModel, load, manifest_path
from screening.core.policy import load_policy
from screening.core.rules.ruleset import RuleSet, load_rule_set
from screening.training import data as model_data
from screening.training import evaluate as ev
from screening.training import real_names

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "f42e979"


def from_git(ref: str, folder: Path) -> tuple[Path, Path]:
    """Write the rule set and model of ``ref`` into ``folder``; return their paths."""
    rules = folder / "default.yaml"
    model = folder / "risk-model.skops"

    def show(*paths: str) -> bytes:
        # The shipped files moved into the package (screening/data/) at some point.
        for path in paths:
            done = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{ref}:{path}"], capture_output=True
            )
            if done.returncode == 0:
                return done.stdout
        raise SystemExit(f"{ref} has none of {paths}")

    rules.write_bytes(show("screening/data/rules/default.yaml", "rules/default.yaml"))
    for name, target in (("risk-model.skops", model), ("risk-model.json", manifest_path(model))):
        target.write_bytes(show(f"screening/data/models/{name}", f"models/{name}"))
    return rules, model


def held_out(
    model: LoadedModel, rule_set: RuleSet, *, n: int, seed: int, workers: int, ungated: bool
) -> dict[str, Any]:
    rows, _fair, _habits = model_data.build(
        n, seed=seed, fraud_rate=0.2, fairness_n=0, name_model=model.name_scorer.pipeline,
        workers=workers,
    )  # fmt: skip
    _train, test = model_data.split(rows, test_share=0.3, seed=seed)
    y = np.array([r.fraud for r in test], dtype=bool)
    p = np.array([model.scorer(r.signals) for r in test], dtype=float)
    evaluations = ev.rule_evaluations(test, rule_set)
    if ungated:
        evaluations = ev.without_evidence_gate(evaluations)
    outcomes = ev.outcomes_of(evaluations, p, rule_set.thresholds)
    legit = [(r, o) for r, o in zip(test, outcomes, strict=True) if not r.fraud]
    # Linked review (screening.core.linked) came after the earlier release.
    linked = None if ungated else ev.linked_after(test, list(outcomes))
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "rates": ev.rates(outcomes, y),
        "patterns": ev.pattern_table(test, list(outcomes), linked),
        "legit_patterns": ev.legitimate_pattern_table(test, list(outcomes)),
        "by_script": groups([(r.script, o) for r, o in legit]),
        "by_country": groups([(str(r.signals.get("address.country")), o) for r, o in legit]),
    }


def groups(pairs: Sequence[tuple[str, str]], minimum: int = 100) -> dict[str, dict[str, float]]:
    table: dict[str, list[int]] = {}
    for group, outcome in pairs:
        counts = table.setdefault(group, [0, 0])
        counts[0] += 1
        counts[1] += outcome != "approve"
    return {g: {"n": n, "held_rate": held / n} for g, (n, held) in table.items() if n >= minimum}


def worst(table: Mapping[str, Mapping[str, Any]]) -> tuple[str, float]:
    group = max(table, key=lambda g: (table[g]["held_rate"], g))
    return group, float(table[group]["held_rate"])


def pct(x: float) -> str:
    return f"{x:.2%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20251125)
    # The last commit before issue 14's change.
    parser.add_argument("--before-ref", default=BEFORE)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    policy = load_policy(DEFAULT_POLICY)
    with tempfile.TemporaryDirectory() as tmp:
        before_rules, before_model = from_git(args.before_ref, Path(tmp))
        sides = {
            "before": (load_rule_set(before_rules), load(before_model), True),
            "after": (load_rule_set(DEFAULT_RULES), load(DEFAULT_MODEL), False),
        }
    out: dict[str, Any] = {}
    for label, (rules, model, ungated) in sides.items():
        print(f"[{label}] rules {rules.version}, model {model.version}", file=sys.stderr)
        out[label] = {
            "held_out": held_out(
                model, rules, n=args.n, seed=args.seed, workers=args.workers, ungated=ungated
            ),  # fmt: skip
            "real": real_names.evaluate(rules, model, policy, ungated=ungated),
        }
    print(f"held-out split of {args.n} synthetic signups (seed {args.seed}); "
          "real-name evaluation: names never trained on\n")  # fmt: skip
    print(f"{'':48}{'before':>16}{'after':>16}")

    def line(name: str, get: Any) -> None:
        print(f"{name:48}{get(out['before']):>16}{get(out['after']):>16}")

    line("held-out ROC AUC", lambda s: f"{s['held_out']['roc_auc']:.4f}")
    for key, name in (("legit_declined", "legitimate declined"),
                      ("legit_reviewed", "legitimate reviewed"),
                      ("fraud_not_approved", "fraud not approved"),
                      ("fraud_declined", "fraud declined")):  # fmt: skip
        line(f"held-out {name}", lambda s, k=key: pct(s["held_out"]["rates"][k]))
    for i, p in enumerate(out["after"]["held_out"]["patterns"]):
        line(f"  not approved: {p['pattern']}",
             lambda s, i=i: pct(s["held_out"]["patterns"][i]["not_approved"]))  # fmt: skip
    for i, p in enumerate(out["after"]["held_out"]["patterns"]):
        line(f"  caught in all (linked): {p['pattern']}",
             lambda s, i=i: pct(s["held_out"]["patterns"][i].get(
                 "caught", s["held_out"]["patterns"][i]["not_approved"])))  # fmt: skip
    for i, p in enumerate(out["after"]["held_out"]["legit_patterns"]):
        line(f"  ordinary {p['pattern']} reviewed / declined",
             lambda s, i=i, p=p: next(
                 (f"{q['reviewed']:.1%}/{q['declined']:.1%}"
                  for q in s["held_out"]["legit_patterns"] if q["pattern"] == p["pattern"]),
                 "-"))  # fmt: skip
    for key in ("by_script", "by_country"):
        line(f"held-out worst {key[3:]} hold rate",
             lambda s, k=key: "{} {}".format(*_fmt(worst(s["held_out"][k]))))  # fmt: skip
    line(
        "held-out Latin hold rate",
        lambda s: pct(s["held_out"]["by_script"].get("Latin", {}).get("held_rate", 0.0)),
    )
    line("real names held", lambda s: pct(s["real"]["overall"]["held_rate"]))
    line("real names reviewed", lambda s: str(s["real"]["overall"]["reviewed"]))
    line("real names declined", lambda s: str(s["real"]["overall"]["declined"]))
    for key, word in (("scripts", "script"), ("countries", "country")):
        line(f"real names worst {word}",
             lambda s, k=key: "{} {}".format(*_fmt(worst(s["real"][k]))))  # fmt: skip
    line("real names Latin", lambda s: pct(s["real"]["scripts"]["Latin"]["held_rate"]))


def _fmt(pair: tuple[str, float]) -> tuple[str, str]:
    return pair[0], pct(pair[1])


if __name__ == "__main__":
    main()
