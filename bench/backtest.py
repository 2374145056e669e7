"""Benchmark: backtest a candidate rule set over 100,000 recorded decisions, end to end.

Seeds a temporary database (SQLite by default) with recorded decisions whose
signals come from real checks: synthetic signups (``screening.training.synth``) run
through ``screen`` and the shipped rules, then replicated with variation
(velocity counts, model-free scores, times over 30 days) and bulk-inserted,
with human-review labels on half the held ones and 1 % of the approved ones. Then times what
``screening rules backtest`` does: read the decisions (streamed, only the
signals the candidate reads), replay the candidate, build the report.

    .venv/bin/python bench/backtest.py [--n 100000] [--base 1500] [--seed 1]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]

Prints the seeding time, then the backtest time, its read and replay parts,
decisions per second and the number of distinct signal sets evaluated.
"""

from __future__ import annotations

import argparse
import copy
import random
import secrets
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from screening.config import DEFAULT_POLICY, DEFAULT_RULES
from screening.core.decide import decide
from screening.core.pipeline import Context, screen
from screening.core.policy import load_policy
from screening.core.rules.check import format_report
from screening.core.rules.ruleset import load_rule_set, parse_rule_set
from screening.core.signals import LAYOUT_DIGEST, vector
from screening.core.velocity import SIGNALS as VELOCITY
from screening.service import rules as rules_service
from screening.store import Database
from screening.store import rulesets as store
from screening.store.models import Decision, DecisionEvent
from screening.training.synth import REFERENCE_DATE, burst, population

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def base_signals(n: int, seed: int) -> list[tuple[dict[str, Any], str]]:
    """Return (signals, label) of ``n`` synthetic signups run through the real checks."""
    policy = load_policy(DEFAULT_POLICY)
    rule_set = load_rule_set(DEFAULT_RULES)
    rows = population(n, seed=seed, fraud_rate=0.15) + burst(25, seed=seed)
    context = Context(policy, rule_set, REFERENCE_DATE)
    return [(screen(row.body, context).signals, row.label) for row in rows]


def vary(rng: random.Random, signals: dict[str, Any], label: str) -> dict[str, Any]:
    """Return a copy with plausible velocity counts: mostly 0, higher for fraud and big domains."""
    out = copy.copy(signals)
    busy = label == "fraud" and rng.random() < 0.4
    for signal in VELOCITY:
        name = signal.name
        if name.startswith("velocity.email_domain_"):
            scale = {"1h": 40, "24h": 900, "7d": 6000}[name.rsplit("_", 1)[1]]
            value = rng.randint(0, scale) if signals.get("email.free_provider") else 0
        elif busy:
            value = rng.choice((0, 1, 2, 3, 4, 6, 9))
        else:
            value = 1 if rng.random() < 0.02 else 0
        out[name] = value
    return out


def seed_database(db: Database, n: int, base: int, seed: int) -> int:
    """Insert ``n`` decisions (and review labels); return how many were labelled."""
    rng = random.Random(seed)
    rule_set = load_rule_set(DEFAULT_RULES)
    pool = base_signals(base, seed)
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    labelled = 0
    start = NOW - timedelta(days=29)
    with db.session() as session:
        for i in range(n):
            signals, label = pool[rng.randrange(len(pool))]
            signals = vary(rng, signals, label)
            decision = decide(rule_set.evaluate(signals), rule_set.thresholds)
            decision_id = f"dec_{i:012x}{secrets.token_hex(8)}"
            rows.append(
                {
                    "id": decision_id,
                    "created_at": start + timedelta(seconds=i * 29 * 86_400 / n),
                    "outcome": decision.outcome,
                    "score": decision.score,
                    "risk_total": decision.risk_total,
                    "reasons": [r.to_dict() for r in decision.reasons],
                    "hits": [h.to_dict() for h in decision.hits],
                    "shadow_hits": [h.to_dict() for h in decision.shadow_hits],
                    "shadow_outcome": decision.shadow_outcome,
                    "signals": signals,
                    "signal_layout": LAYOUT_DIGEST,
                    "signal_values": vector(signals),
                    "derived": {},
                    "contributions": [],
                    "discarded_fields": [],
                    "rules_version": "v1",
                    "model_version": "none",
                    "policy_version": "bench",
                    "latency_ms": 1.0,
                    "record_hash": "0" * 64,
                }
            )
            # Reviews label half the held decisions and, from spot checks and chargebacks,
            # a few approved ones.
            if rng.random() < (0.5 if decision.outcome != "approve" else 0.01):
                labelled += 1
                events.append(
                    {
                        "decision_id": decision_id,
                        "seq": 1,
                        "kind": "review_resolved",
                        "data": {"outcome": "approve", "label": label},
                        "actor": "bench",
                        "created_at": NOW,
                        "prev_hash": "0" * 64,
                        "hash": "0" * 64,
                    }
                )
            if len(rows) == 5000:
                session.execute(insert(Decision), rows)
                rows.clear()
        if rows:
            session.execute(insert(Decision), rows)
        if events:
            session.execute(insert(DecisionEvent), events)
    return labelled


