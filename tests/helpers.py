"""Small helpers shared by tests: headers and obviously synthetic signups."""

from __future__ import annotations

import copy
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
    from screening.core.identifiers import identify
    from screening.service.screenings import excluded_from_processing

    return excluded_from_processing(session, identify(normalized, {}, runtime.pseudonyms))
