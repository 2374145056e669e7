"""Rate limits protect customers and the service without letting a stranger lock anyone out."""

from __future__ import annotations

import time
from typing import Any

import pytest

from screening.app import create_app
from screening.store.keys import create_key
from tests.conftest import emptied_redis
from tests.helpers import auth, signup


@pytest.fixture(params=["database", "redis"])
def counters(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _app(settings: dict[str, Any], backend: str, **overrides: Any) -> Any:
    app = create_app({**settings, **overrides})
    if backend == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(settings["database_url"])
        app.extensions["screening"].prepare(migrate=False)
    return app


@pytest.fixture
def limited(settings: dict[str, Any], backend: str, counters: str) -> Any:
    """An app with a customer limit of 10/min, counting in the database or in Redis."""
    extra: dict[str, Any] = {"customer_rate_limit_per_minute": 10}
    if counters == "redis":
        extra["redis_url"] = emptied_redis()
    app = _app(settings, backend, **extra)
    runtime = app.extensions["screening"]
    with runtime.db.session() as session:
        _row, key = create_key(session, ["screen"], name="rate-test")
    yield app.test_client(), key
    runtime.db.dispose()


def _screen(client: Any, key: str) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(), headers=auth(key))
    assert response.status_code == 201
    return dict(response.get_json())


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _in_one_window(attempt: Any) -> Any:
    """Run ``attempt`` until it ran within one per-minute window (limits count per minute)."""
    for _ in range(3):
        window = int(time.time() // 60)
        result = attempt()
        if int(time.time() // 60) == window:
            return result
    raise AssertionError("three attempts each straddled a minute boundary")


def test_wrong_tokens_from_one_address_leave_the_right_token_working(limited: Any) -> None:
    client, key = limited

    def guesses() -> tuple[dict[str, Any], list[int]]:
        decision = _screen(client, key)
        url = f"/v1/decisions/{decision['decision_id']}"
        return decision, [
            client.get(url, headers=auth(f"wrong-{i}"), **_from("198.51.100.7")).status_code
            for i in range(40)
        ]

    decision, stranger = _in_one_window(guesses)
    url = f"/v1/decisions/{decision['decision_id']}"
    assert stranger[:10] == [404] * 10
    assert set(stranger[10:]) == {429}
    # The customer, elsewhere, with the right token: never refused because of the guesses.
    for _ in range(3):
        answer = client.get(url, headers=auth(decision["contest_token"]), **_from("203.0.113.9"))
        assert answer.status_code == 200, answer.get_json()
    contest = client.post(
        f"{url}/review-requests",
        json={"statement": "Please look again."},
        headers=auth(decision["contest_token"]),
        **_from("203.0.113.9"),
    )
    assert contest.status_code in {201, 409}, contest.get_json()


def test_wrong_tokens_spread_over_addresses_are_slowed_per_decision(limited: Any) -> None:
    client, key = limited

    def guesses() -> tuple[dict[str, Any], list[int]]:
        decision = _screen(client, key)
        url = f"/v1/decisions/{decision['decision_id']}"
        statuses = [
            client.get(url, headers=auth(f"guess-{i}"), **_from(f"198.51.100.{i}")).status_code
            for i in range(15)
        ]
        return decision, statuses

    decision, statuses = _in_one_window(guesses)
    url = f"/v1/decisions/{decision['decision_id']}"
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    # ...and still the right token opens it.
    assert client.get(url, headers=auth(decision["contest_token"])).status_code == 200


def test_answers_carry_rate_limit_headers_and_429_a_retry_after(limited: Any) -> None:
    client, key = limited
    decision = _screen(client, key)
    url = f"/v1/decisions/{decision['decision_id']}"
    first = client.get(url, headers=auth(decision["contest_token"]), **_from("192.0.2.1"))
    assert first.headers["RateLimit-Limit"] == "10"
    assert first.headers["RateLimit-Remaining"] == "9"
    assert 1 <= int(first.headers["RateLimit-Reset"]) <= 60
    for _ in range(9):
        client.get(url, headers=auth(decision["contest_token"]), **_from("192.0.2.1"))
    refused = client.get(url, headers=auth(decision["contest_token"]), **_from("192.0.2.1"))
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_forwarded_addresses_count_only_behind_trusted_proxies(settings: dict[str, Any]) -> None:
    for proxies, separate in ((0, False), (1, True)):
        app = _app(settings, "sqlite", customer_rate_limit_per_minute=3, trusted_proxies=proxies)
        client = app.test_client()
        with app.extensions["screening"].db.session() as session:
            _row, key = create_key(session, ["screen"], name=f"proxy-{proxies}")
        decision = _screen(client, key)
        url = f"/v1/decisions/{decision['decision_id']}"
        token = auth(decision["contest_token"])
        # Three clients behind one load balancer (10.0.0.1), each asking three times.
        statuses = [
            client.get(
                url, headers={**token, "X-Forwarded-For": f"192.0.2.{n}"}, **_from("10.0.0.1")
            ).status_code
            for n in (1, 2, 3)
            for _ in range(3)
        ]
        if separate:
            assert statuses == [200] * 9  # each client its own bucket
        else:
            # No trusted proxy: the header is the client's own claim and is ignored.
            assert statuses == [200] * 3 + [429] * 6
        app.extensions["screening"].db.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_screening_limit_is_read_from_its_setting(settings: dict[str, Any]) -> None:
    app = _app(settings, "sqlite", screen_rate_limit_per_minute=3)
    client = app.test_client()
    with app.extensions["screening"].db.session() as session:
        _row, one = create_key(session, ["screen"], name="backend-one")
        _row, two = create_key(session, ["screen"], name="backend-two")
    statuses = [
        client.post("/v1/screenings", json=signup(), headers=auth(one)).status_code
        for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    refused = client.post("/v1/screenings", json=signup(), headers=auth(one))
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Limit"] == "3"
    # Per key: another backend's key is not held to the first one's count.
    assert client.post("/v1/screenings", json=signup(), headers=auth(two)).status_code == 201
    app.extensions["screening"].db.dispose()
