"""The dashboard's figures: outcomes per day, hold and decline rates, rule hits, scores,
review backlog and time to resolution; computed from the database, cached briefly."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from screening.core.vocabulary import OUTCOMES
from screening.store import dashboard as store

CACHE_SECONDS = 30.0
# Rule hits and scores are counted over at most this many of the window's newest decisions.
SAMPLE = 50_000
_cache: dict[tuple[str, int], tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def figures(runtime: Any, *, days: int = 14, fresh: bool = False) -> dict[str, Any]:
    """Return the dashboard's figures for the last ``days`` days (cached ``CACHE_SECONDS``)."""
    key = (str(runtime.db.url), days)
    now_mono = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and not fresh and now_mono - hit[0] < CACHE_SECONDS:
            return hit[1]
    data = _compute(runtime, days)
    with _lock:
        _cache[key] = (now_mono, data)
    return data


def _compute(runtime: Any, days: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    with runtime.db.session() as session:
        per_day = store.outcomes_per_day(session, since=since)
        hits: Counter[str] = Counter()
        shadow: Counter[str] = Counter()
        buckets = [0] * 10
        sampled = 0
        for active, shadowed, score in store.hits_and_scores(session, since=since, limit=SAMPLE):
            sampled += 1
            hits.update({str(h.get("rule_id")) for h in active})
            shadow.update({str(h.get("rule_id")) for h in shadowed})
            buckets[min(9, max(0, int(score * 10)))] += 1
        backlog = store.backlog(session, today=now.date())
        hours = store.resolution_times(session, since=since)
    by_day: dict[str, dict[str, int]] = {}
    for offset in range(days):
        by_day[(since + timedelta(days=offset)).date().isoformat()] = dict.fromkeys(OUTCOMES, 0)
    totals: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for day, outcome, count in per_day:
        by_day.setdefault(day.isoformat(), dict.fromkeys(OUTCOMES, 0))[outcome] = count
        totals[outcome] = totals.get(outcome, 0) + count
    total = sum(totals.values())
    top_day = max((sum(v.values()) for v in by_day.values()), default=0)
    top_bucket = max(buckets) if buckets else 0
    top_hits = hits.most_common(15)
    top_hit = top_hits[0][1] if top_hits else 0
    return {
        "computed_at": now,
        "days": days,
        "since": since,
        "total": total,
        "totals": totals,
        "hold_rate": totals["review"] / total if total else None,
        "decline_rate": totals["decline"] / total if total else None,
        "per_day": [
            {"day": day, **counts, "total": sum(counts.values()), "top": top_day}
            for day, counts in by_day.items()
        ],
        "rule_hits": [
            {"rule_id": rule_id, "count": n, "fraction": n / top_hit if top_hit else 0.0}
            for rule_id, n in top_hits
        ],
        "shadow_hits": shadow.most_common(10),
        "sampled": sampled,
        "scores": [
            {
                "label": f"{i / 10:.1f}–{(i + 1) / 10:.1f}",
                "count": n,
                "fraction": n / top_bucket if top_bucket else 0.0,
            }
            for i, n in enumerate(buckets)
        ],
        "backlog": backlog,
        "resolution_hours": {
            "count": len(hours),
            "median": _percentile(hours, 0.5),
            "p90": _percentile(hours, 0.9),
        },
    }
