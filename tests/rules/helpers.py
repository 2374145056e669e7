"""Helpers for the analysts' tooling tests: rule documents, screening, labelling, the CLI."""

from __future__ import annotations

import copy
import secrets
from datetime import UTC, datetime
from typing import Any

from click.testing import CliRunner

from screening.cli import main
from screening.config import DEFAULT_RULES
from screening.core.rules.ruleset import load_rule_set
from screening.store.models import ReviewRequest
from tests.helpers import auth

REASON = {"code": "test_rule", "field": "signup", "message": "A test rule fired."}


def shipped() -> dict[str, Any]:
    """Return the shipped rule set as a document (a fresh copy)."""
    return copy.deepcopy(load_rule_set(DEFAULT_RULES).to_document())


def rule(rule_id: str, when: str, action: Any = "review", **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "when": when, "action": action, "reason": REASON, **extra}


def document(*rules: dict[str, Any], review: float = 0.5, decline: float = 0.9) -> dict[str, Any]:
    return {"thresholds": {"review": review, "decline": decline}, "rules": list(rules)}


def screen(client: Any, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=body, headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def label(client: Any, analyst_key: str, screened: dict[str, Any], value: str) -> None:
    """Contest a decision with its token and resolve the review with a fraud/legitimate label.

    An approval cannot be contested (409): its case is written to the store directly, as
    a later analyst-opened case would be, so backtests still see labelled approvals.
    """
    opened = client.post(
        f"/v1/decisions/{screened['decision_id']}/review-requests",
        json={"statement": "Please look again."},
        headers=auth(screened["contest_token"]),
    )
    if opened.status_code == 409 and opened.get_json()["error"]["code"] == "not_contestable":
        review_request_id = _case_of_approval(client, screened["decision_id"])
    else:
        assert opened.status_code == 201, opened.get_json()
        review_request_id = opened.get_json()["review_request_id"]
    resolved = client.post(
        f"/v1/reviews/{review_request_id}/resolution",
        json={"outcome": "approve" if value == "legitimate" else "decline", "note": "Checked.",
              "label": value},
        headers=auth(analyst_key),
    )  # fmt: skip
    assert resolved.status_code == 200, resolved.get_json()


def _case_of_approval(client: Any, decision_id: str) -> str:
    runtime = client.application.extensions["screening"]
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        case = ReviewRequest(
            id=f"rr_{secrets.token_hex(10)}",
            decision_id=decision_id,
            status="pending",
            source="customer",
            received_at=now,
            due_by=now.date(),
        )
        session.add(case)
    return case.id


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin)
