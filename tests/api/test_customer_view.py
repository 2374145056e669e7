"""The customer's side: their language, what would change the outcome, suggestions, dry runs."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from screening.store.models import Base, OutboxMessage, ReviewRequest
from tests.helpers import auth, signup

DISPOSABLE = {"email": "marie@mailinator.com"}
# A Dutch mobile number for a Brussels address: valid, just not Belgian.
FOREIGN_PHONE = {"phone": "+31 6 12345678"}


def screen(client: Any, key: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=body, headers={**auth(key), **headers})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def view(client: Any, decision: dict[str, Any], query: str = "", **headers: str) -> Any:
    response = client.get(
        f"/v1/decisions/{decision['decision_id']}{query}",
        headers={**auth(decision["contest_token"]), **headers},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("header", "language", "words"),
    [
        ("nl-BE,nl;q=0.9,en;q=0.5", "nl", "tijdelijke mailbox"),
        ("fr-BE,fr;q=0.8", "fr", "boîte aux lettres temporaire"),
        ("de-BE", "de", "temporären Postfach"),
        ("es-ES,es;q=0.9", "en", "temporary mailboxes"),
        ("", "en", "temporary mailboxes"),
        ("en;q=0.2, nl;q=0.9", "nl", "tijdelijke mailbox"),
    ],
)
def test_the_customer_view_answers_in_the_accepted_language(
    client: Any, screen_key: str, header: str, language: str, words: str
) -> None:
    decision = screen(client, screen_key, signup(**DISPOSABLE))
    answer = view(client, decision, **({"Accept-Language": header} if header else {}))
    assert answer["language"] == language
    (reason,) = [r for r in answer["reasons"] if r["code"] == "email_disposable"]
    assert words in reason["message"]
    assert answer["state"] == "declined"


def test_a_screening_language_is_kept_for_the_view_and_its_notices(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    decision = screen(
        client, screen_key, signup(language="fr-BE", **DISPOSABLE), **{"Accept-Language": "de"}
    )
    assert decision["language"] == "fr"
    assert "temporaire" in decision["reasons"][0]["message"]
    answer = view(client, decision, **{"Accept-Language": "nl-BE"})
    assert answer["language"] == "fr"
    assert "Cette décision a été prise automatiquement" in answer["your_rights"]
    assert {d["label"] for d in answer["data_used"]} >= {"adresse e-mail", "langue"}
    # The person's own choice on the page wins over the stored preference.
    assert view(client, decision, "?language=de")["language"] == "de"

    contested = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "C'est ma boîte depuis des années."},
        headers=auth(decision["contest_token"]),
    )
    assert contested.status_code == 201
    client.post(
        f"/v1/reviews/{contested.get_json()['review_request_id']}/resolution",
        json={"outcome": "approve", "note": "Adresse vérifiée."},
        headers=auth(analyst_key),
    )
    with runtime.db.session() as session:
        notices = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [n.kind for n in notices] == ["review_received", "review_resolved"]
    assert notices[0].subject == "Nous avons reçu votre demande de réexamen par une personne"
    assert "au plus tard le" in notices[0].body
    assert "votre inscription est approuvée" in notices[1].body

    resolved = view(client, decision)
    assert resolved["state"] == "resolved"
    assert resolved["outcome"] == "approve"
    assert resolved["automated_outcome"] == "decline"
    assert resolved["human_review"]["note"] == "Adresse vérifiée."
    assert resolved["can_contest"] is False
    assert resolved["what_would_change"] == []


def test_an_unsupported_screening_language_is_no_preference(client: Any, screen_key: str) -> None:
    decision = screen(client, screen_key, signup(language="es", **DISPOSABLE))
    assert decision["language"] == "en"
    assert view(client, decision, **{"Accept-Language": "de-DE"})["language"] == "de"


@pytest.fixture
def phone_country_rules(client: Any, admin_key: str) -> None:
    """A rule set that declines on one signal: the phone is not from the address's country."""
    document = {
        "version": "phone-country-declines",
        "thresholds": {"review": 0.5, "decline": 0.9},
        "rules": [
            {
                "id": "phone-other-country",
                "when": "!phone.matches_address_country",
                "action": "decline",
                "reason": {
                    "code": "phone_country_differs",
                    "field": "phone",
                    "message": "Phone from another country.",
                },
            }
        ],
    }
    assert client.put("/v1/rules", json=document, headers=auth(admin_key)).status_code == 201


