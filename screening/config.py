"""Settings: defaults, then the environment, then explicit overrides; validated once.

Built on pydantic-settings: every field reads one ``SCREENING_*`` variable, values
are parsed strictly (``SCREENING_EMAIL_DNS_CHECK=ture`` is an error that names the
variable, not a silent false), and secrets are ``SecretStr`` or hidden from
``repr`` so they never reach a log line or a traceback.

In development, missing secrets are generated once into the instance folder.
With ``SCREENING_ENV=production`` a missing or weak secret, or an unset database
URL, stops start-up with a message that names every variable at fault:
production never falls back to "dev".
"""

from __future__ import annotations

import json
import math
import os
import secrets
import zlib
from collections import Counter
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from screening.core.pseudonyms import HmacKey
from screening.errors import ConfigError

# The shipped defaults are package data, so an installed wheel serves them from anywhere.
SHIPPED = Path(__file__).resolve().parent / "data"
DEFAULT_RULES = SHIPPED / "rules" / "default.yaml"
DEFAULT_MODEL = SHIPPED / "models" / "risk-model.skops"
DEFAULT_POLICY = SHIPPED / "policy" / "privacy-policy.yaml"
SECRETS_FILE = "secrets.json"
MIN_SECRET_LENGTH = 32
# A production secret must carry at least this many bits by a Shannon estimate over
# its characters: `openssl rand -hex 32` or `secrets.token_urlsafe(32)` carry ~200,
# `"a" * 32` carries none, a repeated word a few dozen.
MIN_SECRET_BITS = 100

# Field name -> the environment variable it reads (names kept from the first release).
ENV_VARS: dict[str, str] = {
    "env": "SCREENING_ENV",
    "instance_path": "SCREENING_INSTANCE_PATH",
    "database_url": "SCREENING_DATABASE_URL",
    "redis_url": "SCREENING_REDIS_URL",
    "secret_key": "SCREENING_SECRET_KEY",
    "hmac_keys": "SCREENING_HMAC_KEYS",
    "audit_key": "SCREENING_AUDIT_KEY",
    "audit_log": "SCREENING_AUDIT_LOG",
    "rules_path": "SCREENING_RULES",
    "model_path": "SCREENING_MODEL",
    "policy_path": "SCREENING_POLICY",
    "max_body_bytes": "SCREENING_MAX_BODY_BYTES",
    "body_timeout_seconds": "SCREENING_BODY_TIMEOUT",
    "customer_rate_limit_per_minute": "SCREENING_CUSTOMER_RATE_LIMIT",
    "screen_rate_limit_per_minute": "SCREENING_SCREEN_RATE_LIMIT",
    "trusted_proxies": "SCREENING_TRUSTED_PROXIES",
    "email_dns_check": "SCREENING_EMAIL_DNS_CHECK",
    "email_dns_timeout_seconds": "SCREENING_EMAIL_DNS_TIMEOUT",
    "rules_reload_seconds": "SCREENING_RULES_RELOAD_SECONDS",
    "key_cache_seconds": "SCREENING_KEY_CACHE_SECONDS",
    "log_level": "SCREENING_LOG_LEVEL",
    "smtp_url": "SCREENING_SMTP_URL",
    "smtp_from": "SCREENING_SMTP_FROM",
    "webhook_url": "SCREENING_WEBHOOK_URL",
    "webhook_secret": "SCREENING_WEBHOOK_SECRET",
}

# The environment one load_settings() call reads (None: the process's own).
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("screening_environ", default=None)


def _env(name: str, **kwargs: Any) -> Any:
    """Declare a field that reads ``ENV_VARS[name]`` and also accepts its field name."""
    return Field(validation_alias=AliasChoices(ENV_VARS[name], name), **kwargs)


