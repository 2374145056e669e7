"""Maker-checker: a rule-set candidate goes live only when a second person approves it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from screening.errors import Conflict, Forbidden, RuleSetError
from screening.service import rule_candidates
from screening.service.users import Person
from screening.store.models import RuleSetVersion
from tests.helpers import auth, signup
from tests.web.console.helpers import make_user, post_form, sign_in


def edited_source(runtime: Any, rule_id: str = "console-test-rule") -> str:
    """The live rules with one more shadow rule."""
    _version, text = rule_candidates.live_source(runtime)
    document = yaml.safe_load(text)
    document["rules"].append(
        {
            "id": rule_id,
            "when": "email.role_account",
            "action": "review",
            "mode": "shadow",
            "reason": {"code": "email_role_account", "field": "email", "message": "Use yours."},
        }
    )
    return yaml.safe_dump(document, sort_keys=False)


def candidate_id_from(response: Any) -> str:
    location = response.headers["Location"]
    assert "/console/rules/candidates/rc_" in location, location
    return str(location.rsplit("/", 1)[1])


def test_a_candidate_goes_live_only_when_a_second_person_approves_it(
    app: Any, runtime: Any, cli_env: dict[str, str], analyst_key: str
) -> None:
    maker_id = make_user(cli_env, "maker@example.test")
    checker_id = make_user(cli_env, "checker@example.test")
    maker, checker = app.test_client(), app.test_client()
    sign_in(maker, "maker@example.test")
    sign_in(checker, "checker@example.test")
    before = runtime.rules.current().version

    saved = post_form(
        maker,
        "/console/rules/candidates/new",
        "/console/rules/candidates/new",
        {"source": edited_source(runtime), "note": "watch role accounts"},
    )
    assert saved.status_code == 302
    cid = candidate_id_from(saved)
    page = maker.get(f"/console/rules/candidates/{cid}").get_data(as_text=True)
    assert "console-test-rule" in page and "you cannot approve it" in page
    assert runtime.rules.current().version == before  # saved, not live

    own = post_form(
        maker, f"/console/rules/candidates/{cid}", f"/console/rules/candidates/{cid}/approve", {}
    )
    assert own.status_code == 302
    assert "a second person must approve it" in maker.get(own.headers["Location"]).get_data(True)
    assert runtime.rules.current().version == before

    approved = post_form(
        checker,
        f"/console/rules/candidates/{cid}",
        f"/console/rules/candidates/{cid}/approve",
        {"note": "looked at the backtest"},
    )
    assert approved.status_code == 302
    live = runtime.rules.current()
    assert live.version != before
    assert "console-test-rule" in [r.id for r in live.rule_set.rules]
    with runtime.db.session() as session:
        row = session.query(RuleSetVersion).filter_by(version=live.version).one()
        assert row.author == f"user:{maker_id}"
        assert f"approved by user:{checker_id}" in row.note
        assert "@" not in row.author + row.note  # people are named by number in records
    history = app.test_client().get("/v1/rules/history", headers=auth(analyst_key)).get_json()
    assert history["items"][0]["diff"]["added"] == ["console-test-rule"]
    again = post_form(
        checker, f"/console/rules/candidates/{cid}", f"/console/rules/candidates/{cid}/approve", {}
    )
    assert "already published" in checker.get(again.headers["Location"]).get_data(True)


def test_the_service_refuses_the_author_and_a_stale_candidate(runtime: Any) -> None:
    from screening.service.users import create_user

    maker = create_user(runtime.db, email="m@example.test", role="admin", password="p" * 12)
    checker = create_user(runtime.db, email="c@example.test", role="analyst", password="p" * 12)
    first = rule_candidates.create(runtime, maker, text=edited_source(runtime), note="one")
    second = rule_candidates.create(runtime, maker, text=edited_source(runtime), note="two")
    with pytest.raises(Forbidden):
        rule_candidates.approve(runtime, maker, first)
    rule_candidates.approve(runtime, checker, first)
    with pytest.raises(Conflict, match="live rule set changed"):
        rule_candidates.approve(runtime, checker, second)
    # The author brings it up to date; then a second person can approve it.
    fresh = edited_source(runtime, "console-test-rule-2")
    with pytest.raises(Forbidden):
        rule_candidates.update(runtime, checker, second, text=fresh, note="")
    rule_candidates.update(runtime, maker, second, text=fresh, note="again")
    assert rule_candidates.approve(runtime, checker, second).startswith("v")


def test_an_invalid_candidate_is_never_stored_and_the_errors_name_the_rule(
    client: Any, runtime: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "maker@example.test")
    sign_in(client, "maker@example.test")
    broken = edited_source(runtime).replace("when: email.role_account", "when: email.nope &&")
    response = post_form(
        client,
        "/console/rules/candidates/new",
        "/console/rules/candidates/new",
        {"source": broken, "note": "broken"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nothing was saved" in page
    assert "Rule <code>console-test-rule</code>" in page
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "email.nope" in text)
    assert f'id="line-{line}"' in page  # the error is shown at the rule's line
    assert "No candidates yet" in client.get("/console/rules").get_data(as_text=True)
    with pytest.raises(RuleSetError):
        rule_candidates.check(broken)


def test_a_rejected_candidate_cannot_be_approved(runtime: Any) -> None:
    from screening.service.users import create_user

    maker = create_user(runtime.db, email="m@example.test", role="analyst", password="p" * 12)
    checker = create_user(runtime.db, email="c@example.test", role="analyst", password="p" * 12)
    cid = rule_candidates.create(runtime, maker, text=edited_source(runtime), note="")
    rule_candidates.reject(runtime, checker, cid, note="not now")
    with pytest.raises(Conflict):
        rule_candidates.approve(runtime, checker, cid)
    assert rule_candidates.detail(runtime, cid)["status"] == "rejected"


def test_backtest_simulate_and_rollback_from_the_workbench(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "root@example.test", role="admin")
    sign_in(client, "root@example.test")
    for email in ("info@example.be", "marie.dubois@example.be", "x@mailinator.com"):
        client.post("/v1/screenings", json=signup(email=email), headers=auth(screen_key))
    person = Person(id=1, email="root@example.test", role="admin")
    cid = rule_candidates.create(runtime, person, text=edited_source(runtime), note="")
    page = f"/console/rules/candidates/{cid}"
    report = post_form(client, page, f"{page}/backtest", {"since": "30d"})
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert "3 decisions since" in html and 'id="transitions"' in html
    assert "console-test-rule" in html  # hits per rule include the candidate's new rule

    simulated = post_form(
        client,
        f"/console/rules/simulate?candidate={cid}",
        f"/console/rules/simulate?candidate={cid}",
        {
            "first_name": "Marie",
            "last_name": "Dubois",
            "email": "x@mailinator.com",
            "phone": "+32 470 58 21 97",
            "line1": "Rue de la Loi 16",
            "city": "Bruxelles",
            "postal_code": "1000",
            "country": "BE",
        },
    )
    assert simulated.status_code == 200
    assert "email-disposable" in simulated.get_data(as_text=True)

    before = runtime.rules.current().version
    checker = Person(id=2, email="c@example.test", role="analyst")
    from screening.service.users import create_user

    create_user(runtime.db, email="c@example.test", role="analyst", password="p" * 12)
    rule_candidates.approve(runtime, checker, cid)
    rolled = post_form(client, "/console/rules", "/console/rules/rollback", {"version": before})
    assert rolled.status_code == 302
    live = runtime.rules.current()
    assert "console-test-rule" not in [r.id for r in live.rule_set.rules]
    rules_page = client.get("/console/rules").get_data(as_text=True)
    assert f"rollback to {before}" in rules_page and "by root@example.test" in rules_page
