"""Shared steps for the rights tests: distinctive synthetic people, screening, admin calls."""

from __future__ import annotations

from typing import Any

from tests.helpers import auth, signup

# Two obviously synthetic people whose values appear nowhere else in the database.
ANNELIES = {
    "first_name": "Annelies",
    "last_name": "Vanderstraeten",
    "email": "annelies.vanderstraeten@example.be",
    "phone": "+32 478 12 34 56",
    "phone_e164": "+32478123456",
    "line1": "Zwaluwenstraat 27",
    "city": "Kortrijk",
    "postal_code": "8500",
    "external_ref": "acct-annelies-0001",
}
BORIS = {
    "first_name": "Boris",
    "last_name": "Oosterlinck",
    "email": "boris.oosterlinck@example.be",
    "phone": "+32 479 98 76 54",
    "phone_e164": "+32479987654",
    "line1": "Kastanjedreef 3",
    "city": "Brugge",
    "postal_code": "8000",
    "external_ref": "acct-boris-0002",
}


def body_of(person: dict[str, str], **changes: Any) -> dict[str, Any]:
    values = {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "email": person["email"],
        "phone": person["phone"],
        "external_ref": person["external_ref"],
        "address_line1": person["line1"],
        "address_city": person["city"],
        "address_postal_code": person["postal_code"],
    }
    values.update(changes)
    return signup(**values)


def screen(client: Any, key: str, person: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=body_of(person, **changes), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def analyst_view(client: Any, key: str, decision_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/decisions/{decision_id}", headers=auth(key))
    assert response.status_code == 200
    return dict(response.get_json())


def call(client: Any, key: str, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.open(path, method=method, json=body, headers=auth(key))


def set_active(client: Any, key: str, active: bool, **subject: str) -> None:
    response = call(
        client, key, "PUT", "/v1/subjects/account-status", {**subject, "active_services": active}
    )
    assert response.status_code == 200, response.get_json()


def contest_and_resolve(
    client: Any, analyst_key: str, decision: dict[str, Any], statement: str, note: str
) -> str:
    url = f"/v1/decisions/{decision['decision_id']}/review-requests"
    contest = client.post(
        url, json={"statement": statement}, headers=auth(decision["contest_token"])
    )
    assert contest.status_code == 201, contest.get_json()
    review_id = str(contest.get_json()["review_request_id"])
    resolved = client.post(
        f"/v1/reviews/{review_id}/resolution",
        json={"outcome": "approve", "note": note, "label": "legitimate"},
        headers=auth(analyst_key),
    )
    assert resolved.status_code == 200, resolved.get_json()
    return review_id
