"""Small helpers shared by tests: headers and obviously synthetic signups."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


BASE_SIGNUP: dict[str, Any] = {
    "first_name": "Marie",
    "last_name": "Dubois",
    "email": "marie.dubois@example.be",
    "phone": "+32 470 58 21 97",
    "address": {
        "line1": "Rue de la Loi 16",
        "city": "Bruxelles",
        "postal_code": "1000",
        "country": "BE",
    },
}


def signup(**changes: Any) -> dict[str, Any]:
    """Return a valid synthetic signup with ``changes`` applied (address keys nested)."""
    body = copy.deepcopy(BASE_SIGNUP)
    for key, value in changes.items():
        if key.startswith("address_"):
            body["address"][key.removeprefix("address_")] = value
        else:
            body[key] = value
    return body


def decision_row(decision_id: str, outcome: str, created_at: Any, **columns: Any) -> dict[str, Any]:
    """The columns of a decision written straight into the table (upgrade and backtest tests).

    Neutral values, none identifying; ``columns`` replace them or add others (a schema
    version's own columns, a record hash).
    """
    return {
        "id": decision_id,
        "created_at": created_at,
        "outcome": outcome,
        "score": 0.1,
        "risk_total": 0.1,
        "reasons": [],
        "hits": [],
        "shadow_hits": [],
        "shadow_outcome": outcome,
        "signals": {},
        "derived": {},
        "contributions": [],
        "discarded_fields": [],
        "rules_version": "v1",
        "model_version": "none",
        "policy_version": "p",
        "latency_ms": 1.0,
        **columns,
    }


def contest(client: Any, decision: dict[str, Any], statement: str = "Please look again.") -> str:
    """Ask for a human review of ``decision`` with its token; return the review request id."""
    response = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": statement},
        headers=auth(decision["contest_token"]),
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["review_request_id"])


def excluded(runtime: Any, session: Any, normalized: dict[str, Any]) -> bool:
    """Tell whether screening excludes this signup's subject from velocity (restricted)."""
    from datetime import UTC, datetime

    from screening.core.identifiers import identify
    from screening.store.lookups import signup_lookups

    ids = identify(normalized, {}, runtime.pseudonyms)
    restricted, _lists = signup_lookups(
        session.connection(), ids.subject, {}, now=datetime.now(UTC)
    )
    return restricted


HOLD_EVERY_SIGNUP = {
    "id": "test-hold-every-signup",
    "when": "true",
    "action": "review",
    "reason": {
        "code": "test_hold",
        "field": "signup",
        "message": "A member of our team will review your registration.",
    },
}


def hold_every_signup(runtime: Any) -> str:
    """Publish the live rule set plus a rule that holds every signup; return the old version.

    For tests that need a contestable decision from an otherwise approved signup.
    """
    from screening.core.rules.ruleset import parse_rule_set
    from screening.store import rulesets

    live = runtime.rules.current()
    document = live.rule_set.to_document()
    document["rules"] = [*document["rules"], HOLD_EVERY_SIGNUP]
    with runtime.db.session() as session:
        rulesets.publish(session, parse_rule_set(document), author="test")
    runtime.rules.invalidate()
    return str(live.version)


def restore_rules(runtime: Any, version: str) -> None:
    """Make ``version`` live again (published as a new version)."""
    from screening.store import rulesets

    with runtime.db.session() as session:
        rulesets.rollback(session, version, author="test")
    runtime.rules.invalidate()


def app_on(url: str, instance: Path) -> Any:
    """Return a test app on the database at ``url``, upgraded to the newest schema on start."""
    from screening.app import create_app
    from tests.conftest import HMAC_TEST_KEYS

    settings = {
        "env": "test",
        "instance_path": instance,
        "database_url": url,
        "hmac_keys": HMAC_TEST_KEYS,
        "secret_key": "s" * 40,
    }
    return create_app(settings)
