"""The OpenAPI document is the contract: schemathesis drives every operation against it.

Valid and invalid requests are generated from /openapi.json for every operation,
sent to the app (WSGI, SQLite) with real credentials (a key of every scope, a
screen-only key, a decision's contest token) and real ids on half the examples,
so the authorised paths run and not only 401s and 404s. Every answer must not be
a server error, must have a documented status, and must match its documented body.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from screening.store.keys import create_key
from tests.helpers import auth, hold_every_signup, signup

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Examples per operation and mode (38 operations x 2 modes): about 60 s on 2 shared cores.
# Hunt deeper with SCREENING_CONTRACT_EXAMPLES=200.
EXAMPLES = int(os.environ.get("SCREENING_CONTRACT_EXAMPLES", "12"))
CUSTOMER_FACING = {
    "GET /v1/decisions/{decision_id}",
    "POST /v1/decisions/{decision_id}/review-requests",
}
# Rate-limited: the customer endpoints, and screening when SCREENING_SCREEN_RATE_LIMIT is set.
RATE_LIMITED = CUSTOMER_FACING | {"POST /v1/screenings"}


def _seed(client: Any, runtime: Any) -> dict[str, Any]:
    """Keys, a declined and a held decision, a review case, a list entry and a breach."""
    with runtime.db.session() as session:
        _r, every = create_key(session, ["screen", "analyst", "admin"], name="contract-all")
        _r, screen = create_key(session, ["screen"], name="contract-screen")
    declined = client.post(
        "/v1/screenings", json=signup(email="c@mailinator.com"), headers=auth(every)
    ).get_json()
    live = str(runtime.rules.current().version)
    hold_every_signup(runtime)
    held = client.post("/v1/screenings", json=signup(), headers=auth(every)).get_json()
    case = client.get("/v1/reviews", headers=auth(every)).get_json()["items"][0]
    entry = client.post(
        "/v1/lists/entries",
        json={"list": "block", "kind": "email_domain", "value": "bad.example", "reason": "t"},
        headers=auth(every),
    ).get_json()
    now = datetime.now(UTC)
    breach = client.post(
        "/v1/breaches",
        json={
            "detected_at": now.isoformat(),
            "nature": "A test breach.",
            "categories": ["email"],
            "window": {"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()},
            "notify_subjects": False,
        },
        headers=auth(every),
    ).get_json()
    return {
        "keys": {"every": every, "screen": screen},
        "tokens": [declined["contest_token"], held["contest_token"]],
        "paths": {
            "decision_id": [declined["decision_id"], held["decision_id"]],
            "review_request_id": [case["review_request_id"]],
            "entry_id": [entry["id"]],
            "breach_id": [breach["breach_id"]],
            "version": [live, "v1"],
        },
    }


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_operation_declares_its_answers_with_examples(app: Any) -> None:
    document = app.api_doc
    error_ref = "#/components/schemas/ErrorResponse"
    operations = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operations += 1
            label = f"{method.upper()} {path}"
            answers = operation["responses"]
            success = [code for code in answers if code.startswith(("2", "3"))]
            assert success, f"{label} declares no success answer"
            for code in success:
                if code.startswith("3"):
                    assert "Location" in answers[code]["headers"], label
                    continue
                (media,) = answers[code]["content"].values()
                assert "schema" in media and "example" in media, f"{label} {code}"
            for code, answer in answers.items():
                if code.startswith("4") or (code == "503" and path != "/readyz"):
                    media = answer["content"]["application/json"]
                    assert media["schema"] == {"$ref": error_ref}, f"{label} {code}"
            secured = bool(operation.get("security"))
            assert ("503" in answers) == (secured or path == "/readyz"), label
            assert ("429" in answers) == (label in RATE_LIMITED), label
            assert ("401" in answers) == secured, label
    assert operations == 39
    assert "ValidationErrorModel" not in document["components"]["schemas"]
    body = document["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "fields"}
    assert body["required"] == ["code", "message"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_operation_keeps_to_the_document(app: Any, client: Any, runtime: Any) -> None:
    seeded = _seed(client, runtime)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    declared = {
        f"{method.upper()} {path}" for path, item in app.api_doc["paths"].items() for method in item
    }
    # schemathesis leaves out the document it was loaded from.
    assert {o.label for o in operations} == declared - {"GET /openapi.json"}
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: dict[str, set[str]] = {}

    every, screen = auth(seeded["keys"]["every"]), auth(seeded["keys"]["screen"])
    tokens = [auth(token) for token in seeded["tokens"]]

    def run(operation: Any, mode: Any) -> None:
        names = [p.name for p in operation.path_parameters]
        # Mostly the key that may do everything; the decision's own views also by the host's
        # screen key and by the customers' tokens.
        credentials = [every, every, screen, *tokens] if "decision_id" in names else [every] * 3
        strategy = st.tuples(
            operation.as_strategy(generation_mode=mode),
            st.sampled_from([*credentials, screen]),
            st.booleans(),
            st.integers(min_value=0, max_value=1),
        )

        @given(strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(drawn: Any) -> None:
            case, headers, real_ids, pick = drawn
            if real_ids:
                for name in names:
                    values = seeded["paths"].get(name)
                    if values:
                        case.path_parameters[name] = values[pick % len(values)]
            response = case.call(headers=headers)
            sent[operation.label] += 1
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures.setdefault(operation.label, set()).add(
                        f"{failure.title} ({response.status_code})"
                    )

        try:
            exercise()
        except Unsatisfiable:
            # No invalid request exists for an operation without parameters or body.
            assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label

    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run(operation, mode)

    print(  # the figures, shown with -s
        f"\nschemathesis: {len(operations)} operations, {sum(sent.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}, "
        f"{sum(len(v) for v in failures.values())} distinct failures"
    )
    assert len(sent) == len(operations)
    assert statuses[200] + statuses[201] > len(operations)  # authorised paths did run
    assert failures == {}


# Found by deeper contract runs (ids past the database range) and by probing the same
# class of input (times that leave the years 1 to 9999 once in UTC): 500s before.
EARLY = "0001-01-01T00:00:00+14:00"  # before the year 1 in UTC


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("DELETE", "/v1/lists/entries/99999999999999999999", None),
        ("DELETE", "/v1/lists/entries/2147483648", None),
        ("GET", "/v1/lists?after=99999999999999999999", None),
        ("GET", "/v1/rules/shadow?since=9999999d", None),
        ("GET", "/v1/rules/shadow?since=99999999999999999999d", None),
        ("POST", "/v1/rules/backtest", {"rule_set": {"rules": []}, "since": "9999999d"}),
        ("POST", "/v1/subjects/export", {"email": "a@example.org", "received_at": EARLY}),
        ("POST", "/v1/breaches/br_0/notified", {"notified_at": EARLY}),
        (
            "POST",
            "/v1/lists/entries",
            {
                "list": "block",
                "kind": "email_domain",
                "value": "x.example",
                "reason": "r",
                "expires_at": EARLY,
            },
        ),
        (
            "POST",
            "/v1/breaches",
            {
                "detected_at": EARLY,
                "nature": "n",
                "categories": ["email"],
                "window": {"from": EARLY, "to": "2026-01-01T00:00:00Z"},
            },
        ),
    ],
)
def test_edge_values_answer_4xx_not_500(
    client: Any, admin_key: str, method: str, url: str, body: Any
) -> None:
    response = client.open(url, method=method, json=body, headers=auth(admin_key))
    assert 400 <= response.status_code < 500, response.get_json()
    assert set(response.get_json()["error"]) >= {"code", "message"}
