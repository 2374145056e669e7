"""Breach notices go out in each customer's language; the register's own text stays as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from screening.store.models import OutboxMessage
from tests.helpers import auth, signup
from tests.rights.test_breaches import iso, report


def test_each_customer_gets_the_breach_notice_in_their_language(
    client: Any, runtime: Any, screen_key: str, admin_key: str
) -> None:
    for email, language in [
        ("an.peeters@example.be", "nl-BE"),
        ("luc.dubois@example.be", "fr"),
        ("jonas.schmitz@example.be", "de"),
        ("sam.jones@example.be", None),
    ]:
        body = signup(email=email, **({"language": language} if language else {}))
        assert client.post("/v1/screenings", json=body, headers=auth(screen_key)).status_code == 201
    # The window ends a little after the screenings (report() truncates "now" to the second).
    now = datetime.now(UTC)
    window = {"from": iso(now - timedelta(days=1)), "to": iso(now + timedelta(seconds=2))}
    answer = report(client, admin_key, categories=["email", "phone"], window=window)
    assert answer.status_code == 201, answer.get_json()
    with runtime.db.session() as session:
        notices = {
            n.recipient: n
            for n in session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "breach_notice")
            )
        }
    assert len(notices) == 4
    dutch = notices["an.peeters@example.be"]
    assert dutch.subject == "Belangrijk: een beveiligingsincident dat uw gegevens betreft"
    assert "Betrokken gegevens: e-mailadres, telefoonnummer." in dutch.body
    assert "Données concernées : adresse e-mail, numéro de téléphone." in (
        notices["luc.dubois@example.be"].body
    )
    assert "Betroffene Daten: E-Mail-Adresse, Telefonnummer." in (
        notices["jonas.schmitz@example.be"].body
    )
    english = notices["sam.jones@example.be"]
    assert english.subject == "Important: a security incident concerning your data"
    assert "Data concerned: email address, phone number." in english.body
    for notice in notices.values():  # what happened is the register's text, as written
        assert "A misconfigured backup bucket was publicly readable." in notice.body
