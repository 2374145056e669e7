"""The CLI equivalents: `screening subjects ...` and `screening breaches ...`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from screening.cli import main
from tests.rights.flows import ANNELIES, BORIS, analyst_view, screen


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


def test_each_right_from_the_command_line(
    client: Any, screen_key: str, analyst_key: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    mine = screen(client, screen_key, ANNELIES)
    theirs = screen(client, screen_key, BORIS)
    ref = ("--external-ref", ANNELIES["external_ref"])

    out = tmp_path / "export.json"
    exported = run(cli_env, "subjects", "export", "--email", "-", "--output", str(out),
                   stdin=ANNELIES["email"] + "\n")  # fmt: skip
    assert exported.exit_code == 0, exported.output
    document = json.loads(out.read_text())
    assert [d["decision_id"] for d in document["decisions"]] == [mine["decision_id"]]
    assert theirs["decision_id"] not in out.read_text()

    fixed = run(cli_env, "subjects", "rectify", *ref, "--set", "address.city=Menen",
                "--set", "address.line2=", "--note", "Checked the ID card")  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    assert analyst_view(client, analyst_key, mine["decision_id"])["fields"]["address"]["city"] == (
        "Menen"
    )
    assert run(cli_env, "subjects", "restrict", *ref).exit_code == 0
    assert run(cli_env, "subjects", "object", *ref, "--lift").exit_code == 0

    active = run(cli_env, "subjects", "account-status", *ref, "--active")
    assert active.exit_code == 0, active.output
    refused = run(cli_env, "subjects", "erase", "--email", ANNELIES["email"])
    assert refused.exit_code == 1 and "active services" in refused.output
    assert run(cli_env, "subjects", "account-status", *ref, "--inactive").exit_code == 0
    erased = run(cli_env, "subjects", "erase", "--email", ANNELIES["email"])
    assert erased.exit_code == 0, erased.output
    assert analyst_view(client, analyst_key, mine["decision_id"])["fields"] is None

    listed = run(cli_env, "subjects", "requests")
    rights = [json.loads(line)["right"] for line in listed.output.splitlines()]
    assert rights == [
        "erasure",
        "account_status",
        "erasure",
        "account_status",
        "objection",
        "restriction",
        "rectification",
        "access",
    ]
    assert ANNELIES["email"] not in listed.output
    both = run(cli_env, "subjects", "export", "--email", "a@x.be", *ref)
    assert both.exit_code == 2 and "exactly one" in both.output


def test_breaches_from_the_command_line(client: Any, cli_env: dict[str, str]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    created = run(
        cli_env, "breaches", "create",
        "--detected-at", (now - timedelta(hours=80)).isoformat(),
        "--nature", "Laptop with an export stolen",
        "--category", "email", "--category", "phone",
        "--from", (now - timedelta(days=3)).isoformat(), "--to", now.isoformat(),
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "Notification of a personal data breach" in created.output
    breach_id = created.output.split(":", 1)[0].strip()
    assert breach_id.startswith("br_")

    overdue = run(cli_env, "breaches", "overdue")
    assert overdue.exit_code == 1 and breach_id in overdue.output
    shown = json.loads(run(cli_env, "breaches", "show", breach_id).output)
    assert shown["overdue"] is True and shown["categories"] == ["email", "phone"]
    assert run(cli_env, "breaches", "notified", breach_id).exit_code == 0
    cleared = run(cli_env, "breaches", "overdue")
    assert cleared.exit_code == 0 and "0 overdue" in cleared.output

    naive = run(cli_env, "breaches", "create", "--detected-at", "2026-11-20T08:00:00",
                "--nature", "x", "--category", "email", "--from", now.isoformat(),
                "--to", now.isoformat())  # fmt: skip
    assert naive.exit_code == 2 and "time zone" in naive.output
    unknown = run(cli_env, "breaches", "create", "--detected-at", now.isoformat(),
                  "--nature", "x", "--category", "ssn", "--from", now.isoformat(),
                  "--to", now.isoformat())  # fmt: skip
    assert unknown.exit_code == 2 and "categories.0" in unknown.output
