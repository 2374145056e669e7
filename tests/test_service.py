"""The service around the API: settings, health, metrics, policy, docs, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from screening.cli import main
from screening.config import load_settings
from screening.errors import ConfigError
from screening.store.models import Decision
from tests.helpers import auth, signup


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SCREENING_ENV": "production"}, "SCREENING_SECRET_KEY"),
        ({"SCREENING_ENV": "production", "SCREENING_SECRET_KEY": "short"}, "SCREENING_SECRET_KEY"),
        ({"SCREENING_ENV": "production", "SCREENING_SECRET_KEY": "k" * 40}, "SCREENING_HMAC_KEYS"),
        (
            {
                "SCREENING_ENV": "production",
                "SCREENING_SECRET_KEY": "k" * 40,
                "SCREENING_HMAC_KEYS": "k1:" + "h" * 40,
            },
            "SCREENING_AUDIT_KEY",
        ),
        ({"SCREENING_AUDIT_KEY": "short"}, "SCREENING_AUDIT_KEY"),
        ({"SCREENING_HMAC_KEYS": "k1:tooshort"}, "SCREENING_HMAC_KEYS"),
        ({"SCREENING_HMAC_KEYS": "k1:" + "a" * 40 + ",k1:" + "b" * 40}, "appears twice"),
        ({"SCREENING_ENV": "staging"}, "SCREENING_ENV"),
    ],
)
def test_bad_or_missing_secrets_stop_start_up(
    tmp_path: Path, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={**environ, "SCREENING_INSTANCE_PATH": str(tmp_path)})
    assert named in info.value.message


def test_development_secrets_are_generated_once(tmp_path: Path) -> None:
    env = {"SCREENING_INSTANCE_PATH": str(tmp_path)}
    first, second = load_settings(environ=env), load_settings(environ=env)
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert first.hmac_keys == second.hmac_keys
    assert len(first.audit_key) >= 32 and first.audit_key == second.audit_key
    assert first.audit_key not in (first.secret_key, *(k.secret.decode() for k in first.hmac_keys))
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_a_new_instance_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "fresh" / "instance"
    load_settings(environ={"SCREENING_INSTANCE_PATH": str(folder)})
    assert folder.stat().st_mode & 0o777 == 0o700


def test_health_readiness_policy_and_docs(client: Any) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["checks"]["rules"] == "v1"
    policy = client.get("/v1/policy").get_json()
    assert set(policy["fields"]) >= {"first_name", "last_name", "email", "phone", "address"}
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/v1/screenings" in spec["paths"]
    schema = json.dumps(spec["components"]["schemas"]["ScreeningRequest"])
    assert "first_name" in schema and "maxLength" in schema
    assert client.get("/docs/swagger").status_code == 200


def test_metrics_carry_outcomes_and_overdue_reviews_but_no_personal_data(
    client: Any, screen_key: str
) -> None:
    client.post(
        "/v1/screenings", json=signup(email="zed.unique@mailinator.com"), headers=auth(screen_key)
    )
    text = client.get("/metrics").get_data(as_text=True)
    assert 'screening_decisions_total{outcome="decline"}' in text
    assert "screening_reviews_overdue 0.0" in text
    assert "zed.unique" not in text and "mailinator" not in text


def test_keys_create_prints_the_key_alone_on_the_last_line(
    client: Any, cli_env: dict[str, str]
) -> None:
    result = CliRunner().invoke(
        main,
        ["keys", "create", "--scope", "screen", "--scope", "analyst", "--name", "web"],
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("sk_") and " " not in key
    assert client.post("/v1/screenings", json=signup(), headers=auth(key)).status_code == 201
    listed = CliRunner().invoke(main, ["keys", "list"], env=cli_env).output
    assert "analyst,screen" in listed and key not in listed


def test_audit_verify_names_the_tampered_record(
    client: Any, runtime: Any, screen_key: str, cli_env: dict[str, str]
) -> None:
    ids = [
        client.post("/v1/screenings", json=signup(), headers=auth(screen_key)).get_json()[
            "decision_id"
        ]
        for _ in range(3)
    ]
    ok = CliRunner().invoke(main, ["audit", "verify"], env=cli_env)
    assert ok.exit_code == 0 and "3 decision(s)" in ok.output
    with runtime.db.session() as session:
        session.execute(update(Decision).where(Decision.id == ids[1]).values(outcome="decline"))
    broken = CliRunner().invoke(main, ["audit", "verify"], env=cli_env)
    assert broken.exit_code == 1
    assert ids[1] in broken.output and ids[0] not in broken.output


def test_audit_minimisation_and_retention_dry_run(
    client: Any, screen_key: str, cli_env: dict[str, str]
) -> None:
    client.post("/v1/screenings", json=signup(ssn="1"), headers=auth(screen_key))
    audit = CliRunner().invoke(main, ["audit", "minimisation"], env=cli_env)
    assert audit.exit_code == 0, audit.output
    dry = CliRunner().invoke(main, ["retention", "run", "--dry-run"], env=cli_env)
    assert dry.exit_code == 0 and "would scrub 0" in dry.output


def test_policy_render_and_a_malformed_policy_file(tmp_path: Path) -> None:
    rendered = CliRunner().invoke(
        main, ["policy", "render"], env={"SCREENING_INSTANCE_PATH": str(tmp_path)}
    )
    assert rendered.exit_code == 0 and "Art. 30" in rendered.output
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "version: 1\ncontroller: {}\npurposes: {p: {description: d}}\n"
        "lawful_bases: {b: {article: a}}\nretention: {days: {approve: 1, review: 1,"
        " decline: 1}}\nbreach: {authority: x, deadline_hours: 72}\n"
        "hold_deadline: {working_days: 2}\n"
        "fields: {email: {category: c, storage: stored, lawful_basis: b}}\n"
    )
    result = CliRunner().invoke(main, ["policy", "check", str(bad)])
    assert result.exit_code == 2 and "fields.email" in result.output


def test_rules_check_names_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "thresholds: {review: 0.5, decline: 0.9}\nrules:\n"
        "  - id: broken-one\n    when: email.nope\n    action: review\n"
        "    reason: {code: x, field: email, message: m}\n"
    )
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 2
    assert "broken-one" in result.output and "email.nope" in result.output
