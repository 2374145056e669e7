"""Benchmark: does a wrong contest token answer faster for an unknown decision?

Times ``GET /v1/decisions/{id}`` with a wrong token, alternating between a decision
that exists and an id that does not, in-process over a temporary database
(rate limits off, so every request does the full check). Both answer 404; the
token check does the same work either way (one narrow lookup, a hash, a
constant-time compare against the stored or a dummy hash), so the two
distributions should overlap. Prints medians, means and their difference.

    .venv/bin/python bench/token_timing.py [--n 3000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from screening.app import create_app
from screening.store.keys import create_key

SIGNUP = {
    "first_name": "Marie",
    "last_name": "Dubois",
    "email": "marie.dubois@example.be",
    "phone": "+32 470 58 21 97",
    "address": {"line1": "Rue de la Loi 16", "city": "Bruxelles", "country": "BE"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="requests of each kind")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "env": "test",
            "instance_path": Path(tmp),
            "customer_rate_limit_per_minute": 0,
            "rules_reload_seconds": 60.0,
        }
        if args.database_url:
            config["database_url"] = args.database_url
        app = create_app(config)
        client = app.test_client()
        runtime = app.extensions["screening"]
        with runtime.db.session() as session:
            _row, key = create_key(session, ["screen"], name="bench-token-timing")
        created = client.post(
            "/v1/screenings", json=SIGNUP, headers={"Authorization": f"Bearer {key}"}
        ).get_json()
        existing = f"/v1/decisions/{created['decision_id']}"
        unknown = "/v1/decisions/dec_" + "0" * 28
        wrong = {"Authorization": "Bearer " + "w" * 43}
        timings: dict[str, list[float]] = {"existing": [], "unknown": []}
        for _ in range(100):  # warm-up
            client.get(existing, headers=wrong)
            client.get(unknown, headers=wrong)
        for i in range(args.n * 2):
            label, url = ("existing", existing) if i % 2 == 0 else ("unknown", unknown)
            started = time.perf_counter()
            status = client.get(url, headers=wrong).status_code
            timings[label].append((time.perf_counter() - started) * 1e6)
            assert status == 404
        runtime.db.dispose()
    print(f"wrong token, {args.n} requests each ({runtime.db.dialect}):")
    for label, values in timings.items():
        print(
            f"  {label:8} decision: median {statistics.median(values):7.1f} us, "
            f"mean {statistics.fmean(values):7.1f} us, "
            f"p90 {statistics.quantiles(values, n=10)[-1]:7.1f} us"
        )
    diff = statistics.median(timings["existing"]) - statistics.median(timings["unknown"])
    print(f"  median difference (existing - unknown): {diff:+.1f} us")


if __name__ == "__main__":
    main()
