"""Shared fixtures: an app over a temporary database (SQLite, and PostgreSQL when present).

Tests that take ``app``/``client`` run once per backend. PostgreSQL tests use a
database of their own created on the server at ``SCREENING_TEST_POSTGRES_URL``
(default: the local server); they skip with a clear message when it is absent,
unless ``CI`` is set, where absence is a failure.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from screening.app import create_app
from screening.store.keys import create_key
from screening.store.models import Base

# Parallel workers (pytest-xdist) each take a Redis database of their own, since the tests
# that use Redis flush theirs first: gw0 gets 15, gw1 14, ... (set before test modules load).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and "SCREENING_TEST_REDIS_URL" not in os.environ:
    os.environ["SCREENING_TEST_REDIS_URL"] = f"redis://127.0.0.1:6379/{15 - int(_WORKER[2:]) % 15}"

POSTGRES_URL = os.environ.get(
    "SCREENING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HMAC_TEST_KEYS = "t1:" + "x" * 40


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the files that hold slow tests first, each file's tests kept together.

    Parallel workers (``--dist loadfile``) take files in this order: started last, the
    four-minute retraining test kept one worker busy after the other had finished.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


def emptied_redis() -> str:
    """Return the URL of the tests' Redis database, flushed; skip (fail in CI) without Redis.

    ``SCREENING_TEST_REDIS_URL``, by default database 15 (per xdist worker: 15, 14, ...).
    """
    import redis

    url = os.environ.get("SCREENING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
        client.close()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url}", exc)
    return url


def _unavailable(service: str, exc: BaseException) -> None:
    message = f"{service} is not reachable ({type(exc).__name__}); start it to run these tests"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure)")
    pytest.skip(message)


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """Create an empty PostgreSQL database of its own, yield its URL, then drop it.

    Skips (or, with ``CI`` set, fails) with a clear message when the server is absent.
    """
    admin_url = make_url(POSTGRES_URL)
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "absent"
        _unavailable("PostgreSQL", exc)
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Create a throwaway PostgreSQL database for this test session."""
    with throwaway_postgres("screening_test") as url:
        yield url


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Setting overrides for a test app on ``backend``."""
    config: dict[str, Any] = {
        "env": "test",
        "instance_path": tmp_path / "instance",
        "hmac_keys": HMAC_TEST_KEYS,
        "secret_key": "s" * 40,
        "rules_reload_seconds": 0.0,
    }
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        config["database_url"] = url
    return config


@pytest.fixture
def app(settings: dict[str, Any], backend: str) -> Iterator[Any]:
    if backend == "postgresql":
        # Start from empty tables; the schema (and its migrations) persist for the session.
        app = create_app(settings)
        _truncate_all(settings["database_url"])
        app.extensions["screening"].prepare(migrate=False)
    else:
        app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["screening"].db.dispose()


@pytest.fixture
def client(app: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runtime(app: Any) -> Any:
    return app.extensions["screening"]


def _key(runtime: Any, *scopes: str) -> str:
    with runtime.db.session() as session:
        _row, key = create_key(session, list(scopes), name="-".join(scopes) + "-test")
    return key


@pytest.fixture
def cli_env(settings: dict[str, Any], app: Any) -> dict[str, str]:
    """Environment for `screening ...` commands run against the app's database."""
    runtime = app.extensions["screening"]
    return {
        "SCREENING_ENV": "test",
        "SCREENING_INSTANCE_PATH": str(settings["instance_path"]),
        "SCREENING_DATABASE_URL": runtime.db.url.render_as_string(hide_password=False),
        "SCREENING_HMAC_KEYS": settings["hmac_keys"],
        "SCREENING_SECRET_KEY": settings["secret_key"],
    }


@pytest.fixture
def screen_key(runtime: Any) -> str:
    return _key(runtime, "screen")


@pytest.fixture
def analyst_key(runtime: Any) -> str:
    return _key(runtime, "analyst")


@pytest.fixture
def admin_key(runtime: Any) -> str:
    return _key(runtime, "admin")


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """Serve the test app over HTTP on a free local port (browser and client tests)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