class _Environ(EnvSettingsSource):
    """The environment source, reading the mapping load_settings() was given."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _ENVIRON.get()
        return parse_env_vars(
            os.environ if environ is None else environ,
            self.case_sensitive,
            self.env_ignore_empty,
            self.env_parse_none_str,
        )


class Settings(BaseSettings):
    """Every setting the service reads; build with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        case_sensitive=True,
        env_ignore_empty=True,
        validate_by_name=True,
        validate_by_alias=True,
    )

    env: str = _env("env", default="development")
    instance_path: Path = _env("instance_path", default=Path("instance"))
    # URLs may carry a password: kept out of repr (``Database`` renders them masked).
    database_url: str = _env("database_url", default="", repr=False)
    redis_url: str = _env("redis_url", default="", repr=False)
    secret_key: SecretStr = _env("secret_key", default=SecretStr(""))
    # `id:secret,id:secret`, parsed by _parse_hmac_keys (not as JSON).
    hmac_keys: Annotated[tuple[HmacKey, ...], NoDecode] = _env("hmac_keys", default=(), repr=False)
    # Seals the tamper evidence; kept apart from the secret and HMAC keys.
    audit_key: str = _env("audit_key", default="", repr=False)
    # Append-only copy of every checkpoint (default: audit-log.jsonl in the instance folder).
    audit_log: str = _env("audit_log", default="")
    rules_path: Path = _env("rules_path", default=DEFAULT_RULES)
    model_path: Path = _env("model_path", default=DEFAULT_MODEL)
    policy_path: Path = _env("policy_path", default=DEFAULT_POLICY)
    max_body_bytes: int = _env("max_body_bytes", default=16 * 1024, ge=1024)
    # Longest wait for the next piece of a request body before answering 408 (slow clients).
    body_timeout_seconds: float = _env("body_timeout_seconds", default=10.0, gt=0, le=300)
    # Customer-facing endpoints: requests per minute per client and per decision.
    customer_rate_limit_per_minute: int = _env("customer_rate_limit_per_minute", default=30, ge=0)
    # Keys with scope `screen` are not limited unless the operator sets one (0 = off).
    screen_rate_limit_per_minute: int = _env("screen_rate_limit_per_minute", default=0, ge=0)
    # How many reverse proxies in front of the service append to X-Forwarded-For (0: none,
    # the socket's peer is the client). Only the hops you run may be trusted.
    trusted_proxies: int = _env("trusted_proxies", default=0, ge=0, le=10)
    email_dns_check: bool = _env("email_dns_check", default=False)
    email_dns_timeout_seconds: float = _env("email_dns_timeout_seconds", default=1.5, gt=0)
    rules_reload_seconds: float = _env("rules_reload_seconds", default=2.0, ge=0)
    # How long a process trusts its answer for an API key: a revoked key stops working
    # everywhere within this many seconds (0: look every key up on every request).
    key_cache_seconds: float = _env("key_cache_seconds", default=2.0, ge=0, le=60)
    log_level: str = _env("log_level", default="INFO")
    smtp_url: str = _env("smtp_url", default="", repr=False)
    smtp_from: str = _env("smtp_from", default="no-reply@localhost")
    # Optional: the host's endpoint told (HMAC-signed) when a review changes an outcome.
    webhook_url: str = _env("webhook_url", default="")
    webhook_secret: SecretStr = _env("webhook_secret", default=SecretStr(""))
    extra: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Overrides (init) win over the environment; no .env or secrets directory is read.
        return (init_settings, _Environ(settings_cls))

    @field_validator("hmac_keys", mode="before")
    @classmethod
    def _parse_hmac_keys(cls, value: Any) -> Any:
        return parse_hmac_keys(value) if isinstance(value, str) else tuple(value)

    @field_validator("env")
    @classmethod
    def _known_env(cls, value: str) -> str:
        if value not in {"development", "production", "test"}:
            raise ValueError("must be development, production or test")
        return value

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def audit_log_path(self) -> Path:
        return Path(self.audit_log) if self.audit_log else self.instance_path / "audit-log.jsonl"

    @property
    def current_hmac_key(self) -> HmacKey:
        return self.hmac_keys[0]


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


