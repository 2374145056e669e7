"""The customer's contest page, driven in a real browser (Debian's chromium, headless).

Skips with a message when chromium or Playwright is missing and CI is unset;
in CI their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.helpers import auth, signup

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _need(condition: bool, what: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed (apt-get install -y chromium; pip install playwright)")


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page() -> Iterator[Any]:
    _need(os.path.exists(CHROMIUM), "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser.new_page()
        browser.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_customer_reads_the_decision_and_asks_for_a_review(
    live_server: str, page: Any, client: Any, screen_key: str, analyst_key: str
) -> None:
    decision = client.post(
        "/v1/screenings", json=signup(email="c@mailinator.com"), headers=auth(screen_key)
    ).get_json()
    link = (
        f"{live_server}/contest#decision={decision['decision_id']}"
        f"&token={decision['contest_token']}"
    )
    page.goto(link)
    page.wait_for_selector("#decision:not([hidden])")
    assert page.inner_text("#outcome") == "declined"
    assert "permanent email address" in page.inner_text("#reasons")
    assert "made automatically" in page.inner_text("#automated")
    page.fill("#statement", "This is my long-standing mailbox.")
    page.click("button[type=submit]")
    page.wait_for_selector("#sent:not([hidden])")
    assert "A person will review" in page.inner_text("#sent")
    page.wait_for_selector("#review:has-text('being handled')")  # the page reloads the view
    assert page.is_hidden("#contest")

    queue = client.get("/v1/reviews", headers=auth(analyst_key)).get_json()["items"]
    client.post(
        f"/v1/reviews/{queue[0]['review_request_id']}/resolution",
        json={"outcome": "approve", "note": "ok"},
        headers=auth(analyst_key),
    )
    page.reload()
    page.wait_for_selector("#decision:not([hidden])")
    assert page.inner_text("#outcome") == "approved"
    assert "reviewed the automated decision" in page.inner_text("#automated")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_wrong_link_says_so_without_revealing_anything(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/contest#decision=dec_000000000000nothing&token=guess")
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status") == "This link is not valid or has expired."
    assert page.is_hidden("#decision")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_page_keeps_its_secrets_out_of_urls_and_referrers(client: Any) -> None:
    response = client.get("/contest")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)  # no inline script
