"""Console fixtures: Redis for throttling, an in-process server and chromium for browser tests."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import emptied_redis

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def redis_url() -> str:
    """Return an emptied Redis database; skip (fail in CI) when Redis is absent."""
    return emptied_redis()


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """Serve the app in-process on a random port (its temporary database)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        _need("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed (apt-get install -y chromium; pip install playwright)")


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """Where this test writes its screenshots (tests/screenshots/, ignored by git)."""
    folder = Path(__file__).resolve().parents[2] / "screenshots" / request.node.name.split("[")[0]
    folder.mkdir(parents=True, exist_ok=True)
    return folder
