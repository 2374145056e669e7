"""The policy file: validation at load, minimisation, and what is served and rendered."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from screening.config import DEFAULT_POLICY
from screening.core.art30 import render_record
from screening.core.policy import load_policy, parse_policy
from screening.errors import PolicyError

SHIPPED = yaml.safe_load(DEFAULT_POLICY.read_text())


def broken(mutate: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SHIPPED)
    mutate(doc)
    return doc


def test_the_shipped_policy_lists_the_four_groups_and_the_extras() -> None:
    policy = load_policy(DEFAULT_POLICY)
    assert set(policy.stored_fields) == {
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "external_ref",
        "language",
    }
    assert policy.fields["language"].purposes == ("communication_language",)
    assert policy.transient_fields == ("date_of_birth",)
    assert policy.derived_facts == ("age.requirement_met",)
    assert policy.minimum_age == 18
    assert policy.breach_deadline_hours == 72
    assert policy.hold_working_days == 2
    assert set(policy.retention_days) == {"approve", "review", "decline"}


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d["fields"]["email"].update(colour="blue"), "fields.email.colour"),
        (lambda d: d["fields"]["phone"].update(purposes=[]), "fields.phone"),
        (lambda d: d["fields"]["phone"].pop("purposes"), "fields.phone"),
        (lambda d: d["fields"]["email"].update(storage=["stored", "transient"]), "fields.email"),
        (lambda d: d["fields"]["email"].update(storage="kept"), "fields.email.storage"),
        (lambda d: d["fields"]["email"].update(purposes=["marketing"]), "fields.email.purposes"),
        (lambda d: d["fields"]["email"].update(lawful_basis="whim"), "fields.email.lawful_basis"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.pop("retention"), "retention"),
        (lambda d: d["retention"]["days"].update(approve=-1), "retention.days.approve"),
        (lambda d: d["breach"].update(deadline_hours="soon"), "breach.deadline_hours"),
        (lambda d: d.pop("hold_deadline"), "hold_deadline"),
        (lambda d: d["hold_deadline"].update(working_days=0), "hold_deadline.working_days"),
        (lambda d: d["hold_deadline"].update(working_days=40), "hold_deadline.working_days"),
        (lambda d: d["hold_deadline"].update(hours=4), "hold_deadline"),
        (
            lambda d: d["fields"]["email"].update(derived=["age.requirement_met"]),
            "fields.email.derived",
        ),
    ],
)
def test_a_malformed_policy_is_refused_naming_the_field(mutate: Any, named: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(broken(mutate))
    assert named in info.value.message


def test_a_policy_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("fields: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(path)


def test_minimise_keeps_only_listed_fields_and_names_the_rest() -> None:
    policy = load_policy(DEFAULT_POLICY)
    result = policy.minimise(
        {
            "first_name": "A",
            "ssn": "1",
            "gender": "x",
            "address": {"line1": "L", "country": "BE", "notes": "n", "gps": [1, 2]},
            "date_of_birth": "2000-01-01",
            "ip": "1.2.3.4",
        }
    )
    assert result.kept == {"first_name": "A", "address": {"line1": "L", "country": "BE"}}
    assert result.transient == {"date_of_birth": "2000-01-01"}
    assert result.discarded == ["address.gps", "address.notes", "gender", "ip", "ssn"]


def test_removing_date_of_birth_from_the_policy_discards_it() -> None:
    doc = broken(lambda d: d["fields"].pop("date_of_birth"))
    policy = parse_policy(doc)
    assert policy.minimise({"date_of_birth": "2000-01-01"}).discarded == ["date_of_birth"]


def test_art30_record_lists_exactly_the_policy_fields_and_purposes() -> None:
    policy = load_policy(DEFAULT_POLICY)
    record = render_record(policy)
    table = [line for line in record.splitlines() if line.startswith("| ") and "---" not in line]
    listed = {row.split("|")[1].strip() for row in table[1:]}
    assert listed == set(policy.fields)
    for name, purpose in SHIPPED["purposes"].items():
        assert name in record and purpose["description"] in record
    assert "72 hours" in record
