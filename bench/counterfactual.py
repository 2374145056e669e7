"""Benchmark: ``what_would_change`` on recorded decisions (the customer view's extra work).

Synthetic signups are checked and decided once up front with the shipped rules and
model; the timed part is what ``GET /v1/decisions/{id}`` adds for a held or declined
decision: four re-evaluations of the rules and four model scores.

    .venv/bin/python bench/counterfactual.py [--n 2000] [--seed 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from screening.config import DEFAULT_MODEL, DEFAULT_POLICY, DEFAULT_RULES
from screening.core.counterfactual import what_would_change
from screening.core.model.artifact import load
from screening.core.pipeline import Context, screen, warm_up
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set
from screening.training.synth import REFERENCE_DATE, population


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    warm_up()
    model = load(DEFAULT_MODEL)
    rule_set = load_rule_set(DEFAULT_RULES)
    context = Context(
        policy=load_policy(DEFAULT_POLICY),
        rule_set=rule_set,
        today=REFERENCE_DATE,
        name_scorer=model.name_scorer,
        scorer=model.scorer,
    )
    decided = [screen(row.body, context) for row in population(args.n, seed=args.seed)]
    held = [s for s in decided if s.decision.outcome != "approve"]
    timings: list[float] = []
    named = 0
    for screened in held:
        started = time.perf_counter_ns()
        changes = what_would_change(
            screened.signals, rule_set, outcome=screened.decision.outcome, scorer=model.scorer
        )
        timings.append((time.perf_counter_ns() - started) / 1000)
        named += bool(changes)
    if not timings:
        print("no held or declined decision in the sample; raise --n")
        return
    timings.sort()
    print(f"decisions: {len(decided)}, held or declined: {len(held)}, with a change named: {named}")
    print(
        f"what_would_change: median {statistics.median(timings):.0f} µs, "
        f"p99 {timings[int(0.99 * (len(timings) - 1))]:.0f} µs, max {timings[-1]:.0f} µs"
    )


if __name__ == "__main__":
    main()
