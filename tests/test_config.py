"""Settings: strict values that name their variable, secrets kept out of every repr, and a
production mode that refuses development defaults."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

from screening.config import ENV_VARS, Settings, load_settings, secret_bits
from screening.errors import ConfigError

STRONG = {
    "SCREENING_SECRET_KEY": secrets.token_urlsafe(32),
    "SCREENING_HMAC_KEYS": "k1:" + secrets.token_urlsafe(32),
    "SCREENING_AUDIT_KEY": secrets.token_urlsafe(32),
    "SCREENING_DATABASE_URL": "postgresql+psycopg://app:pw-in-url@127.0.0.1/app",
}


def _load(tmp_path: Path, **environ: str) -> Settings:
    return load_settings(environ={"SCREENING_INSTANCE_PATH": str(tmp_path), **environ})


@pytest.mark.parametrize("value", ["ture", "2", "maybe", "nein"])
def test_a_mistyped_boolean_is_an_error_naming_the_variable(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, SCREENING_EMAIL_DNS_CHECK=value)
    assert "SCREENING_EMAIL_DNS_CHECK" in info.value.message
    assert value not in info.value.message.replace("SCREENING_EMAIL_DNS_CHECK", "")


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("off", False)])
def test_booleans_read_their_usual_spellings(tmp_path: Path, value: str, expected: bool) -> None:
    assert _load(tmp_path, SCREENING_EMAIL_DNS_CHECK=value).email_dns_check is expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCREENING_MAX_BODY_BYTES", "12"),
        ("SCREENING_CUSTOMER_RATE_LIMIT", "many"),
        ("SCREENING_SCREEN_RATE_LIMIT", "-1"),
        ("SCREENING_TRUSTED_PROXIES", "x"),
        ("SCREENING_EMAIL_DNS_TIMEOUT", "0"),
    ],
)
def test_invalid_numbers_name_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, **{variable: value})
    assert variable in info.value.message


def test_every_variable_reads_into_its_field(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        SCREENING_SCREEN_RATE_LIMIT="600",
        SCREENING_CUSTOMER_RATE_LIMIT="7",
        SCREENING_TRUSTED_PROXIES="1",
        SCREENING_RULES=str(tmp_path / "r.yaml"),
        SCREENING_LOG_LEVEL="DEBUG",
    )
    assert settings.screen_rate_limit_per_minute == 600
    assert settings.customer_rate_limit_per_minute == 7
    assert settings.trusted_proxies == 1
    assert settings.rules_path == tmp_path / "r.yaml"
    assert settings.log_level == "DEBUG"
    assert set(ENV_VARS) <= set(Settings.model_fields)


def test_overrides_by_field_name_win_over_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        {"customer_rate_limit_per_minute": 3},
        environ={"SCREENING_INSTANCE_PATH": str(tmp_path), "SCREENING_CUSTOMER_RATE_LIMIT": "9"},
    )
    assert settings.customer_rate_limit_per_minute == 3
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings({"no_such_setting": 1}, environ={"SCREENING_INSTANCE_PATH": str(tmp_path)})


def test_secrets_never_appear_in_a_repr_or_a_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    webhook = secrets.token_urlsafe(32)
    settings = _load(
        tmp_path,
        **STRONG,
        SCREENING_WEBHOOK_URL="https://host.invalid/hook",
        SCREENING_WEBHOOK_SECRET=webhook,
        SCREENING_REDIS_URL="redis://:redis-pw@127.0.0.1:6379/0",
        SCREENING_SMTP_URL="smtp://user:smtp-pw@127.0.0.1:25",
    )
    with caplog.at_level(logging.INFO):
        logging.getLogger("screening.test").info("settings %r %s", settings, settings)
    hidden = [
        STRONG["SCREENING_SECRET_KEY"],
        STRONG["SCREENING_HMAC_KEYS"].partition(":")[2],
        webhook,
        "pw-in-url",
        "redis-pw",
        "smtp-pw",
    ]
    for text in (repr(settings), str(settings), caplog.text, repr(settings.hmac_keys)):
        for secret in hidden:
            assert secret not in text
    # The values are still there for the code that needs them.
    assert settings.secret_key.get_secret_value() == STRONG["SCREENING_SECRET_KEY"]
    assert settings.webhook_secret.get_secret_value() == webhook


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SCREENING_SECRET_KEY": "a" * 32}, "SCREENING_SECRET_KEY"),
        ({"SCREENING_SECRET_KEY": "secret" * 8}, "SCREENING_SECRET_KEY"),
        ({"SCREENING_HMAC_KEYS": "k1:" + "b" * 40}, "SCREENING_HMAC_KEYS"),
        ({"SCREENING_DATABASE_URL": ""}, "SCREENING_DATABASE_URL"),
    ],
)
def test_production_refuses_weak_secrets_and_a_missing_database(
    tmp_path: Path, change: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, SCREENING_ENV="production", **{**STRONG, **change})
    assert named in info.value.message
    for secret in change.values():
        if secret:
            assert secret not in info.value.message


def test_production_starts_with_strong_secrets_and_a_database(tmp_path: Path) -> None:
    settings = _load(tmp_path, SCREENING_ENV="production", **STRONG)
    assert settings.production and settings.database_url == STRONG["SCREENING_DATABASE_URL"]
    assert not (tmp_path / "secrets.json").exists()  # nothing generated in production


def test_secret_bits_estimates() -> None:
    assert secret_bits("a" * 32) == 0
    assert secret_bits("ab" * 16) <= 32
    assert secret_bits("secret" * 8) < 100
    assert secret_bits(secrets.token_urlsafe(32)) > 150
