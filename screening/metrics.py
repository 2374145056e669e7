"""Prometheus metrics. Labels are outcomes, codes and rule ids: never personal data.

Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``screening serve``) makes
every worker write its samples there, and ``/metrics`` aggregates them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

SCREENINGS = Counter(
    "screening_decisions_total", "Signups screened, by automated outcome.", ["outcome"]
)
LATENCY = Histogram(
    "screening_decision_seconds",
    "Time to screen and record one signup.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
RULE_HITS = Counter(
    "screening_rule_hits_total", "Rule hits, by rule id and mode.", ["rule_id", "mode"]
)
RULE_ERRORS = Counter(
    "screening_rule_errors_total", "Rules that failed to evaluate, by rule id.", ["rule_id"]
)
ERRORS = Counter("screening_http_errors_total", "Error responses, by code.", ["code"])
REPLAYS = Counter("screening_idempotent_replays_total", "Screenings answered from a stored result.")


def render() -> tuple[bytes, str]:
    """Return the exposition text and its content type (all workers' samples if multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
