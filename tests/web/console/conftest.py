"""Console fixtures: a Redis database for the Redis-counted throttling test."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("SCREENING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    """Return an emptied Redis database; skip (fail in CI) when Redis is absent."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()
        client.close()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({type(exc).__name__}); start it"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so this is a failure)")
        pytest.skip(message)
    return REDIS_URL
