"""`screening rules ...` and `screening lists ...` against the test database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import auth, signup
from tests.rules.helpers import document, rule, run, screen, shipped
from tests.rules.test_backtest_api import allowing_disposable, expected_transitions, seed_history
from tests.rules.test_versions_api import BROKEN_YAML


def write(path: Path, rules: dict[str, Any]) -> str:
    path.write_text(yaml.safe_dump(rules, sort_keys=False))
    return str(path)


def live_version(client: Any, key: str) -> str:
    return str(client.get("/v1/rules", headers=auth(key)).get_json()["version"])


def test_check_names_the_rule_and_line_and_warns_from_history(
    client: Any, screen_key: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML)
    result = run(cli_env, "rules", "check", str(broken))
    assert result.exit_code == 2
    assert "rule 'half-written' (line 8, column 30): does not parse" in result.output

    screen(client, screen_key, signup())
    candidate = write(tmp_path / "ok.yaml", document(rule("nobody", "email.disposable")))
    checked = run(cli_env, "rules", "check", candidate)
    assert checked.exit_code == 0, checked.output
    assert "warning: rule 'nobody': would fire on none of the 1 recent decisions" in checked.output
    offline = run(cli_env, "rules", "check", "--no-history", candidate)
    assert offline.exit_code == 0 and "warning" not in offline.output


def test_publish_refuses_a_broken_file_and_keeps_the_live_version(
    client: Any, admin_key: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML)
    result = run(cli_env, "rules", "publish", str(broken))
    assert result.exit_code == 2
    assert "half-written" in result.output and "does not parse" in result.output
    assert live_version(client, admin_key) == "v1"
    history = run(cli_env, "rules", "history")
    assert history.exit_code == 0 and history.output.count("\n") == 1


def test_publish_history_and_rollback(
    client: Any, admin_key: str, screen_key: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    candidate = shipped()
    candidate["thresholds"]["review"] = 0.4
    candidate["rules"].append(rule("new-rule", "email.role_account"))
    path = write(tmp_path / "next.yaml", candidate)
    published = run(cli_env, "rules", "publish", path, "--author", "ana", "--note", "tune")
    assert published.exit_code == 0, published.output
    assert "published v2" in published.output and "+ new-rule" in published.output
    assert "thresholds.review: 0.5 -> 0.4" in published.output
    assert live_version(client, admin_key) == "v2"

    history = run(cli_env, "rules", "history").output
    assert history.splitlines()[0].startswith("v2\t") and "\tana\t" in history
    assert "+ new-rule" in history

    rolled = run(cli_env, "rules", "rollback", "v1")
    assert rolled.exit_code == 0, rolled.output
    assert "published v3: a copy of v1" in rolled.output and "- new-rule" in rolled.output
    assert live_version(client, admin_key) == "v3"
    assert screen(client, screen_key, signup())["versions"]["rules"] == "v3"
    assert "(rollback to v1)" in run(cli_env, "rules", "history").output
    missing = run(cli_env, "rules", "rollback", "v42")
    assert missing.exit_code == 2 and "v42" in missing.output


def test_backtest_prints_transitions_and_precision_recall_per_rule(
    client: Any, screen_key: str, analyst_key: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    history = seed_history(client, screen_key, analyst_key)
    path = write(tmp_path / "candidate.yaml", allowing_disposable())
    result = run(cli_env, "rules", "backtest", path, "--since", "30d")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "decisions replayed: 6" in out and "decisions whose outcome changes: 2" in out
    assert "outcome transitions (rows: current, columns: candidate)" in out
    lines = out.splitlines()
    start = lines.index("outcome transitions (rows: current, columns: candidate)")
    matrix = {line.split()[0]: line.split()[1:] for line in lines[start + 2 : start + 5]}
    for current, row in expected_transitions(history).items():
        assert matrix[current] == [str(row[o]) for o in ("approve", "review", "decline")]
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.strip()}
    assert "review labels: fraud 2, legitimate 2" in out
    assert "candidate held vs label: tp 0 fp 0 fn 2" in out
    header = next(line for line in out.splitlines() if line.startswith("rule "))
    assert header.split() == ["rule", "mode", "hits", "rate", "precision", "recall"]
    # rule, mode, hits, rate, precision, recall
    assert rows["allow-disposable"] == ["active", "2", "33.33%", "1.000", "1.000"]
    assert rows["email-disposable"][-2:] == ["1.000", "1.000"]

    as_json = run(cli_env, "rules", "backtest", path, "--since", "30d", "--json")
    report = json.loads(as_json.output[as_json.output.index("{") :])
    assert report["confusion"]["current"]["recall"] == 1.0
    bad = run(cli_env, "rules", "backtest", path, "--since", "soon")
    assert bad.exit_code == 2 and "--since" in bad.output


def test_shadow_report(
    client: Any, screen_key: str, admin_key: str, cli_env: dict[str, str]
) -> None:
    observe = document(rule("relay-observe", "email.privacy_relay", "decline", mode="shadow"))
    assert client.put("/v1/rules", json=observe, headers=auth(admin_key)).status_code == 201
    screen(client, screen_key, signup(email="x7k2@privaterelay.appleid.com"))
    result = run(cli_env, "rules", "shadow", "--since", "7d")
    assert result.exit_code == 0, result.output
    assert "with shadow hits: 1; whose outcome would change: 1" in result.output
    assert "relay-observe" in result.output and "approve -> decline" in result.output


def test_lists_from_the_command_line(cli_env: dict[str, str], runtime: Any) -> None:
    added = run(cli_env, "lists", "add", "-", "--list", "block", "--kind", "email",
                "--reason", "ring 7", "--expires", "30d", "--author", "ana",
                stdin="Marie.Dubois@example.be\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    entry_id = added.output.split()[2]
    address = json.dumps({"line1": "Rue de la Loi 16", "city": "Bruxelles", "country": "BE"})
    assert run(cli_env, "lists", "add", address, "--list", "allow", "--kind", "address",
               "--reason", "office").exit_code == 0  # fmt: skip
    again = run(cli_env, "lists", "add", "marie.dubois@EXAMPLE.be", "--list", "block",
                "--kind", "email", "--reason", "dup")  # fmt: skip
    assert again.exit_code == 2 and "already on the block list" in again.output
    bad = run(cli_env, "lists", "add", "nonsense", "--list", "block", "--kind", "phone",
              "--reason", "x")  # fmt: skip
    assert bad.exit_code == 2 and "nonsense" not in bad.output

    shown = run(cli_env, "lists", "show", "--list", "block")
    assert shown.exit_code == 0 and "1 entry" in shown.output
    assert "marie" not in shown.output.lower() and "ring 7" in shown.output
    found = run(cli_env, "lists", "show", "--kind", "email", "--value", "marie.dubois@example.be")
    assert found.output.startswith(f"{entry_id}\tblock\temail\t")

    removed = run(cli_env, "lists", "remove", entry_id, "--author", "ana")
    assert removed.exit_code == 0 and "removed entry" in removed.output
    assert "0 entries" in run(cli_env, "lists", "show", "--list", "block").output
    log = run(cli_env, "lists", "show", "--changes").output.splitlines()
    assert log[0].split("\t")[1:4] == ["remove", f"entry {entry_id}", "block"]
    assert "\tana\t" in log[0]
