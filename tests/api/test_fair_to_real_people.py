"""Fair to real people over the whole HTTP path: households, typos and score-only reasons.

The service records each signup and counts velocity for real (SQLite and PostgreSQL), with
the shipped rules and model.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import auth

ADDRESS = {"line1": "Rue de la Loi 16", "city": "Bruxelles", "postal_code": "1000",
           "country": "BE"}  # fmt: skip
# Four unrelated people of one household or shared flat (made-up names, not real people).
HOUSEHOLD = [
    ("Marie", "Dubois", "marie.dubois@gmail.com", "+32 470 58 21 97"),
    ("Youssef", "El Amrani", "y.elamrani@hotmail.com", "+32 486 11 47 30"),
    ("Anneleen", "Peeters", "anneleen.peeters@telenet.be", "+32 495 72 03 18"),
    ("Kofi", "Mensah", "kofi.mensah@outlook.com", "+32 472 90 65 44"),
]


def test_four_unrelated_people_at_one_address_within_an_hour_are_not_declined(
    client: Any, screen_key: str
) -> None:
    outcomes = []
    for first, last, email, phone in HOUSEHOLD:
        body = {"first_name": first, "last_name": last, "email": email, "phone": phone,
                "address": ADDRESS}  # fmt: skip
        response = client.post("/v1/screenings", json=body, headers=auth(screen_key))
        assert response.status_code == 201, response.get_data(as_text=True)
        outcomes.append(response.get_json())
    assert [a["outcome"] for a in outcomes].count("decline") == 0, outcomes
    # The fourth saw three earlier signups at the address: it may add risk, never a decline.
    assert outcomes[-1]["outcome"] in ("approve", "review")


@pytest.mark.parametrize("domain", ["gmial.com", "gmail.con"])
def test_a_mistyped_provider_is_not_declined_and_the_meant_domain_is_a_signal(
    client: Any, screen_key: str, analyst_key: str, domain: str
) -> None:
    body = {"first_name": "Marie", "last_name": "Dubois", "email": f"marie.dubois@{domain}",
            "phone": "+32 470 58 21 97", "address": ADDRESS}  # fmt: skip
    answer = client.post("/v1/screenings", json=body, headers=auth(screen_key)).get_json()
    assert answer["outcome"] != "decline"
    assert "email_disposable" not in {r["code"] for r in answer["reasons"]}
    simulated = client.post("/v1/rules/simulate", json=body, headers=auth(analyst_key))
    assert simulated.status_code == 200, simulated.get_data(as_text=True)
    signals = simulated.get_json()["signals"]
    assert signals["email.domain_typo"] is True
    assert signals["email.typo_suggestion"] == "gmail.com"
    assert signals["email.disposable"] is False
