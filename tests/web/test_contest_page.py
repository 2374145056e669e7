"""The customer's contest page, driven in a real browser (Debian's chromium, headless).

The browser, the live server and their skips are in conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import auth, signup


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
    assert page.inner_text("#state-title") == "Your registration was declined"
    assert "permanent email address" in page.inner_text("#reasons")
    assert "made automatically" in page.inner_text("#automated")
    page.fill("#statement", "This is my long-standing mailbox.")
    page.click("button[type=submit]")
    page.wait_for_selector("#sent:not([hidden])")
    assert "A person will review" in page.inner_text("#sent")
    page.wait_for_selector("#state[data-state='under_review']")  # the page reloads the view
    assert "will answer by" in page.inner_text("#state-text")
    assert page.is_hidden("#contest")

    queue = client.get("/v1/reviews", headers=auth(analyst_key)).get_json()["items"]
    client.post(
        f"/v1/reviews/{queue[0]['review_request_id']}/resolution",
        json={"outcome": "approve", "note": "ok"},
        headers=auth(analyst_key),
    )
    page.reload()
    page.wait_for_selector("#state[data-state='resolved']")
    assert page.inner_text("#state-text") == "Their decision: your registration is approved."
    assert "reviewed the automated decision" in page.inner_text("#automated")
    assert page.is_hidden("#contest")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_wrong_link_says_so_without_revealing_anything(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/contest#decision=dec_000000000000nothing&token=guess")
    page.wait_for_selector("#state[data-state='gone']")
    assert page.inner_text("#state-title") == "This link no longer opens a decision"
    assert page.is_hidden("#contest")
    assert page.is_hidden("#why")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_page_keeps_its_secrets_out_of_urls_and_referrers(client: Any) -> None:
    response = client.get("/contest")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)  # no inline script
