"""Helpers for the analysts' tooling tests: rule documents, screening, labelling, the CLI."""

from __future__ import annotations

import copy
from typing import Any

from click.testing import CliRunner

from screening.cli import main
from screening.config import DEFAULT_RULES
from screening.core.rules.ruleset import load_rule_set
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
    """Contest a decision with its token and resolve the review with a fraud/legitimate label."""
    opened = client.post(
        f"/v1/decisions/{screened['decision_id']}/review-requests",
        json={"statement": "Please look again."},
        headers=auth(screened["contest_token"]),
    )
    assert opened.status_code == 201, opened.get_json()
    resolved = client.post(
        f"/v1/reviews/{opened.get_json()['review_request_id']}/resolution",
        json={"outcome": "approve" if value == "legitimate" else "decline", "note": "Checked.",
              "label": value},
        headers=auth(analyst_key),
    )  # fmt: skip
    assert resolved.status_code == 200, resolved.get_json()


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin)
