"""Done-when: a burst of 25 signups from one actor is held from the 4th on by the shipped rules,
while 1,000 ordinary signups interleaved with it are not affected.

On SQLite the velocity counters live in the database; on PostgreSQL in Redis
(``redis://127.0.0.1:6379/15``, flushed first). Without Redis the PostgreSQL
run skips with a message, unless ``CI`` is set, where that is a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from screening.training.synth import burst, legitimate
from tests.conftest import emptied_redis
from tests.helpers import auth

ORDINARY = 1000
BURST = 25


@pytest.fixture
def settings(settings: dict[str, Any], backend: str) -> dict[str, Any]:
    """PostgreSQL runs count velocity in Redis; SQLite runs in the database."""
    if backend == "postgresql":
        return {**settings, "redis_url": emptied_redis()}
    return settings


@pytest.mark.slow
def test_a_burst_is_held_from_the_fourth_signup_and_ordinary_people_are_not(
    client: Any, screen_key: str, analyst_key: str, runtime: Any, backend: str
) -> None:
    assert type(runtime.velocity).__name__ == (
        "RedisVelocity" if backend == "postgresql" else "DatabaseVelocity"
    )
    actor = burst(BURST, seed=4)
    ordinary = legitimate(ORDINARY, seed=4)
    assert len({row.actor for row in actor}) == 1
    # The burst's signups are spread through the ordinary ones, one every 40.
    sequence = list(ordinary)
    for n, row in enumerate(actor):
        sequence.insert(n * 41, row)

    outcomes: dict[str, list[tuple[str, Any]]] = {"burst": [], "ordinary": [], "ordinary_ids": []}
    for row in sequence:
        response = client.post("/v1/screenings", json=row.body, headers=auth(screen_key))
        assert response.status_code == 201, response.get_json()
        data = response.get_json()
        who = "burst" if row in actor else "ordinary"
        outcomes[who].append((data["outcome"], [r["code"] for r in data["reasons"]]))
        if who == "ordinary":
            outcomes["ordinary_ids"].append((data["outcome"], data["decision_id"]))

    held = [outcome != "approve" for outcome, _codes in outcomes["burst"]]
    assert held[3:] == [True] * (BURST - 3), outcomes["burst"]
    assert all("signup_velocity" in codes for outcome, codes in outcomes["burst"][3:]), outcomes[
        "burst"
    ]
    # Ordinary people are not affected: none is held by a velocity rule or by velocity in the
    # model's score. (A rare one may be held for its own details, burst or not: a phone from
    # a country unusual for the address sends about 1 in 1,000 to a human.)
    held_ordinary = [d for d in outcomes["ordinary_ids"] if d[0] != "approve"]
    assert len(held_ordinary) <= ORDINARY // 100, held_ordinary
    for outcome, decision_id in held_ordinary:
        record = client.get(f"/v1/decisions/{decision_id}", headers=auth(analyst_key)).get_json()
        assert outcome == "review" and "signup_velocity" not in {
            r["code"] for r in record["reasons"]
        }
        assert not [h for h in record["hits"] if h["rule_id"].startswith("velocity")], record[
            "hits"
        ]
        assert not [c for c in record["contributions"] if c["feature"].startswith("velocity.")]
    assert len(outcomes["ordinary"]) == ORDINARY