def secret_bits(secret: str | bytes) -> float:
    """Estimate a secret's entropy in bits, the lower of two cheap estimates.

    Its length times its characters' Shannon entropy catches one character repeated
    or a short alphabet; its compressed size catches a word typed several times.
    Both over-estimate structured text, so this is a floor for production, not proof.
    """
    data = secret.encode() if isinstance(secret, str) else secret
    if not data:
        return 0.0
    counts = Counter(data)
    n = len(data)
    shannon = -sum(c / n * math.log2(c / n) for c in counts.values()) * n
    compressed = 8.0 * (len(zlib.compress(data, 9)) - len(zlib.compress(b"", 9)))
    return max(0.0, min(shannon, compressed))


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from defaults, the environment and ``overrides`` (field names).

    Args:
        overrides: values by field name; they win over the environment.
        environ: the environment to read (default: the process's own).

    Raises:
        ConfigError: an invalid value (naming its variable), or in production a missing
            or weak secret or an unset database URL.
    """
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}")
    token = _ENVIRON.set(environ)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    finally:
        _ENVIRON.reset(token)
    if settings.production:
        _check_production(settings)
    settings = _with_secrets(settings)
    if not settings.database_url:
        db = (settings.instance_path / "screening.sqlite3").resolve()
        settings = settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    if settings.webhook_url and len(settings.webhook_secret.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SCREENING_WEBHOOK_SECRET must have at least {MIN_SECRET_LENGTH} characters "
            "when SCREENING_WEBHOOK_URL is set"
        )
    return settings


def _describe(exc: ValidationError) -> str:
    """Name each variable at fault and the problem, never the value (it may be a secret)."""
    by_alias = {alias: name for name, alias in ENV_VARS.items()}
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        where = str(error["loc"][0]) if error["loc"] else "settings"
        name = by_alias.get(where, where)
        label = ENV_VARS.get(name, name)
        problems.append(f"{label}: {error.get('msg', 'invalid')}")
    return "; ".join(problems)


def _check_production(settings: Settings) -> None:
    """Refuse production settings that would fall back to a development default."""
    problems = []
    secret = settings.secret_key.get_secret_value()
    if len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            f"SCREENING_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
            "when SCREENING_ENV=production"
        )
    elif secret_bits(secret) < MIN_SECRET_BITS:
        problems.append(_weak("SCREENING_SECRET_KEY"))
    if not settings.hmac_keys:
        problems.append("SCREENING_HMAC_KEYS must be set when SCREENING_ENV=production")
    if len(settings.audit_key) < MIN_SECRET_LENGTH:
        problems.append(
            f"SCREENING_AUDIT_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
            "when SCREENING_ENV=production"
        )
    elif secret_bits(settings.audit_key) < MIN_SECRET_BITS:
        problems.append(_weak("SCREENING_AUDIT_KEY"))
    for key in settings.hmac_keys:
        if secret_bits(key.secret) < MIN_SECRET_BITS:
            problems.append(_weak(f"SCREENING_HMAC_KEYS (key {key.id!r})"))
    webhook = settings.webhook_secret.get_secret_value()
    if settings.webhook_url and webhook and secret_bits(webhook) < MIN_SECRET_BITS:
        problems.append(_weak("SCREENING_WEBHOOK_SECRET"))
    if not settings.database_url:
        problems.append(
            "SCREENING_DATABASE_URL must be set when SCREENING_ENV=production "
            "(a SQLite file in the instance folder is a development default)"
        )
    if problems:
        raise ConfigError("; ".join(problems))


def _weak(variable: str) -> str:
    return (
        f"{variable} is too predictable for production (under {MIN_SECRET_BITS} bits): "
        "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
    )


def _with_secrets(settings: Settings) -> Settings:
    if settings.production:
        return settings
    stored = read_dev_secrets(settings.instance_path)
    changed = False
    update: dict[str, Any] = {}
    secret = settings.secret_key.get_secret_value()
    if not secret:
        if not stored.get("secret_key"):
            stored["secret_key"] = secrets.token_urlsafe(48)
            changed = True
        update["secret_key"] = SecretStr(stored["secret_key"])
    elif len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SCREENING_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
    if not settings.audit_key:
        if not stored.get("audit_key"):
            stored["audit_key"] = secrets.token_urlsafe(48)
            changed = True
        update["audit_key"] = stored["audit_key"]
    elif len(settings.audit_key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SCREENING_AUDIT_KEY must have at least {MIN_SECRET_LENGTH} characters")
    if not settings.hmac_keys:
        if not stored.get("hmac_keys"):
            stored["hmac_keys"] = format_hmac_keys((new_hmac_key(),))
            changed = True
        update["hmac_keys"] = parse_hmac_keys(stored["hmac_keys"])
    if changed:
        write_dev_secrets(settings.instance_path, stored)
    return settings.model_copy(update=update) if update else settings


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
