"""Block and allow lists: managed over HTTP, stored as pseudonyms, matched as the screening sees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from screening.config import HmacKey
from screening.core.identifiers import identify
from screening.core.lists import canonical, domains_to_match
from screening.core.pipeline import check
from screening.core.pseudonyms import Pseudonymizer
from screening.core.signals import CATALOGUE
from screening.store.audit import audit_minimisation
from screening.store.lookups import list_signals
from screening.store.models.lists import ListChange, ListEntry
from tests.helpers import auth, signup
from tests.rules.helpers import document, rule

ADDRESS = {"line1": "Rue de la Loi 16", "city": "Bruxelles", "postal_code": "1000", "country": "BE"}


def add(client: Any, key: str, **body: Any) -> Any:
    body.setdefault("list", "block")
    body.setdefault("reason", "confirmed fraud ring, case 1234")
    return client.post("/v1/lists/entries", json=body, headers=auth(key))


def checked(runtime: Any, **changes: Any) -> Any:
    return check(signup(**changes), policy=runtime.policy, today=date(2026, 11, 25))


def signals_for(runtime: Any, pseudonyms: Any = None, **changes: Any) -> dict[str, Any]:
    done = checked(runtime, **changes)
    ids = identify(done.normalized, done.signals, pseudonyms or runtime.pseudonyms)
    with runtime.db.session() as session:
        return list_signals(session, ids.listed)


@pytest.mark.parametrize(
    ("kind", "given", "same_as"),
    [
        ("email", "  Marie.Dubois@EXAMPLE.be ", "marie.dubois@example.be"),
        ("email_domain", "@Example.BE", "example.be"),
        ("phone", "+32 470 58 21 97", "+32470582197"),
        ("address", {**ADDRESS, "line1": "  rue de la loi   16 "}, ADDRESS),
    ],
)
def test_values_are_listed_in_the_form_screening_sees(kind: str, given: Any, same_as: Any) -> None:
    assert canonical(kind, given) == canonical(kind, same_as)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("email", "not-an-email"), ("email_domain", "nodot"), ("phone", "12"), ("address", "x")],
)
def test_unusable_values_are_refused_without_echoing_them(kind: str, value: str) -> None:
    with pytest.raises(ValueError) as info:
        canonical(kind, value)
    assert value not in str(info.value)


def test_parent_domains_are_matched_but_not_the_top_level_domain() -> None:
    assert domains_to_match("mail.corp.example.com") == [
        "mail.corp.example.com", "corp.example.com", "example.com",
    ]  # fmt: skip


def test_admins_list_values_analysts_read_them_and_every_change_is_logged(
    client: Any, admin_key: str, analyst_key: str, runtime: Any
) -> None:
    email = add(client, admin_key, kind="email", value="Marie.Dubois@example.be")
    assert email.status_code == 201, email.get_json()
    entry = email.get_json()
    assert entry["key"].startswith("t1:") and "dubois" not in str(entry).lower()
    assert entry["created_by"] == "admin-test" and entry["expired"] is False
    domain = add(client, admin_key, kind="email_domain", value="Spam.Example", list="allow")
    assert domain.get_json()["key"] == "spam.example"
    phone = add(client, admin_key, kind="phone", value="0470 58 21 97", country="BE")
    assert phone.status_code == 201
    assert add(client, admin_key, kind="address", value=ADDRESS).status_code == 201

    again = add(client, admin_key, kind="email", value=" marie.dubois@EXAMPLE.be")
    assert again.status_code == 409
    assert add(client, analyst_key, kind="email", value="x@example.be").status_code == 403
    bad = add(client, admin_key, kind="phone", value="12")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "value"

    listed = client.get("/v1/lists?list=block", headers=auth(analyst_key)).get_json()["items"]
    assert [i["kind"] for i in listed] == ["email", "phone", "address"]
    found = client.post(
        "/v1/lists/lookup",
        json={"kind": "phone", "value": "+32470582197"},
        headers=auth(analyst_key),
    ).get_json()["items"]
    assert [i["list"] for i in found] == ["block"]

    removed = client.delete(f"/v1/lists/entries/{entry['id']}", headers=auth(admin_key))
    assert removed.status_code == 200 and removed.get_json()["removed"]["id"] == entry["id"]
    gone = client.delete(f"/v1/lists/entries/{entry['id']}", headers=auth(admin_key))
    assert gone.status_code == 404
    log = client.get("/v1/lists/changes", headers=auth(analyst_key)).get_json()["items"]
    assert [(c["action"], c["kind"]) for c in log][:2] == [("remove", "email"), ("add", "address")]
    assert all(c["actor"] == "admin-test" and c["at"].endswith("Z") for c in log)
    with runtime.db.session() as session:
        stored = [(e.key, e.reason) for e in session.scalars(select(ListEntry))]
        changes = session.scalars(select(ListChange)).all()
    assert "dubois" not in str(stored).lower() and "0470" not in str(stored)
    assert len(changes) == 5
    findings = audit_minimisation(runtime.db, runtime.policy, CATALOGUE)
    assert not [f for f in findings if f.table in ("list_entries", "list_changes")]


def test_list_signals_match_the_screened_signup(client: Any, admin_key: str, runtime: Any) -> None:
    assert add(client, admin_key, kind="email", value="marie.dubois@example.be").status_code == 201
    allowed = add(client, admin_key, kind="email_domain", value="example.be", list="allow")
    assert allowed.status_code == 201
    assert add(client, admin_key, kind="address", value=ADDRESS).status_code == 201

    hits = signals_for(runtime, email="MARIE.DUBOIS@example.be")
    assert hits["list.email_blocked"] and hits["list.address_blocked"] and hits["list.blocked"]
    assert hits["list.domain_allowed"] and hits["list.allowed"]
    assert not hits["list.phone_blocked"] and not hits["list.email_allowed"]

    elsewhere = signals_for(
        runtime, email="jan@sub.other.be", address_line1="Wetstraat 1", address_postal_code="1040"
    )
    assert not any(elsewhere.values())
    subdomain = signals_for(runtime, email="jan@mail.example.be")
    assert subdomain["list.domain_allowed"] and not subdomain["list.email_blocked"]


def test_entries_made_under_an_older_hmac_key_still_match(
    client: Any, admin_key: str, runtime: Any
) -> None:
    assert add(client, admin_key, kind="phone", value="+32470582197").status_code == 201
    rotated = Pseudonymizer((HmacKey("t2", b"y" * 40), *runtime.pseudonyms.keys))
    assert signals_for(runtime, rotated)["list.phone_blocked"] is True
    forgotten = Pseudonymizer((HmacKey("t2", b"y" * 40),))
    assert signals_for(runtime, forgotten)["list.phone_blocked"] is False


def test_expired_entries_stop_matching(client: Any, admin_key: str, runtime: Any) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    response = add(client, admin_key, kind="email", value="marie.dubois@example.be",
                   expires_at=soon.isoformat())  # fmt: skip
    assert response.status_code == 201
    assert signals_for(runtime)["list.email_blocked"] is True
    with runtime.db.session() as session:
        entry = session.get(ListEntry, response.get_json()["id"])
        assert entry is not None
        entry.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert signals_for(runtime)["list.email_blocked"] is False
    past = add(client, admin_key, kind="phone", value="+32470582197",
               expires_at=(datetime.now(UTC) - timedelta(days=1)).isoformat())  # fmt: skip
    assert past.status_code == 422


def test_rules_read_list_signals_and_simulation_shows_why(
    client: Any, admin_key: str, analyst_key: str
) -> None:
    rules = document(rule("blocked-email", "list.email_blocked", "decline"))
    assert client.put("/v1/rules", json=rules, headers=auth(admin_key)).status_code == 201
    assert add(client, admin_key, kind="email", value="marie.dubois@example.be").status_code == 201
    simulated = client.post("/v1/rules/simulate", json=signup(), headers=auth(analyst_key))
    answer = simulated.get_json()
    assert answer["outcome"] == "decline" and answer["signals"]["list.email_blocked"] is True
    assert answer["rules"][0]["fired"] is True
    other = client.post(
        "/v1/rules/simulate", json=signup(email="someone@example.be"), headers=auth(analyst_key)
    )
    assert other.get_json()["outcome"] == "approve"
