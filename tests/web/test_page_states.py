"""Every state of the customer's page, in all four languages, with an axe-core check.

Each state is made through the API as a customer and an analyst would make it; the
page is read at phone width, checked with axe-core (no violations), and a
screenshot of it is written to tests/screenshots/contest-<state>-<language>.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from screening.core import i18n
from screening.web import SCRIPT_STRINGS
from tests.helpers import auth, signup

PHONE = {"width": 390, "height": 844}
# state -> whether the contest form is offered
STATES = {
    "approved": False,
    "held": True,
    "declined": True,
    "under_review": False,
    "resolved": False,
    "gone": False,
}


def text(language: str, key: str, **values: str) -> str:
    return i18n.gettext(language, SCRIPT_STRINGS[key], **values)


def screen(client: Any, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(**changes), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def contest(client: Any, decision: dict[str, Any]) -> str:
    response = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "This is my own mailbox."},
        headers=auth(decision["contest_token"]),
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["review_request_id"])


def decisions(client: Any, screen_key: str, analyst_key: str, admin_key: str) -> dict[str, Any]:
    """Make one decision in each state the page can show."""
    made = {
        "approved": screen(client, screen_key),
        "held": screen(client, screen_key, phone=""),
        "declined": screen(client, screen_key, email="lena@mailinator.com"),
        "under_review": screen(client, screen_key, email="jan@mailinator.com"),
        "resolved": screen(client, screen_key, email="sofie@mailinator.com"),
        "gone": screen(client, screen_key, email="erase.me@mailinator.com"),
    }
    assert made["held"]["outcome"] == "review"
    assert made["declined"]["outcome"] == "decline"
    contest(client, made["under_review"])
    resolved = client.post(
        f"/v1/reviews/{contest(client, made['resolved'])}/resolution",
        json={"outcome": "approve", "note": "Checked with the customer: a real mailbox."},
        headers=auth(analyst_key),
    )
    assert resolved.status_code == 200
    gone = {"email": "erase.me@mailinator.com"}
    status = client.put(
        "/v1/subjects/account-status",
        json={**gone, "active_services": False},
        headers=auth(admin_key),
    )
    assert status.status_code == 200, status.get_json()
    erased = client.post("/v1/subjects/erasure", json=gone, headers=auth(admin_key))
    assert erased.status_code in (200, 201), erased.get_json()
    return made


def link(server: str, decision: dict[str, Any], language: str | None) -> str:
    query = f"?lang={language}" if language else ""
    return (
        f"{server}/contest{query}#decision={decision['decision_id']}"
        f"&token={decision['contest_token']}"
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_state_tells_the_truth_in_every_language(
    live_server: str,
    browser: Any,
    client: Any,
    screen_key: str,
    analyst_key: str,
    admin_key: str,
    screenshots: Path,
    language: str,
) -> None:
    made = decisions(client, screen_key, analyst_key, admin_key)
    page = browser.new_page(viewport=PHONE)
    axe = Axe()
    for state, can_contest in STATES.items():
        page.goto("about:blank")  # each link opened afresh, as from an email
        page.goto(link(live_server, made[state], language))
        page.wait_for_selector(f"#state[data-state='{state}']")
        assert page.get_attribute("html", "lang") == language
        assert page.inner_text("#state-title") == text(language, f"state.{state}.title")
        if language != "en":
            assert page.inner_text("#state-title") != text("en", f"state.{state}.title")
        assert page.is_visible("#contest") is can_contest, state
        if state == "resolved":
            assert page.inner_text("#human-note") == "Checked with the customer: a real mailbox."
            assert page.inner_text("#state-text") == text(
                language, "state.resolved.text", outcome=text(language, "outcome.approve")
            )
            assert page.is_hidden("#why")  # the old decline reason is history now
        if state == "under_review":
            assert page.inner_text("#state-text").startswith(
                text(language, "state.under_review.text").split("{")[0]
            )
        if state == "declined":
            # The correction form offers exactly the fields that would change the outcome.
            assert page.is_visible("fieldset[data-field='email']")
            assert page.is_hidden("fieldset[data-field='phone']")
            assert page.is_visible("#change")
        # No horizontal scrolling at phone width.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=str(screenshots / f"contest-{state}-{language}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_page_follows_the_stored_language_and_lets_the_person_switch(
    live_server: str, page: Any, client: Any, screen_key: str
) -> None:
    decision = screen(client, screen_key, email="lies@mailinator.com", language="nl")
    page.goto(link(live_server, decision, None))
    page.wait_for_selector("html[lang='nl'] #state[data-state='declined']")
    assert page.inner_text("#state-title") == "Uw registratie werd geweigerd"
    assert "tijdelijke mailbox" in page.inner_text("#reasons")
    page.click("a[data-lang='fr']")
    page.wait_for_selector("html[lang='fr'] #state[data-state='declined']")
    assert page.inner_text("#state-title") == "Votre inscription a été refusée"
    assert "boîte aux lettres temporaire" in page.inner_text("#reasons")
    assert page.get_attribute("a[data-lang='fr']", "aria-current") == "true"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_corrections_sent_from_the_page_reach_the_reviewer(
    live_server: str, page: Any, client: Any, screen_key: str, analyst_key: str
) -> None:
    decision = screen(client, screen_key, email="piet@mailinator.com")
    page.goto(link(live_server, decision, "nl"))
    page.wait_for_selector("fieldset[data-field='email']:not([hidden])")
    page.fill("#statement", "Dit is mijn vaste adres.")
    page.fill("#c-email", "piet.peeters@example.be")
    page.click("button[type=submit]")
    page.wait_for_selector("#state[data-state='under_review']")
    assert page.is_hidden("#contest")
    (item,) = client.get("/v1/reviews", headers=auth(analyst_key)).get_json()["items"]
    review = client.get(
        f"/v1/reviews/{item['review_request_id']}", headers=auth(analyst_key)
    ).get_json()
    assert review["corrections"] == {"email": "piet.peeters@example.be"}
    assert review["correction_screening"]["fields"] == ["email"]
    assert review["decision"]["outcome"] == "decline"
