"""Console pages without a browser: queue, case, resolution by a named person, lists,
dashboard and the DPO pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from screening.store.models import DecisionEvent, OutboxMessage, ReviewRequest
from screening.store.models.lists import ListChange
from screening.store.outbox import deliver
from tests.helpers import auth, signup
from tests.web.console.helpers import contested, held, make_user, post_form, sign_in


@pytest.fixture
def settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The host is told of outcomes by webhook."""
    return {
        **settings,
        "webhook_url": "http://127.0.0.1:9/hook",
        "webhook_secret": "w" * 40,
    }


def test_an_analyst_resolves_a_held_signup_and_everyone_learns_it(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str, analyst_key: str
) -> None:
    analyst_id = make_user(cli_env, "ana@example.test")
    decision = held(client, screen_key)
    review_id = contested(client, decision)
    sign_in(client, "ana@example.test")

    queue = client.get("/console/reviews").get_data(as_text=True)
    assert decision["decision_id"] in queue
    case_path = f"/console/reviews/{review_id}"
    case = client.get(case_path).get_data(as_text=True)
    assert "email-syntax" in case  # the rule hit, by its id
    assert "My address has no domain" in case  # the customer's statement

    claimed = post_form(client, case_path, f"{case_path}/claim", {})
    assert claimed.status_code == 302
    assert "claimed by ana@example.test" in client.get(case_path).get_data(as_text=True)

    resolved = post_form(
        client, case_path, case_path, {"outcome": "approve", "note": "typo", "label": "legitimate"}
    )
    assert resolved.status_code == 302
    page = client.get(case_path).get_data(as_text=True)
    assert "by ana@example.test" in page
    with runtime.db.session() as session:
        request = session.get(ReviewRequest, review_id)
        assert request.resolved_by == f"user:{analyst_id}"
        event = (
            session.query(DecisionEvent)
            .filter_by(decision_id=decision["decision_id"], kind="review_resolved")
            .one()
        )
        assert event.actor == f"user:{analyst_id}"
        hooks = session.query(OutboxMessage).filter_by(kind="webhook").all()
        assert [json.loads(h.body)["outcome"] for h in hooks] == ["approve"]
    customer = client.get(
        f"/v1/decisions/{decision['decision_id']}", headers=auth(decision["contest_token"])
    ).get_json()
    assert customer["outcome"] == "approve" and customer["automated_outcome"] == "review"
    api = client.get(f"/v1/reviews/{review_id}", headers=auth(analyst_key)).get_json()
    assert api["status"] == "resolved"
    assert client.get("/console/reviews").get_data(as_text=True).count(review_id) == 0


def test_a_resolution_needs_an_outcome_and_a_note(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "ana@example.test")
    review_id = contested(client, held(client, screen_key))
    sign_in(client, "ana@example.test")
    path = f"/console/reviews/{review_id}"
    refused = post_form(client, path, path, {"outcome": "maybe", "note": ""})
    assert refused.status_code == 422
    with runtime.db.session() as session:
        assert session.get(ReviewRequest, review_id).status == "pending"


def test_the_queue_filters_and_marks_overdue_cases(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "ana@example.test")
    late = contested(client, held(client, screen_key))
    soon = contested(client, held(client, screen_key))
    with runtime.db.session() as session:
        session.get(ReviewRequest, late).due_by = datetime.now(UTC).date() - timedelta(days=1)
    sign_in(client, "ana@example.test")
    page = client.get("/console/reviews").get_data(as_text=True)
    assert page.index(late) < page.index(soon)  # soonest due first
    assert "Overdue" in page
    overdue = client.get("/console/reviews?overdue=1").get_data(as_text=True)
    assert late in overdue and soon not in overdue
    automated_only = client.get("/console/reviews?source=automated").get_data(as_text=True)
    customer = client.get("/console/reviews?source=customer").get_data(as_text=True)
    assert late in automated_only + customer  # a contest is one or the other


def test_related_decisions_are_found_through_pseudonyms(
    client: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "ana@example.test")
    first = held(client, screen_key)
    second = held(client, screen_key)  # same phone and address
    review_id = contested(client, second)
    sign_in(client, "ana@example.test")
    page = client.get(f"/console/reviews/{review_id}").get_data(as_text=True)
    related = page[page.index("Related decisions") :]
    assert first["decision_id"] in related
    assert "+32 470" not in related  # shares are named by kind, not by value


def test_an_admin_changes_the_lists_and_the_log_names_them(
    client: Any, runtime: Any, cli_env: dict[str, str]
) -> None:
    admin_id = make_user(cli_env, "root@example.test", role="admin")
    sign_in(client, "root@example.test")
    added = post_form(
        client,
        "/console/lists",
        "/console/lists/entries",
        {
            "list_name": "block",
            "kind": "email",
            "value": "fraudster@example.org",
            "reason": "case 4711",
            "expires_at": "",
        },
    )
    assert added.status_code == 302
    page = client.get("/console/lists").get_data(as_text=True)
    assert "case 4711" in page and "pseudonym only" in page
    assert "fraudster@example.org" not in page
    with runtime.db.session() as session:
        change = session.query(ListChange).one()
        assert change.actor == f"user:{admin_id}"
        entry_id = change.entry_id
    removed = post_form(client, "/console/lists", f"/console/lists/entries/{entry_id}/remove", {})
    assert removed.status_code == 302
    log = client.get("/console/lists").get_data(as_text=True)
    assert log.count("root@example.test") >= 2


