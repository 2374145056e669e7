"""Shadow report and backtests over HTTP, on decisions recorded through the API."""

from __future__ import annotations

from typing import Any

from screening.training.synth import legitimate
from tests.helpers import auth, signup
from tests.rules.helpers import document, label, rule, screen, shipped


def seed_history(client: Any, screen_key: str, analyst_key: str) -> dict[str, Any]:
    """Four ordinary signups and two with disposable mailboxes, four of them labelled."""
    ordinary = [screen(client, screen_key, row.body) for row in legitimate(4, seed=11)]
    disposable = [
        screen(client, screen_key, signup(email=f"{name}@mailinator.com", first_name=first))
        for name, first in (("zed.unique", "Zed"), ("quinn.other", "Quinn"))
    ]
    assert [d["outcome"] for d in disposable] == ["decline"] * 2
    for decision in ordinary[:2]:
        label(client, analyst_key, decision, "legitimate")
    for decision in disposable:
        label(client, analyst_key, decision, "fraud")
    return {"ordinary": ordinary, "disposable": disposable}


def allowing_disposable() -> dict[str, Any]:
    """The shipped rules plus an allow rule: disposable mailboxes go through, whatever the score."""
    candidate = shipped()
    candidate["rules"].append(rule("allow-disposable", "email.disposable", "allow"))
    return candidate


def expected_transitions(history: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Ordinary decisions keep their recorded outcome; the two disposable ones become approve."""
    outcomes = ("approve", "review", "decline")
    table = {o: dict.fromkeys(outcomes, 0) for o in outcomes}
    for decision in history["ordinary"]:
        table[decision["outcome"]][decision["outcome"]] += 1
    table["decline"]["approve"] += 2
    return table


def test_replaying_the_live_rules_reproduces_every_recorded_outcome(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    seed_history(client, screen_key, analyst_key)
    live = client.get("/v1/rules", headers=auth(analyst_key)).get_json()
    report = client.post(
        "/v1/rules/backtest", json={"rule_set": live}, headers=auth(analyst_key)
    ).get_json()
    assert report["decisions"] == 6 and report["changed"] == 0


def test_backtest_gives_transitions_rule_hits_and_precision_recall(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    history = seed_history(client, screen_key, analyst_key)
    response = client.post(
        "/v1/rules/backtest",
        json={"rule_set": allowing_disposable(), "since": "1h"},
        headers=auth(analyst_key),
    )
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["decisions"] == 6 and report["excluded"] == 0 and not report["truncated"]
    assert report["transitions"] == expected_transitions(history)
    assert report["changed"] == 2
    assert report["labels"] == {"fraud": 2, "legitimate": 2}
    held_legitimate = sum(d["outcome"] != "approve" for d in history["ordinary"][:2])
    assert report["confusion"]["current"] == {
        "tp": 2, "fp": held_legitimate, "fn": 0, "tn": 2 - held_legitimate,
        "precision": round(2 / (2 + held_legitimate), 4), "recall": 1.0,
    }  # fmt: skip
    assert report["confusion"]["candidate"]["tp"] == 0
    assert report["confusion"]["candidate"]["recall"] == 0.0
    rules = {r["id"]: r for r in report["rules"]}
    assert rules["allow-disposable"]["hits"] == 2 and rules["allow-disposable"]["rate"] == 0.333333
    assert rules["allow-disposable"]["labelled"]["precision"] == 1.0
    assert rules["email-disposable"]["labelled"]["recall"] == 1.0
    assert rules["name-placeholder"]["hits"] == 0 and rules["name-placeholder"]["rate"] == 0.0


def test_backtest_takes_yaml_and_refuses_bad_input(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    screen(client, screen_key, signup())
    yaml_text = "thresholds: {review: 0.5, decline: 0.9}\nrules:\n" + (
        "  - {id: all, when: '!email.disposable', action: review,\n"
        "     reason: {code: x, field: email, message: m}}\n"
    )
    headers = {**auth(analyst_key), "Content-Type": "application/yaml"}
    report = client.post("/v1/rules/backtest?since=2h", data=yaml_text, headers=headers)
    assert report.status_code == 200, report.get_json()
    assert report.get_json()["transitions"]["approve"]["review"] == 1

    as_text = client.post(
        "/v1/rules/backtest", json={"rule_set": yaml_text}, headers=auth(analyst_key)
    )
    assert as_text.get_json()["rules"][0]["hits"] == 1

    bad_since = client.post(
        "/v1/rules/backtest",
        json={"rule_set": yaml_text, "since": "last week"},
        headers=auth(analyst_key),
    )
    assert bad_since.status_code == 422 and "since" in bad_since.get_json()["error"]["message"]
    broken = client.post(
        "/v1/rules/backtest",
        json={"rule_set": document(rule("x", "email.nope"))},
        headers=auth(analyst_key),
    )
    assert broken.status_code == 422 and "email.nope" in broken.get_json()["error"]["message"]
    unknown = client.post("/v1/rules/backtest", json={"rules": []}, headers=auth(analyst_key))
    assert unknown.status_code == 422
    assert client.post("/v1/rules/backtest", json={"rule_set": yaml_text}).status_code == 401


def test_backtest_leaves_out_restricted_or_objecting_subjects(
    client: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    screen(client, screen_key, signup())
    screen(client, screen_key, signup(email="other.person@example.be"))
    screen(client, screen_key, signup(email="third.person@example.be"))
    for right, email in (("restriction", "other.person@example.be"),
                         ("objection", "third.person@example.be")):  # fmt: skip
        path = f"/v1/subjects/{right}"
        answer = client.post(path, json={"email": email}, headers=auth(admin_key))
        assert answer.status_code == 200, answer.get_json()
    report = client.post(
        "/v1/rules/backtest", json={"rule_set": shipped()}, headers=auth(analyst_key)
    ).get_json()
    assert report["decisions"] == 1 and report["excluded"] == 2


def test_shadow_report_lists_hits_and_the_outcomes_they_would_give(
    client: Any, screen_key: str, admin_key: str, analyst_key: str
) -> None:
    observe = document(
        rule("relay-observe", "email.privacy_relay", "decline", mode="shadow"),
        rule("disposable", "email.disposable", "decline"),
    )
    assert client.put("/v1/rules", json=observe, headers=auth(admin_key)).status_code == 201
    relayed = screen(client, screen_key, signup(email="x7k2@privaterelay.appleid.com"))
    plain = screen(client, screen_key, signup())
    assert relayed["outcome"] == plain["outcome"] == "approve"

    report = client.get("/v1/rules/shadow?since=1h", headers=auth(analyst_key)).get_json()
    assert report["decisions"] == 2 and report["with_shadow_hits"] == 1
    assert report["would_change"] == 1
    assert report["transitions"]["approve"] == {"approve": 1, "review": 0, "decline": 1}
    assert report["rules"] == [
        {"id": "relay-observe", "hits": 1, "rate": 0.5, "outcome_changed": 1}
    ]
    (item,) = report["items"]
    assert item["decision_id"] == relayed["decision_id"]
    assert (item["outcome"], item["shadow_outcome"]) == ("approve", "decline")
    assert item["rules_version"] == "v2"
    bad = client.get("/v1/rules/shadow?since=soon", headers=auth(analyst_key))
    assert bad.status_code == 422
    assert client.get("/v1/rules/shadow", headers=auth(screen_key)).status_code == 403
