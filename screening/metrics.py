"""Prometheus metrics. Labels are outcomes, codes and rule ids: never personal data.

Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``screening serve``) makes
every worker write its samples there, and ``/metrics`` aggregates them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

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


class StateCollector:
    """Gauges read from the database at scrape time (shared by every process)."""

    def __init__(self, gauges: Callable[[], Iterable[tuple[str, str, float]]]) -> None:
        self._gauges = gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, help_text, value in self._gauges():
            yield GaugeMetricFamily(name, help_text, value=value)


def render(gauges: Callable[[], Iterable[tuple[str, str, float]]]) -> tuple[bytes, str]:
    """Return the exposition text and its content type.

    Args:
        gauges: yields ``(name, help, value)`` of state read at scrape time, such
            as overdue reviews and breaches.
    """
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    state = CollectorRegistry()
    state.register(StateCollector(gauges))
    return body + generate_latest(state), CONTENT_TYPE_LATEST
