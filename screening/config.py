"""Settings: defaults, then the environment, then explicit overrides; validated once.

In development, missing secrets are generated once into the instance folder.
With ``SCREENING_ENV=production`` a missing or weak secret stops start-up with
a message that names the variable: production never falls back to "dev".
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from screening.core.pseudonyms import HmacKey
from screening.errors import ConfigError

# The shipped defaults are package data, so an installed wheel serves them from anywhere.
SHIPPED = Path(__file__).resolve().parent / "data"
DEFAULT_RULES = SHIPPED / "rules" / "default.yaml"
DEFAULT_MODEL = SHIPPED / "models" / "risk-model.skops"
DEFAULT_POLICY = SHIPPED / "policy" / "privacy-policy.yaml"
SECRETS_FILE = "secrets.json"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    """Every setting the service reads; build with :func:`load_settings`."""

    env: str = "development"
    instance_path: Path = Path("instance")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    hmac_keys: tuple[HmacKey, ...] = ()
    # Seals the tamper evidence; kept apart from the secret and HMAC keys.
    audit_key: str = ""
    # Append-only copy of every checkpoint (default: audit-log.jsonl in the instance folder).
    audit_log: str = ""
    rules_path: Path = DEFAULT_RULES
    model_path: Path = DEFAULT_MODEL
    policy_path: Path = DEFAULT_POLICY
    max_body_bytes: int = 16 * 1024
    # Customer-facing endpoints: requests per minute per client and per decision.
    customer_rate_limit_per_minute: int = 30
    # Keys with scope `screen` are not limited unless the operator sets one (0 = off).
    screen_rate_limit_per_minute: int = 0
    email_dns_check: bool = False
    email_dns_timeout_seconds: float = 1.5
    rules_reload_seconds: float = 2.0
    log_level: str = "INFO"
    smtp_url: str = ""
    smtp_from: str = "no-reply@localhost"
    # Optional: the host's endpoint told (HMAC-signed) when a review changes an outcome.
    webhook_url: str = ""
    webhook_secret: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def audit_log_path(self) -> Path:
        return Path(self.audit_log) if self.audit_log else self.instance_path / "audit-log.jsonl"

    @property
    def current_hmac_key(self) -> HmacKey:
        return self.hmac_keys[0]


_ENV_MAP = {
    "SCREENING_ENV": "env",
    "SCREENING_INSTANCE_PATH": "instance_path",
    "SCREENING_DATABASE_URL": "database_url",
    "SCREENING_REDIS_URL": "redis_url",
    "SCREENING_SECRET_KEY": "secret_key",
    "SCREENING_HMAC_KEYS": "hmac_keys",
    "SCREENING_AUDIT_KEY": "audit_key",
    "SCREENING_AUDIT_LOG": "audit_log",
    "SCREENING_RULES": "rules_path",
    "SCREENING_MODEL": "model_path",
    "SCREENING_POLICY": "policy_path",
    "SCREENING_MAX_BODY_BYTES": "max_body_bytes",
    "SCREENING_CUSTOMER_RATE_LIMIT": "customer_rate_limit_per_minute",
    "SCREENING_SCREEN_RATE_LIMIT": "screen_rate_limit_per_minute",
    "SCREENING_EMAIL_DNS_CHECK": "email_dns_check",
    "SCREENING_EMAIL_DNS_TIMEOUT": "email_dns_timeout_seconds",
    "SCREENING_RULES_RELOAD_SECONDS": "rules_reload_seconds",
    "SCREENING_LOG_LEVEL": "log_level",
    "SCREENING_SMTP_URL": "smtp_url",
    "SCREENING_SMTP_FROM": "smtp_from",
    "SCREENING_WEBHOOK_URL": "webhook_url",
    "SCREENING_WEBHOOK_SECRET": "webhook_secret",
}


def parse_hmac_keys(value: str) -> tuple[HmacKey, ...]:
    """Parse ``id:secret,id:secret`` (the first is current).

    Raises:
        ConfigError: a pair is malformed, an id repeats, or a secret is short.
    """
    keys: list[HmacKey] = []
    for pair in (p.strip() for p in value.split(",")):
        if not pair:
            continue
        key_id, sep, secret = pair.partition(":")
        if not sep or not key_id or not key_id.isalnum():
            raise ConfigError(
                "SCREENING_HMAC_KEYS: each entry must be 'id:secret' (id alphanumeric)"
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SCREENING_HMAC_KEYS: the secret of key {key_id!r} must have at least "
                f"{MIN_SECRET_LENGTH} characters"
            )
        if any(k.id == key_id for k in keys):
            raise ConfigError(f"SCREENING_HMAC_KEYS: key id {key_id!r} appears twice")
        keys.append(HmacKey(key_id, secret.encode()))
    return tuple(keys)


def format_hmac_keys(keys: tuple[HmacKey, ...]) -> str:
    return ",".join(f"{k.id}:{k.secret.decode()}" for k in keys)


def new_hmac_key(existing: tuple[HmacKey, ...] = ()) -> HmacKey:
    """Make a fresh key whose id does not clash with ``existing``."""
    taken = {k.id for k in existing}
    while True:
        key_id = "k" + secrets.token_hex(3)
        if key_id not in taken:
            return HmacKey(key_id, secrets.token_urlsafe(36).encode())


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if name == "hmac_keys":
        return parse_hmac_keys(value) if isinstance(value, str) else tuple(value)
    try:
        if kind == "Path":
            return Path(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
    except ValueError as exc:
        raise ConfigError(f"setting {name} has an invalid value") from exc
    return value


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from defaults, the environment and ``overrides`` (field names).

    Raises:
        ConfigError: an invalid value, or a missing secret in production.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for var, name in _ENV_MAP.items():
        if environ.get(var, "") != "":
            values[name] = _coerce(name, environ[var])
    known = {f.name for f in fields(Settings)}
    for name, value in (overrides or {}).items():
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, value)
    settings = Settings(**values)
    if settings.env not in {"development", "production", "test"}:
        raise ConfigError("SCREENING_ENV must be development, production or test")
    settings = _with_secrets(settings)
    if not settings.database_url:
        db = (settings.instance_path / "screening.sqlite3").resolve()
        settings = replace(settings, database_url=f"sqlite:///{db}")
    if settings.webhook_url and len(settings.webhook_secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SCREENING_WEBHOOK_SECRET must have at least {MIN_SECRET_LENGTH} characters "
            "when SCREENING_WEBHOOK_URL is set"
        )
    if settings.max_body_bytes < 1024:
        raise ConfigError("SCREENING_MAX_BODY_BYTES must be at least 1024")
    return settings


def _with_secrets(settings: Settings) -> Settings:
    if settings.production:
        if len(settings.secret_key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SCREENING_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
                "when SCREENING_ENV=production"
            )
        if not settings.hmac_keys:
            raise ConfigError("SCREENING_HMAC_KEYS must be set when SCREENING_ENV=production")
        if len(settings.audit_key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SCREENING_AUDIT_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
                "when SCREENING_ENV=production"
            )
        return settings
    stored = read_dev_secrets(settings.instance_path)
    changed = False
    if not settings.secret_key:
        if not stored.get("secret_key"):
            stored["secret_key"] = secrets.token_urlsafe(48)
            changed = True
        settings = replace(settings, secret_key=stored["secret_key"])
    elif len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SCREENING_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
    if not settings.audit_key:
        if not stored.get("audit_key"):
            stored["audit_key"] = secrets.token_urlsafe(48)
            changed = True
        settings = replace(settings, audit_key=stored["audit_key"])
    elif len(settings.audit_key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SCREENING_AUDIT_KEY must have at least {MIN_SECRET_LENGTH} characters")
    if not settings.hmac_keys:
        if not stored.get("hmac_keys"):
            stored["hmac_keys"] = format_hmac_keys((new_hmac_key(),))
            changed = True
        settings = replace(settings, hmac_keys=parse_hmac_keys(stored["hmac_keys"]))
    if changed:
        write_dev_secrets(settings.instance_path, stored)
    return settings


def read_dev_secrets(instance_path: Path) -> dict[str, str]:
    path = instance_path / SECRETS_FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is unreadable; delete it to generate new secrets") from exc
    return data if isinstance(data, dict) else {}


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) readable by this user only (0700)."""
    existed = path.exists()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not existed:
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def write_dev_secrets(instance_path: Path, data: Mapping[str, str]) -> None:
    make_private_dir(instance_path)
    path = instance_path / SECRETS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(dict(data), fh, indent=2)
    os.replace(tmp, path)
