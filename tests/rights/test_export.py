"""Access and portability: the export holds everything about the person, nothing about others."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import auth
from tests.rights.flows import ANNELIES, BORIS, call, contest_and_resolve, screen

THROWAWAY = "annelies.v@mailinator.com"


def test_export_holds_every_decision_reason_and_review_of_the_person_and_nothing_else(
    client: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    first = screen(client, screen_key, ANNELIES, email=THROWAWAY)
    second = screen(client, screen_key, ANNELIES, email=THROWAWAY, phone="+32 478 12 34 57")
    other = screen(client, screen_key, BORIS)
    assert first["outcome"] == "decline" and first["reasons"]
    review_id = contest_and_resolve(
        client, analyst_key, first, "This mailbox is really mine.", "Checked by phone."
    )

    response = call(
        client,
        admin_key,
        "POST",
        "/v1/subjects/export",
        {"email": "  Annelies.V@MAILINATOR.com ", "operator_note": "Ticket 4411, ID document"},
    )
    assert response.status_code == 200, response.get_json()
    export = response.get_json()

    assert export["schema"] == "screening.subject-export/1"
    assert [d["decision_id"] for d in export["decisions"]] == [
        first["decision_id"],
        second["decision_id"],
    ]
    by_id = {d["decision_id"]: d for d in export["decisions"]}
    for screened in (first, second):
        decision = by_id[screened["decision_id"]]
        assert decision["reasons"] == screened["reasons"]
        assert decision["automated_outcome"] == screened["outcome"]
        assert decision["stored_fields"] == screened["normalized"]
        assert decision["explanation"]["signals"]["email.disposable"] is True
        assert {h["rule_id"] for h in decision["explanation"]["rules_hit"]}
    contested = by_id[first["decision_id"]]
    assert contested["outcome"] == "approve"  # the human decision is the effective one
    [review] = contested["review_requests"]
    assert review["review_request_id"] == review_id
    assert review["statement"] == "This mailbox is really mine."
    assert review["resolution"] == {
        "outcome": "approve",
        "note": "Checked by phone.",
        "label": "legitimate",
    }
    assert [n["kind"] for n in contested["notices"]] == ["review_received", "review_resolved"]
    assert {n["recipient"] for n in contested["notices"]} == {THROWAWAY}
    kinds = [e["kind"] for e in contested["events"]]
    assert kinds[:2] == ["review_requested", "review_resolved"] and kinds[-1] == "rights_request"
    [request] = export["rights_requests"]
    assert request["request_id"] == export["request_id"] and request["right"] == "access"
    assert request["operator_note"] == "Ticket 4411, ID document"
    assert export["controller"]["name"] and export["processing"]["retention_days"]

    text = json.dumps(export)
    for value in (
        other["decision_id"],
        BORIS["first_name"],
        BORIS["last_name"],
        BORIS["email"],
        BORIS["phone_e164"],
        BORIS["line1"],
        BORIS["external_ref"],
    ):
        assert value not in text, "the export mentions someone else"


def test_a_subject_is_found_by_external_ref_and_an_unknown_one_gets_an_empty_export(
    client: Any, screen_key: str, admin_key: str
) -> None:
    mine = screen(client, screen_key, ANNELIES)
    screen(client, screen_key, BORIS)
    by_ref = call(
        client, admin_key, "POST", "/v1/subjects/export", {"external_ref": ANNELIES["external_ref"]}
    ).get_json()
    assert [d["decision_id"] for d in by_ref["decisions"]] == [mine["decision_id"]]
    assert by_ref["subject"]["identified_by"] == "external_ref"

    nobody = call(
        client, admin_key, "POST", "/v1/subjects/export", {"email": "nobody@example.be"}
    ).get_json()
    assert nobody["decisions"] == []
    assert [r["outcome"] for r in nobody["rights_requests"]] == ["no_data"]


def test_rights_requests_are_recorded_with_their_due_date_and_never_the_identifier(
    client: Any, screen_key: str, admin_key: str
) -> None:
    screen(client, screen_key, ANNELIES)
    response = call(
        client,
        admin_key,
        "POST",
        "/v1/subjects/export",
        {
            "email": ANNELIES["email"],
            "operator_note": "Signed ticket from the account's mailbox",
            "received_at": "2026-10-31T16:00:00Z",
        },
    )
    assert response.status_code == 200, response.get_json()
    listed = client.get("/v1/subjects/requests", headers=auth(admin_key)).get_json()
    [item] = listed["items"]
    assert item["right"] == "access" and item["due_by"] == "2026-11-30"
    assert item["received_at"] == "2026-10-31T16:00:00Z"
    assert item["actions"] == {"decisions": 1} and item["outcome"] == "completed"
    assert ANNELIES["email"] not in json.dumps(listed)

    quoting = call(
        client,
        admin_key,
        "POST",
        "/v1/subjects/export",
        {"email": ANNELIES["email"], "operator_note": f"Caller read out {ANNELIES['phone_e164']}"},
    )
    assert quoting.status_code == 422
    assert quoting.get_json()["error"]["fields"][0]["field"] == "operator_note"
    assert ANNELIES["phone_e164"] not in quoting.get_data(as_text=True)
    again = client.get("/v1/subjects/requests", headers=auth(admin_key)).get_json()
    assert len(again["items"]) == 1  # the refused call recorded nothing


def test_the_request_register_pages_newest_first(client: Any, admin_key: str) -> None:
    for _ in range(3):
        call(client, admin_key, "POST", "/v1/subjects/export", {"external_ref": "acct-none"})
    first = client.get("/v1/subjects/requests?limit=2", headers=auth(admin_key)).get_json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get(
        f"/v1/subjects/requests?limit=2&cursor={first['next']}", headers=auth(admin_key)
    ).get_json()
    assert len(rest["items"]) == 1 and "next" not in rest
    ids = [i["request_id"] for i in first["items"] + rest["items"]]
    assert len(set(ids)) == 3


ENDPOINTS = [
    ("PUT", "/v1/subjects/account-status", {"email": "a@example.be", "active_services": True}),
    ("POST", "/v1/subjects/export", {"email": "a@example.be"}),
    ("POST", "/v1/subjects/erasure", {"email": "a@example.be"}),
    ("PATCH", "/v1/subjects", {"email": "a@example.be", "corrections": {"last_name": "X"}}),
    ("POST", "/v1/subjects/restriction", {"email": "a@example.be"}),
    ("POST", "/v1/subjects/objection", {"email": "a@example.be"}),
    ("GET", "/v1/subjects/requests", None),
    ("POST", "/v1/breaches", {}),
    ("GET", "/v1/breaches", None),
    ("GET", "/v1/breaches/br_unknown", None),
    ("POST", "/v1/breaches/br_unknown/notified", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_rights_and_breach_endpoint_needs_scope_admin(
    client: Any, screen_key: str, analyst_key: str, method: str, path: str, body: Any
) -> None:
    assert client.open(path, method=method, json=body).status_code == 401
    for key in (screen_key, analyst_key):
        response = client.open(path, method=method, json=body, headers=auth(key))
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/v1/subjects/export", {}, "email"),
        ("POST", "/v1/subjects/export", {"email": "a@x.be", "external_ref": "r"}, "external_ref"),
        ("POST", "/v1/subjects/export", {"emial": "a@x.be"}, "emial"),
        ("POST", "/v1/subjects/export", {"email": 42}, "email"),
        ("POST", "/v1/subjects/export", {"external_ref": "   "}, "external_ref"),
        ("POST", "/v1/subjects/export", {"email": "a@x.be", "received_at": "2026-01-01"},
         "received_at"),
        ("POST", "/v1/subjects/erasure", {"email": "a" * 400}, "email"),
        ("PUT", "/v1/subjects/account-status", {"email": "a@x.be"}, "active_services"),
        ("PUT", "/v1/subjects/account-status", {"email": "a@x.be", "active_services": "no"},
         "active_services"),
        ("POST", "/v1/subjects/restriction", {"email": "a@x.be", "lift": "yes"}, "lift"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be"}, "corrections"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be", "corrections": {}}, "corrections"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be", "corrections": {"ssn": "1"}},
         "corrections.ssn"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be", "corrections": {"address": {"notes": "x"}}},
         "corrections.address.notes"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be", "corrections": {"address": {"city": None}}},
         "corrections.address.city"),
        ("PATCH", "/v1/subjects", {"email": "a@x.be", "corrections": {"last_name": " "}},
         "corrections.last_name"),
    ],
)  # fmt: skip
def test_malformed_bodies_get_422_naming_the_field(
    client: Any, admin_key: str, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    response = call(client, admin_key, method, path, body)
    assert response.status_code == 422, response.get_json()
    assert field in [f["field"] for f in response.get_json()["error"]["fields"]]
    listed = client.get("/v1/subjects/requests", headers=auth(admin_key)).get_json()
    assert listed["items"] == []  # nothing recorded


def test_a_body_that_is_not_json_is_refused(client: Any, admin_key: str) -> None:
    response = client.post(
        "/v1/subjects/export",
        data="email=a@x.be",
        headers={**auth(admin_key), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"
