"""Readiness is honest: every configured dependency is checked, and a missing one is a 503."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from screening.app import create_app
from screening.store.keys import create_key
from tests.helpers import auth, signup


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the probe goes


@pytest.fixture
def no_redis(settings: dict[str, Any]) -> Any:
    """An app configured for a Redis that is not there (a closed local port)."""
    app = create_app({**settings, "redis_url": f"redis://127.0.0.1:{_closed_port()}/0"})
    runtime = app.extensions["screening"]
    with runtime.db.session() as session:
        _row, key = create_key(session, ["screen"], name="no-redis")
    yield app.test_client(), key, runtime
    runtime.db.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_readiness_lists_every_dependency(client: Any) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    checks = ready.get_json()["checks"]
    assert checks["database"] == "ok" and checks["rules"] == "v1"
    assert checks["model"] and checks["policy"]
    assert "redis" not in checks  # not configured, not checked


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_with_redis_unreachable_readyz_is_not_ready_and_screenings_answer_503(
    no_redis: Any,
) -> None:
    client, key, runtime = no_redis
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["status"] == "not_ready"
    assert ready.get_json()["checks"]["redis"] == "unavailable"
    assert ready.get_json()["checks"]["database"] == "ok"
    assert client.get("/healthz").status_code == 200  # alive, just not ready

    response = client.post("/v1/screenings", json=signup(), headers=auth(key))
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "redis_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    # Nothing half-written: the decision was rolled back with the failed count.
    from sqlalchemy import func, select

    from screening.store.models import Decision

    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
    # The customer endpoints count in Redis too: 503, never 500.
    view = client.get("/v1/decisions/dec_unknown", headers=auth("some-token"))
    assert view.status_code == 503 and view.headers["Retry-After"]
