"""Publishing over HTTP: author, diff, refusal of a broken file, history, rollback, validation."""

from __future__ import annotations

from typing import Any

import yaml

from tests.helpers import auth, signup
from tests.rules.helpers import document, rule, screen, shipped

BROKEN_YAML = """\
thresholds: {review: 0.5, decline: 0.9}
rules:
  - id: fine
    when: email.disposable
    action: decline
    reason: {code: x, field: email, message: m}
  - id: half-written
    when: email.disposable &&
    action: decline
    reason: {code: x, field: email, message: m}
"""


def publish(client: Any, key: str, body: Any) -> Any:
    if isinstance(body, str):
        return client.put(
            "/v1/rules",
            data=body,
            headers={**auth(key), "Content-Type": "application/yaml"},
        )
    return client.put("/v1/rules", json=body, headers=auth(key))


def test_publishing_records_author_time_and_a_diff(client: Any, admin_key: str) -> None:
    candidate = shipped()
    candidate["thresholds"]["review"] = 0.4
    candidate["rules"] = [r for r in candidate["rules"] if r["id"] != "address-po-box"]
    changed = next(r for r in candidate["rules"] if r["id"] == "phone-voip")
    changed["action"] = "review"
    candidate["rules"].append(rule("new-rule", "email.role_account && phone.line_type == 'voip'"))

    response = publish(client, admin_key, candidate)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["version"] == "v2" and answer["previous"] == "v1"
    assert answer["author"] == "admin-test"
    assert answer["created_at"].endswith("Z")
    assert answer["diff"]["added"] == ["new-rule"]
    assert answer["diff"]["removed"] == ["address-po-box"]
    assert answer["diff"]["changed"] == [
        {"id": "phone-voip", "fields": {"action": {"from": {"score": 0.2}, "to": "review"}}}
    ]
    assert answer["diff"]["thresholds"] == {"review": {"from": 0.5, "to": 0.4}}

    history = client.get("/v1/rules/history", headers=auth(admin_key)).get_json()["items"]
    assert [h["version"] for h in history] == ["v2", "v1"]
    assert history[0]["diff"] == answer["diff"] and history[1]["author"] == "shipped"


def test_a_rule_file_with_an_error_is_refused_and_the_live_version_stays(
    client: Any, admin_key: str, screen_key: str
) -> None:
    before = client.get("/v1/rules", headers=auth(admin_key)).get_json()["version"]
    for body in (BROKEN_YAML, yaml.safe_load(BROKEN_YAML)):
        response = publish(client, admin_key, body)
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "invalid_rule_set"
        assert "half-written" in error["message"] and "does not parse" in error["message"]
        assert "The live version stays active." in error["message"]
        (problem,) = error["fields"]
        # YAML as written: the line in the file; JSON sent on one line: line 1
        assert problem["rule"] == "half-written"
        assert problem["line"] == (8 if isinstance(body, str) else 1)
    assert client.get("/v1/rules", headers=auth(admin_key)).get_json()["version"] == before
    assert screen(client, screen_key, signup())["versions"]["rules"] == before
    history = client.get("/v1/rules/history", headers=auth(admin_key)).get_json()["items"]
    assert [h["version"] for h in history] == [before]


def test_yaml_syntax_errors_give_line_and_column(client: Any, admin_key: str) -> None:
    response = publish(client, admin_key, "rules:\n  - id: a\n    when: [\n")
    assert response.status_code == 422
    assert "line 4, column 1" in response.get_json()["error"]["fields"][0]["problem"]


def test_publishing_needs_admin(client: Any, analyst_key: str) -> None:
    assert publish(client, analyst_key, shipped()).status_code == 403


def test_rollback_publishes_a_copy_of_an_earlier_version(
    client: Any, admin_key: str, analyst_key: str, screen_key: str
) -> None:
    strict = document(rule("everyone", "!email.disposable", "decline"))
    assert publish(client, admin_key, strict).status_code == 201
    assert screen(client, screen_key, signup())["outcome"] == "decline"

    response = client.post("/v1/rules/rollback", json={"version": "v1"}, headers=auth(admin_key))
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["version"] == "v3" and answer["rollback_of"] == "v1"
    assert answer["note"] == "rollback to v1" and answer["diff"]["removed"] == ["everyone"]
    decided = screen(client, screen_key, signup())
    assert decided["outcome"] == "approve" and decided["versions"]["rules"] == "v3"

    v1 = client.get("/v1/rules/versions/v1", headers=auth(analyst_key)).get_json()
    v3 = client.get("/v1/rules/versions/v3", headers=auth(analyst_key)).get_json()
    assert v1["rule_set"]["rules"] == v3["rule_set"]["rules"]

    again = client.post("/v1/rules/rollback", json={"version": "v3"}, headers=auth(admin_key))
    assert again.status_code == 409
    missing = client.post("/v1/rules/rollback", json={"version": "v9"}, headers=auth(admin_key))
    assert missing.status_code == 404
    denied = client.post("/v1/rules/rollback", json={"version": "v1"}, headers=auth(analyst_key))
    assert denied.status_code == 403


def test_validation_locates_errors_and_warns_from_recent_decisions(
    client: Any, analyst_key: str, screen_key: str
) -> None:
    for n in range(4):
        screen(client, screen_key, signup(email=f"marie.dubois{n}@example.be"))
    invalid = client.post(
        "/v1/rules/validate",
        data=BROKEN_YAML,
        headers={**auth(analyst_key), "Content-Type": "application/yaml"},
    ).get_json()
    assert invalid["valid"] is False
    (error,) = invalid["errors"]
    assert error["rule"] == "half-written" and (error["line"], error["column"]) == (8, 30)
    assert "line 1, column 20 of 'when'" in error["problem"]

    candidate = document(
        rule("everyone", "!email.disposable"),
        rule("nobody", "email.disposable"),
        rule("some", "velocity.email_stem_24h >= 2"),
    )
    report = client.post("/v1/rules/validate", json=candidate, headers=auth(analyst_key))
    report = report.get_json()
    assert report["valid"] is True and report["history"]["decisions"] == 4
    warned = {w["rule"]: w["problem"] for w in report["warnings"]}
    assert set(warned) == {"everyone", "nobody"}
    assert "4 of the 4" in warned["everyone"] and "none of the 4" in warned["nobody"]


def test_empty_bodies_are_refused_not_crashed_on(client: Any, admin_key: str) -> None:
    assert client.put("/v1/rules", headers=auth(admin_key)).status_code == 422
    report = client.post("/v1/rules/validate", headers=auth(admin_key)).get_json()
    assert report["valid"] is False and report["errors"][0]["problem"] == "no body"
    backtest = client.post("/v1/rules/backtest", headers=auth(admin_key))
    assert backtest.status_code == 422
    assert backtest.get_json()["error"]["fields"] == [{"field": "rule_set", "problem": "required"}]
