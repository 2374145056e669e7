"""Erasure: refused while services are active; then nothing of the person is left in the files."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from screening.core.signals import CATALOGUE
from screening.store import lists
from screening.store.audit import audit_minimisation
from screening.store.models import Decision, OutboxMessage, ReviewRequest, VelocityEvent
from screening.store.models.lists import ListChange, ListEntry
from screening.store.models.rights import RightsRequest, SubjectStatus
from screening.store.verify import verify_chain
from tests.helpers import hold_every_signup, restore_rules
from tests.privacy.test_minimisation import raw_bytes
from tests.rights.flows import ANNELIES, BORIS, analyst_view, call, screen, set_active

ERASE = "/v1/subjects/erasure"
# Tables (and event keys) this feature writes; the minimisation audit must accept them.
MINE = {"rights_requests", "subject_status", "decision_events", "review_requests", "outbox"}


def traces(person: dict[str, str]) -> list[str]:
    """The person's name, email, phone (as typed and E.164) and address."""
    keys = ("first_name", "last_name", "email", "phone", "phone_e164", "line1", "city")
    return [person[k] for k in keys]


def test_erasure_is_refused_while_services_are_active_then_leaves_no_trace(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    first = screen(client, screen_key, ANNELIES)
    live = hold_every_signup(runtime)  # so that the second can be contested
    second = screen(client, screen_key, ANNELIES, address_line2="Bus 4")
    restore_rules(runtime, live)
    kept = screen(client, screen_key, BORIS)
    contest = client.post(
        f"/v1/decisions/{second['decision_id']}/review-requests",
        json={"statement": "Please review, Vanderstraeten here."},
        headers={"Authorization": f"Bearer {second['contest_token']}"},
    )
    assert contest.status_code == 201  # left open: erasure withdraws it
    assert ANNELIES["last_name"].encode() in raw_bytes(runtime)  # the search can find it
    with runtime.db.session() as session:
        for kind, value in [
            ("email", ANNELIES["email"]),
            ("phone", ANNELIES["phone_e164"]),
            ("email_domain", "partner-example.org"),  # a domain entry is not the subject's to erase
            ("email", BORIS["email"]),
        ]:
            lists.add(
                session,
                runtime.pseudonyms,
                list_name="block",
                kind=kind,
                value=value,
                reason="test",
                expires_at=None,
                actor="analyst",
                now=datetime.now(UTC),
            )
    set_active(client, admin_key, True, external_ref=ANNELIES["external_ref"])

    refused = call(client, admin_key, "POST", ERASE, {"email": ANNELIES["email"]})
    assert refused.status_code == 409
    assert "active services" in refused.get_json()["error"]["message"]
    assert analyst_view(client, analyst_key, first["decision_id"])["fields"] is not None

    set_active(client, admin_key, False, external_ref=ANNELIES["external_ref"])
    erased = call(
        client, admin_key, "POST", ERASE, {"email": ANNELIES["email"], "operator_note": "Ticket 9"}
    )
    assert erased.status_code == 200, erased.get_json()
    answer = erased.get_json()
    assert answer["outcome"] == "completed"
    assert answer["actions"]["decisions"] == 2 and answer["actions"]["reviews_withdrawn"] == 1
    assert answer["actions"]["list_entries"] == 2

    data = raw_bytes(runtime)
    assert BORIS["last_name"].encode() in data  # the search looks at real content
    for value in traces(ANNELIES):
        assert value.encode() not in data, "erased personal data is still in the database files"
    assert b"Vanderstraeten here" not in data

    with runtime.db.session() as session:
        checked, breaks = verify_chain(session)
        assert checked == 3 and breaks == []
        ids = [first["decision_id"], second["decision_id"]]
        rows = list(session.scalars(select(Decision).where(Decision.id.in_(ids))))
        assert all(r.scrubbed_at is not None and r.signals for r in rows)  # the record stays
        assert (
            session.scalars(select(VelocityEvent).where(VelocityEvent.decision_id.in_(ids))).all()
            == []
        )
        assert {r.recipient for r in session.scalars(select(OutboxMessage))} <= {
            None,
            BORIS["email"],
        }
        [withdrawn] = session.scalars(select(ReviewRequest)).all()
        assert withdrawn.status == "resolved" and withdrawn.statement is None
        assert session.scalars(select(SubjectStatus)).all() == []
        left = {(e.kind, e.key) for e in session.scalars(select(ListEntry))}
        assert left == {
            ("email_domain", "partner-example.org"),
            ("email", runtime.pseudonyms.make("email", BORIS["email"])),
        }
        removals = session.scalars(select(ListChange).where(ListChange.action == "remove"))
        assert {c.kind for c in removals} == {"email", "phone"}
        recorded = session.scalars(select(RightsRequest).order_by(RightsRequest.received_at))
        rights = [(r.right, r.outcome, r.reason) for r in recorded]
    assert rights == [
        ("account_status", "completed", None),
        ("erasure", "refused", "active_services"),
        ("account_status", "completed", None),
        ("erasure", "completed", None),
    ]
    findings = audit_minimisation(runtime.db, runtime.policy, CATALOGUE)
    assert [f for f in findings if f.table in MINE] == []
    events = [e["kind"] for e in analyst_view(client, analyst_key, second["decision_id"])["events"]]
    assert events[-3:] == ["rights_request", "review_withdrawn", "scrubbed"]
    assert (
        analyst_view(client, analyst_key, kept["decision_id"])["fields"]["email"] == BORIS["email"]
    )

    again = screen(client, screen_key, ANNELIES)
    assert again["outcome"] == "approve"
    signals = analyst_view(client, analyst_key, again["decision_id"])["signals"]
    assert signals["velocity.email_24h"] == 0 and signals["velocity.phone_24h"] == 0


def test_an_erasure_is_remembered_under_a_pseudonym_only(
    client: Any, runtime: Any, screen_key: str, admin_key: str
) -> None:
    screen(client, screen_key, ANNELIES)
    set_active(client, admin_key, False, email=ANNELIES["email"])
    assert call(client, admin_key, "POST", ERASE, {"email": ANNELIES["email"]}).status_code == 200

    export = call(client, admin_key, "POST", "/v1/subjects/export", {"email": ANNELIES["email"]})
    document = export.get_json()
    assert document["decisions"] == []
    assert [r["right"] for r in document["rights_requests"]] == [
        "account_status",
        "erasure",
        "access",
    ]
    with runtime.db.session() as session:
        erasure = session.scalar(select(RightsRequest).where(RightsRequest.right == "erasure"))
        assert erasure is not None
        assert runtime.pseudonyms.matches(erasure.subject_hmac, "email", ANNELIES["email"])
        assert ANNELIES["email"] not in erasure.subject_hmac

    repeated = call(client, admin_key, "POST", ERASE, {"email": ANNELIES["email"]})
    assert repeated.status_code == 200 and repeated.get_json()["outcome"] == "no_data"


def test_erasure_is_refused_while_the_account_status_is_unknown(
    client: Any, analyst_key: str, screen_key: str, admin_key: str
) -> None:
    decision = screen(client, screen_key, ANNELIES)
    refused = call(client, admin_key, "POST", ERASE, {"external_ref": ANNELIES["external_ref"]})
    assert refused.status_code == 409
    assert "account-status" in refused.get_json()["error"]["message"]
    view = analyst_view(client, analyst_key, decision["decision_id"])
    assert view["fields"]["email"] == ANNELIES["email"]
    assert view["events"][-1]["data"]["status"] == "refused"