def candidate() -> Any:
    """The shipped rules with a lower review threshold and one new velocity rule."""
    document = load_rule_set(DEFAULT_RULES).to_document()
    document["thresholds"]["review"] = 0.4
    document["rules"].append(
        {
            "id": "velocity-email-domain-burst",
            "when": "!email.free_provider && velocity.email_domain_24h >= 5",
            "action": {"score": 0.3},
            "reason": {
                "code": "signup_velocity",
                "field": "email",
                "message": "Several accounts were recently requested from this email domain.",
            },
        }
    )
    return parse_rule_set(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=1500, help="distinct synthetic signups")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--report", action="store_true", help="print the backtest report")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-backtest-"))
    try:
        run(args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}", args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(url: str, args: argparse.Namespace) -> None:
    """Seed the database at ``url``, then time the backtest and print the figures."""
    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    labelled = seed_database(db, args.n, args.base, args.seed)
    seconds = time.perf_counter() - started
    print(f"seeded {args.n} decisions ({labelled} labelled) in {seconds:.1f} s")
    db.dispose()

    rule_set = candidate()
    db = Database(url)  # a fresh engine: nothing cached from seeding
    since = NOW - timedelta(days=30)
    started = time.perf_counter()
    with db.session() as session:
        rows = sum(1 for _ in store.recorded(session, sorted(_inputs(rule_set)), since=since))
    read = time.perf_counter() - started

    started = time.perf_counter()
    with db.session() as session:
        replay, _left_out = rules_service.replay(session, rule_set, since=since)
        report = replay.report()
    total = time.perf_counter() - started

    # The cost of one rule evaluation, to show what the distinct-set cache saves.
    sample = [list(key) for key in list(replay._cache)[:2000] if isinstance(key, tuple)]
    started = time.perf_counter()
    for values in sample:
        replay._evaluate(values)
    per_eval = (time.perf_counter() - started) / max(1, len(sample))

    print(f"database: {db.dialect}; candidate reads {len(replay.inputs)} signals")
    print(f"read only (stream the projections): {rows} rows in {read:.2f} s")
    print(
        f"backtest end to end (read + replay + report): {report['decisions']} decisions "
        f"in {total:.2f} s = {report['decisions'] / total:,.0f} decisions/s"
    )
    print(
        f"distinct signal sets evaluated: {report['distinct_signal_sets']} "
        f"({per_eval * 1e6:.0f} µs each); outcome changes: {report['changed']}"
    )
    print(
        f"without the distinct-set cache the rule evaluations alone would take about "
        f"{per_eval * report['decisions']:.1f} s more"
    )
    if args.report:
        print()
        print(format_report(report))
    db.dispose()


def _inputs(rule_set: Any) -> set[str]:
    return {name for rule in rule_set.rules for name in rule.signals}


if __name__ == "__main__":
    main()