def test_an_analyst_reads_the_lists_but_cannot_change_them(
    client: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "ana@example.test")
    sign_in(client, "ana@example.test")
    refused = post_form(
        client,
        "/console/lists",
        "/console/lists/entries",
        {"list_name": "block", "kind": "email_domain", "value": "bad.example", "reason": "x"},
    )
    assert refused.status_code == 403


def test_the_dashboard_counts_from_the_database(
    client: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "ana@example.test")
    client.post("/v1/screenings", json=signup(), headers=auth(screen_key))
    held(client, screen_key)
    client.post("/v1/screenings", json=signup(email="x@mailinator.com"), headers=auth(screen_key))
    sign_in(client, "ana@example.test")
    from screening.service import dashboard

    dashboard._cache.clear()
    page = client.get("/console/dashboard?days=7").get_data(as_text=True)
    assert '<dd id="total">3</dd>' in page
    assert "33.3%" in page  # one of three held, one of three declined
    assert "email-disposable" in page and "email-syntax" in page


def test_the_dpo_pages_track_a_breach_and_its_notices(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str, admin_key: str
) -> None:
    admin_id = make_user(cli_env, "dpo@example.test", role="admin")
    client.post("/v1/screenings", json=signup(), headers=auth(screen_key))
    # A whole second after the decision, so the window holds it.
    now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    stamp = lambda t: t.isoformat().replace("+00:00", "Z")  # noqa: E731
    breach = client.post(
        "/v1/breaches",
        json={
            "detected_at": stamp(now - timedelta(hours=1)),
            "nature": "A backup was readable.",
            "categories": ["email"],
            "window": {"from": stamp(now - timedelta(days=1)), "to": stamp(now)},
        },
        headers=auth(admin_key),
    ).get_json()
    bid = breach["breach_id"]
    sign_in(client, "dpo@example.test")
    register = client.get("/console/dpo").get_data(as_text=True)
    assert bid in register and "h left" in register
    path = f"/console/dpo/breaches/{bid}"
    page = client.get(path).get_data(as_text=True)
    assert "71." in page or "70." in page  # hours left of the 72

    def states() -> list[str]:
        with runtime.db.session() as session:
            rows = session.query(OutboxMessage).filter_by(kind="breach_notice")
            return [m.status for m in rows]

    assert states() == ["pending"]
    held_now = post_form(client, path, f"{path}/notices", {"action": "hold"})
    assert held_now.status_code == 302
    assert states() == ["held"]
    sent: list[Any] = []
    with runtime.db.session() as session:
        deliver(session, sent.append, now=datetime.now(UTC) + timedelta(minutes=1))
    assert sent == []  # the sender skips a held notice
    post_form(client, path, f"{path}/notices", {"action": "release"})
    assert states() == ["pending"]
    post_form(client, path, f"{path}/notices", {"action": "hold"})
    cancelled = post_form(client, path, f"{path}/notices", {"action": "cancel"})
    assert cancelled.status_code == 302
    assert states() == ["cancelled"]

    notified = post_form(client, path, f"{path}/notified", {"who": "authority", "at": ""})
    assert notified.status_code == 302
    told = post_form(client, path, f"{path}/notified", {"who": "customers", "at": ""})
    assert told.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert page.count("by dpo@example.test") == 2
    api = client.get(f"/v1/breaches/{bid}", headers=auth(admin_key)).get_json()
    assert api["authority_notified_at"] is not None and not api["overdue"]
    from screening.store.models.rights import Breach

    with runtime.db.session() as session:
        row = session.get(Breach, bid)
        assert row.notified_by == row.customers_notified_by == f"user:{admin_id}"


def test_a_linked_case_is_named_as_such_in_the_queue_and_on_its_page(
    client: Any, runtime: Any, cli_env: dict[str, str], screen_key: str
) -> None:
    make_user(cli_env, "ana@example.test")
    first = client.post(
        "/v1/screenings", json=signup(email="marie.dubois1@example.be"), headers=auth(screen_key)
    ).get_json()
    second = client.post(
        "/v1/screenings",
        json=signup(email="marie.dubois2@example.be", phone="+32 470 58 21 98"),
        headers=auth(screen_key),
    ).get_json()
    assert first["outcome"] == "approve" and second["outcome"] != "approve"
    sign_in(client, "ana@example.test")
    queue = client.get("/console/reviews?source=linked").get_data(as_text=True)
    assert first["decision_id"] in queue
    assert "linked to a held signup" in queue
    with runtime.db.session() as session:
        case = session.query(ReviewRequest).filter_by(decision_id=first["decision_id"]).one()
    page = client.get(f"/console/reviews/{case.id}").get_data(as_text=True)
    assert "linked to a held signup" in page
    assert "customer contest" not in page
