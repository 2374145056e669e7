"""Rectification: stored fields corrected, normalised as screening does, recorded without values."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import excluded
from tests.rights.flows import ANNELIES, BORIS, analyst_view, call, screen

NEW_EMAIL = "annelies.vds@example.be"


def test_rectification_corrects_stored_fields_and_records_only_their_names(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    decisions = [screen(client, screen_key, ANNELIES) for _ in range(2)]
    other = screen(client, screen_key, BORIS)
    call(client, admin_key, "POST", "/v1/subjects/restriction", {"email": ANNELIES["email"]})
    before = {
        d["decision_id"]: analyst_view(client, analyst_key, d["decision_id"])["signals"]
        for d in decisions
    }

    response = call(
        client,
        admin_key,
        "PATCH",
        "/v1/subjects",
        {
            "email": ANNELIES["email"],
            "operator_note": "Verified against the signed contract",
            "corrections": {
                "last_name": "  Van der Straeten ",
                "phone": "0478 65 43 21",
                "email": NEW_EMAIL.upper().replace("EXAMPLE.BE", "Example.BE"),
                "address": {"line1": "Meiboomlaan 9", "line2": None, "region": "VWV"},
            },
        },
    )
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["actions"]["decisions"] == 2
    assert answer["actions"]["fields"] == [
        "address.line1",
        "address.line2",
        "address.region",
        "email",
        "last_name",
        "phone",
    ]
    for decision in decisions:
        view = analyst_view(client, analyst_key, decision["decision_id"])
        fields = view["fields"]
        assert fields["last_name"] == "Van der Straeten"
        assert fields["phone"] == "+32478654321"  # normalised to E.164 like a screening
        assert fields["email"] == "ANNELIES.VDS@example.be"  # domain lower-cased
        assert fields["address"]["line1"] == "Meiboomlaan 9"
        assert fields["address"]["city"] == ANNELIES["city"]  # untouched parts stay
        assert fields["first_name"] == ANNELIES["first_name"]
        assert view["signals"] == before[decision["decision_id"]]  # the decision stands
        event = view["events"][-1]
        assert (
            event["kind"] == "rectified" and event["data"]["fields"] == answer["actions"]["fields"]
        )
        assert ANNELIES["last_name"] not in json.dumps(view["events"])
        assert ANNELIES["phone_e164"] not in json.dumps(view["events"])
    assert (
        analyst_view(client, analyst_key, other["decision_id"])["fields"]["last_name"]
        == (BORIS["last_name"])
    )

    by_new = call(client, admin_key, "POST", "/v1/subjects/export", {"email": NEW_EMAIL})
    document = by_new.get_json()
    assert [d["decision_id"] for d in document["decisions"]] == [
        d["decision_id"] for d in decisions
    ]
    assert [r["right"] for r in document["rights_requests"]] == [
        "restriction",
        "rectification",
        "access",
    ]
    assert document["subject"]["restricted"] is True  # the flag follows the new email
    with runtime.db.session() as session:
        assert excluded(runtime, session, {"email": NEW_EMAIL})
    by_old = call(client, admin_key, "POST", "/v1/subjects/export", {"email": ANNELIES["email"]})
    assert by_old.get_json()["decisions"] == []


def test_rectifying_someone_we_do_not_hold_changes_nothing(client: Any, admin_key: str) -> None:
    response = call(
        client,
        admin_key,
        "PATCH",
        "/v1/subjects",
        {"external_ref": "acct-unknown", "corrections": {"first_name": "Marie"}},
    )
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "no_data"
    assert response.get_json()["actions"]["decisions"] == 0
