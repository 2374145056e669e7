"""The console in a real browser (Debian's chromium, headless): an analyst works a held
signup, two people publish a rule through maker-checker, and every page passes axe-core
with no serious or critical violation. Screenshots go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from screening.service.rule_candidates import live_source
from tests.helpers import auth, signup
from tests.web.console.helpers import PASSWORD, contested, held, make_user

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def accessible(page: Any, name: str) -> None:
    """Run axe-core (shipped in axe-playwright-python) and refuse serious or critical issues."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"{name}: " + "; ".join(bad)


def snap(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, email: str, shots: Path | None = None) -> None:
    page.goto(f"{base}/console/reviews")
    assert "/console/login" in page.url  # no session: the login page
    if shots is not None:
        accessible(page, "login")
        snap(page, shots, "01-login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/reviews")


def test_an_analyst_resolves_a_held_signup_and_the_customer_sees_it(
    live_server: str,
    browser: Any,
    client: Any,
    cli_env: dict[str, str],
    screen_key: str,
    shots: Path,
) -> None:
    make_user(cli_env, "ana@example.test")
    decision = held(client, screen_key)
    contested(client, decision)
    view = f"/v1/decisions/{decision['decision_id']}"
    token = auth(decision["contest_token"])
    assert client.get(view, headers=token).get_json()["outcome"] == "review"

    page = browser.new_page(viewport=LAPTOP)
    sign_in(page, live_server, "ana@example.test", shots)
    row = page.locator("tr", has_text=decision["decision_id"])
    assert row.count() == 1
    accessible(page, "queue")
    snap(page, shots, "02-queue")

    page.click(f"text={decision['decision_id']}")
    page.wait_for_selector("h1:has-text('Decision')")
    assert "email-syntax" in page.inner_text("main")
    accessible(page, "case")
    snap(page, shots, "03-case")

    page.check("input[value=approve]")
    page.fill("#note", "The address was mistyped; the person is real.")
    page.select_option("#label", "legitimate")
    page.click("button:has-text('Resolve')")
    page.wait_for_selector("#resolution")
    assert "by ana@example.test" in page.inner_text("#resolution")
    assert page.inner_text("#effective-outcome") == "approve"
    accessible(page, "case resolved")
    snap(page, shots, "04-resolved")

    customer = client.get(view, headers=token).get_json()
    assert customer["outcome"] == "approve"
    assert customer["automated_outcome"] == "review"

    contested(client, held(client, screen_key))  # one more open case to see at phone width
    phone = browser.new_page(viewport=PHONE)
    sign_in(phone, live_server, "ana@example.test")
    accessible(phone, "queue at phone width")
    snap(phone, shots, "05-queue-phone")
    phone.goto(f"{live_server}/console/dashboard")
    accessible(phone, "dashboard at phone width")
    snap(phone, shots, "06-dashboard-phone")


def test_a_rule_goes_live_through_maker_checker_and_the_dashboard_shows_it(
    live_server: str,
    browser: Any,
    client: Any,
    runtime: Any,
    cli_env: dict[str, str],
    screen_key: str,
    shots: Path,
) -> None:
    make_user(cli_env, "maker@example.test")
    make_user(cli_env, "checker@example.test", role="admin")
    shared = client.post(
        "/v1/screenings", json=signup(email="info@example.be"), headers=auth(screen_key)
    )
    assert shared.get_json()["outcome"] == "approve"  # a shared mailbox, approved today
    for _ in range(3):
        held(client, screen_key)
    before = runtime.rules.current().version
    document = yaml.safe_load(live_source(runtime)[1])
    document["rules"].append(
        {
            "id": "browser-role-accounts",
            "when": "email.role_account",
            "action": "review",
            "reason": {"code": "email_role_account", "field": "email", "message": "Use yours."},
        }
    )

    maker = browser.new_context(viewport=LAPTOP).new_page()
    sign_in(maker, live_server, "maker@example.test")
    maker.click("nav >> text=Rules")
    accessible(maker, "rules")
    snap(maker, shots, "01-rules")
    maker.click("text=Write a candidate")
    maker.fill(
        "#source",
        yaml.safe_dump(document, sort_keys=False).replace(
            "when: email.role_account", "when: email.role_acount"
        ),
    )
    maker.click("button:has-text('Check and save')")
    maker.wait_for_selector("#errors")
    assert "browser-role-accounts" in maker.inner_text("#errors")
    accessible(maker, "candidate with errors")
    snap(maker, shots, "02-candidate-errors")
    maker.fill("#source", yaml.safe_dump(document, sort_keys=False))
    maker.fill("#note", "hold shared mailboxes")
    maker.click("button:has-text('Check and save')")
    maker.wait_for_selector("#own-candidate")
    candidate_url = maker.url
    accessible(maker, "own candidate")
    snap(maker, shots, "03-own-candidate")
    assert maker.locator("#approve").count() == 0  # the author cannot approve
    assert runtime.rules.current().version == before

    maker.click("button:has-text('Backtest')")
    maker.wait_for_selector("#transitions")
    assert "browser-role-accounts" in maker.inner_text("main")
    assert maker.inner_text("#changed") == "1"  # the shared mailbox would now be held
    assert maker.locator("svg.chart rect").count() == 1
    accessible(maker, "backtest")
    snap(maker, shots, "04-backtest")

    checker = browser.new_context(viewport=LAPTOP).new_page()
    sign_in(checker, live_server, "checker@example.test")
    checker.goto(candidate_url)
    accessible(checker, "candidate for the checker")
    checker.fill("#approve-note", "backtest looked right")
    checker.click("#approve")
    checker.wait_for_selector("text=is live")
    live = runtime.rules.current()
    assert live.version != before
    assert "browser-role-accounts" in [r.id for r in live.rule_set.rules]
    assert "by maker@example.test" in checker.inner_text("main")
    snap(checker, shots, "05-published")

    for path, name in [
        ("/console/dashboard", "06-dashboard"),
        ("/console/lists", "07-lists"),
        ("/console/dpo", "08-dpo"),
        ("/console/rules/simulate", "09-simulate"),
        ("/console/rules/shadow", "10-shadow"),
    ]:
        checker.goto(f"{live_server}{path}")
        accessible(checker, path)
        snap(checker, shots, name)
    checker.goto(f"{live_server}/console/dashboard")
    assert checker.inner_text("#total") == "4"
