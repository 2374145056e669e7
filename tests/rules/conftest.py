"""Fixtures for the analysts' tooling tests: the CLI's environment over the test database."""

from __future__ import annotations

from typing import Any

import pytest


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
