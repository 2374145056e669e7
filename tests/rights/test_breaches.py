"""The breach register: affected records by window and criteria, the 72-hour deadline, notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from screening.store.models import Decision, OutboxMessage
from screening.store.models.rights import Breach
from screening.store.retention import scrub
from tests.helpers import auth
from tests.rights.flows import ANNELIES, BORIS, screen

CARLA = {
    **BORIS,
    "first_name": "Carla",
    "last_name": "Mertensdijk",
    "email": "carla.mertensdijk@example.nl",
    "phone": "+31 6 41827365",
    "line1": "Prinsengracht 263",
    "city": "Amsterdam",
    "postal_code": "1016 GV",
    "external_ref": "acct-carla-0003",
}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def report(client: Any, key: str, **changes: Any) -> Any:
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "detected_at": iso(now - timedelta(hours=1)),
        "nature": "A misconfigured backup bucket was publicly readable.",
        "categories": ["first_name", "last_name", "email"],
        "window": {"from": iso(now - timedelta(days=2)), "to": iso(now)},
        **changes,
    }
    return client.post("/v1/breaches", json=body, headers=auth(key))


@pytest.fixture
def recorded(client: Any, runtime: Any, screen_key: str) -> dict[str, Any]:
    """Six decisions placed in time around a two-day window ending at ``to``."""
    to = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    start = to - timedelta(days=2)
    placed = {
        "annelies_1": (screen(client, screen_key, ANNELIES), start),  # the window's first second
        "annelies_2": (screen(client, screen_key, ANNELIES, phone="+32 478 12 34 99"), to),
        "boris": (
            screen(client, screen_key, BORIS, email="boris.o@mailinator.com"),
            start + timedelta(hours=5),
        ),
        "carla": (
            screen(client, screen_key, CARLA, address_country="NL"),
            start + timedelta(hours=6),
        ),
        "before": (screen(client, screen_key, BORIS), start - timedelta(seconds=1)),
        "scrubbed": (screen(client, screen_key, BORIS), start + timedelta(hours=7)),
    }
    with runtime.db.session() as session:
        for decision, at in placed.values():
            session.execute(
                update(Decision).where(Decision.id == decision["decision_id"]).values(created_at=at)
            )
        gone = session.get(Decision, placed["scrubbed"][0]["decision_id"])
        scrub(session, gone, reason="retention", at=to, actor="retention")
    assert placed["boris"][0]["outcome"] == "decline"
    assert placed["carla"][0]["outcome"] != "decline"
    return {"from": iso(start), "to": iso(to), **{k: v[0] for k, v in placed.items()}}


def test_a_breach_over_a_window_counts_subjects_and_records_with_a_72_hour_deadline(
    client: Any, runtime: Any, admin_key: str, recorded: dict[str, Any]
) -> None:
    detected = "2026-11-20T08:15:30Z"
    response = report(
        client,
        admin_key,
        detected_at=detected,
        window={"from": recorded["from"], "to": recorded["to"]},
        measures="Bucket made private; access logs under review.",
    )
    assert response.status_code == 201, response.get_json()
    breach = response.get_json()
    assert breach["notify_authority_by"] == "2026-11-23T08:15:30Z"
    assert breach["records_affected"] == 4  # both of Annelies's, Boris's, Carla's
    assert breach["subjects_affected"] == 3
    assert breach["notices_queued"] == 3

    draft = breach["draft"]
    assert "Belgian Data Protection Authority" in draft
    assert "Records concerned: approximately 4" in draft
    assert "Data subjects concerned: approximately 3" in draft
    assert "Data Protection Officer" in draft and "Borsbeeksebrug 34" in draft
    assert "email (contact)" in draft and "phishing" in draft
    assert "Bucket made private" in draft and "2026-11-23T08:15:30Z" in draft
    for value in (ANNELIES["email"], ANNELIES["last_name"], BORIS["last_name"]):
        assert value not in draft

    with runtime.db.session() as session:
        notices = list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "breach_notice"))
        )
    assert {(n.recipient, n.decision_id) for n in notices} == {
        (ANNELIES["email"], recorded["annelies_2"]["decision_id"]),
        ("boris.o@mailinator.com", recorded["boris"]["decision_id"]),
        (CARLA["email"], recorded["carla"]["decision_id"]),
    }
    assert all(breach["breach_id"] in n.body and "Vanderstraeten" not in n.body for n in notices)

    again = client.get(f"/v1/breaches/{breach['breach_id']}", headers=auth(admin_key))
    assert again.status_code == 200 and again.get_json() == breach
    missing = client.get("/v1/breaches/br_nothere", headers=auth(admin_key))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("criteria", "records", "subjects"),
    [
        ({"country": "be"}, 3, 2),
        ({"country": "NL"}, 1, 1),
        ({"outcome": "decline"}, 1, 1),
        ({"outcome": "decline", "country": "NL"}, 0, 0),
    ],
)
def test_criteria_narrow_the_affected_records(
    client: Any,
    admin_key: str,
    recorded: dict[str, Any],
    criteria: dict[str, str],
    records: int,
    subjects: int,
) -> None:
    window = {"from": recorded["from"], "to": recorded["to"]}
    response = report(client, admin_key, window=window, criteria=criteria, notify_subjects=False)
    assert response.status_code == 201, response.get_json()
    breach = response.get_json()
    assert (breach["records_affected"], breach["subjects_affected"]) == (records, subjects)
    assert breach["notices_queued"] == 0
    assert breach["criteria"] == {
        k: v.upper() if k == "country" else v for k, v in criteria.items()
    }


def test_overdue_breaches_show_in_metrics_until_the_authority_is_notified(
    client: Any, runtime: Any, admin_key: str
) -> None:
    def overdue() -> str:
        text = client.get("/metrics").get_data(as_text=True)
        [line] = [x for x in text.splitlines() if x.startswith("screening_breaches_overdue ")]
        return line.split()[1]

    recent = report(client, admin_key).get_json()
    assert recent["overdue"] is False and overdue() == "0.0"
    late = report(
        client, admin_key, detected_at=iso(datetime.now(UTC) - timedelta(hours=73))
    ).get_json()
    assert late["overdue"] is True and overdue() == "1.0"
    with runtime.db.session() as session:  # time passes: overdue is decided at scrape time
        session.execute(
            update(Breach)
            .where(Breach.id == recent["breach_id"])
            .values(notify_authority_by=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert overdue() == "2.0"

    listed = client.get("/v1/breaches?overdue=true", headers=auth(admin_key)).get_json()
    assert {b["breach_id"] for b in listed["items"]} == {recent["breach_id"], late["breach_id"]}
    notified = client.post(
        f"/v1/breaches/{late['breach_id']}/notified",
        json={"notified_at": iso(datetime.now(UTC))},
        headers=auth(admin_key),
    )
    assert notified.status_code == 200 and notified.get_json()["overdue"] is False
    assert overdue() == "1.0"
    twice = client.post(f"/v1/breaches/{late['breach_id']}/notified", headers=auth(admin_key))
    assert twice.status_code == 409
    bare = client.post(f"/v1/breaches/{recent['breach_id']}/notified", headers=auth(admin_key))
    assert bare.status_code == 200 and bare.get_json()["authority_notified_at"]
    assert overdue() == "0.0"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"detected_at": "2026-11-20T08:15:30"}, "detected_at"),
        ({"detected_at": "yesterday"}, "detected_at"),
        ({"detected_at": "2999-01-01T00:00:00Z"}, "detected_at"),
        ({"nature": ""}, "nature"),
        ({"categories": []}, "categories"),
        ({"categories": ["email", "ssn"]}, "categories.1"),
        ({"categories": ["date_of_birth"]}, "categories.0"),
        ({"window": {"from": "2026-11-20T00:00:00Z"}}, "window.to"),
        (
            {"window": {"from": "2026-11-20T00:00:00Z", "to": "2026-11-19T00:00:00Z"}},
            "window.to",
        ),
        ({"criteria": {"country": "Belgium"}}, "criteria.country"),
        ({"criteria": {"outcome": "maybe"}}, "criteria.outcome"),
        ({"criteria": {"city": "Gent"}}, "criteria.city"),
        ({"notify_subjects": "yes"}, "notify_subjects"),
    ],
)
def test_a_malformed_breach_report_is_refused_naming_the_field(
    client: Any, runtime: Any, admin_key: str, changes: dict[str, Any], field: str
) -> None:
    response = report(client, admin_key, **changes)
    assert response.status_code == 422, response.get_json()
    assert field in [f["field"] for f in response.get_json()["error"]["fields"]]
    with runtime.db.session() as session:
        assert session.scalars(select(Breach)).all() == []