@pytest.mark.usefixtures("phone_country_rules")
def test_what_would_change_names_the_phone_and_nothing_else(client: Any, screen_key: str) -> None:
    decision = screen(client, screen_key, signup(**FOREIGN_PHONE))
    assert decision["outcome"] == "decline"
    answer = view(client, decision)
    assert answer["what_would_change"] == [
        {
            "field": "phone",
            "message": "A phone number valid for Belgium would have let us approve this "
            "automatically.",
        }
    ]
    dutch = view(client, decision, "?language=nl")["what_would_change"]
    assert [c["field"] for c in dutch] == ["phone"]
    assert "geldig telefoonnummer voor België" in dutch[0]["message"]
    text = str(answer["what_would_change"])
    assert "0." not in text and "phone-other-country" not in text  # no score, no rule

    approved = screen(client, screen_key, signup())
    assert approved["outcome"] == "approve"
    assert view(client, approved)["what_would_change"] == []


@pytest.mark.usefixtures("phone_country_rules")
def test_corrections_are_screened_in_simulation_for_the_reviewer(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    decision = screen(client, screen_key, signup(**FOREIGN_PHONE))
    counts = _row_counts(runtime)
    contested = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={
            "statement": "Here is my Belgian number.",
            "corrections": {"phone": "+32 470 58 21 97"},
        },
        headers=auth(decision["contest_token"]),
    )
    assert contested.status_code == 201
    review = client.get(
        f"/v1/reviews/{contested.get_json()['review_request_id']}", headers=auth(analyst_key)
    ).get_json()
    assert review["corrections"] == {"phone": "+32 470 58 21 97"}
    assert review["correction_screening"] == {
        "fields": ["phone"],
        "outcome": "approve",
        "automated_outcome": "decline",
        "reasons": [],
    }
    assert review["decision"]["outcome"] == "decline"  # nothing changed by itself
    after = _row_counts(runtime)
    assert after.pop("velocity_events") == counts.pop("velocity_events")  # no velocity
    assert after["decisions"] == counts["decisions"]


def test_a_mail_domain_typo_and_a_country_name_get_suggestions(
    client: Any, screen_key: str
) -> None:
    decision = screen(
        client,
        screen_key,
        signup(email="maria.janssens@gmial.com", address_country="Belgique"),
    )
    assert decision["suggestions"] == {
        "email": "maria.janssens@gmail.com",
        "address.country": "BE",
    }
    clean = screen(client, screen_key, signup(email="maria.janssens@gmail.com"))
    assert clean["suggestions"] == {}
    con = screen(client, screen_key, signup(email="maria.janssens@gmail.con"))
    assert con["suggestions"] == {"email": "maria.janssens@gmail.com"}


def _row_counts(runtime: Any) -> dict[str, int]:
    with runtime.db.session() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def test_a_dry_run_records_nothing(client: Any, runtime: Any, screen_key: str) -> None:
    screen(client, screen_key, signup())  # some rows to begin with
    before = _row_counts(runtime)
    body = signup(email="maria.janssens@gmial.com", language="nl", dry_run=True, ssn="1")
    for _ in range(3):
        response = client.post(
            "/v1/screenings",
            json=body,
            headers={**auth(screen_key), "Idempotency-Key": "same-key"},
        )
        assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["dry_run"] is True
    assert "contest_token" not in answer and "decision_id" not in answer
    assert answer["suggestions"] == {"email": "maria.janssens@gmail.com"}
    assert answer["language"] == "nl"
    assert answer["outcome"] in ("approve", "review", "decline")
    assert answer["discarded_fields"] == ["ssn"]
    assert _row_counts(runtime) == before
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ReviewRequest)) == 0


def test_a_dry_run_is_validated_like_a_screening(client: Any, screen_key: str) -> None:
    response = client.post(
        "/v1/screenings", json={"dry_run": True, "email": 5}, headers=auth(screen_key)
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"]
