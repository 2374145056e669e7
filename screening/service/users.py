"""Console accounts: create (argon2id), list, disable, and sign in with throttling.

Ten wrong passwords in a row for an account, or from one address, refuse further
attempts (even a right one) until ``THROTTLE_SECONDS`` after the last wrong one.
The counts live in Redis when it is configured, else in the database, so every
process shares them. Addresses and unknown sign-in names are counted under keyed
pseudonyms, never as values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from screening.errors import RateLimited, Unauthorized
from screening.store import Database
from screening.store import users as store

log = logging.getLogger("screening.users")
MAX_FAILURES = 10
THROTTLE_SECONDS = 15 * 60
_hasher = PasswordHasher()
# Verified when no account matches, so an unknown email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Person:
    """A signed-in console user (what Flask-Login keeps per request)."""

    id: int
    email: str
    role: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def actor(self) -> str:
        """How records name this person: ``user:<id>`` (never the email)."""
        return f"user:{self.id}"

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        return str(self.id)


def _person(row: Any) -> Person:
    return Person(id=row.id, email=row.email, role=row.role)


def hash_password(password: str) -> str:
    store.check_password_rules(password)
    return _hasher.hash(password)


def create_user(db: Database, *, email: str, role: str, password: str) -> Person:
    """Create an account (the password is checked for length, then hashed with argon2id)."""
    hashed = hash_password(password)
    with db.session() as session:
        row = store.create(
            session, email=email, role=role, password_hash=hashed, now=datetime.now(UTC)
        )
        return _person(row)


def list_users(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        return [
            {
                "id": row.id,
                "email": row.email,
                "role": row.role,
                "created_at": row.created_at,
                "disabled": row.disabled_at is not None,
                "last_login_at": row.last_login_at,
            }
            for row in store.listing(session)
        ]


def disable_user(db: Database, email: str) -> Person:
    with db.session() as session:
        return _person(store.disable(session, email, now=datetime.now(UTC)))


def load_person(runtime: Any, user_id: str) -> Person | None:
    """Return the active account behind a session's user id (None once disabled or gone)."""
    try:
        number = int(user_id)
    except ValueError:
        return None
    with runtime.db.session() as session:
        row = store.by_id(session, number)
        if row is None or row.disabled_at is not None:
            return None
        return _person(row)


class _Counter:
    """Wrong passwords in a row per key: Redis when configured, else the database."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.redis = runtime.velocity.client if runtime.settings.redis_url else None

    def blocked(self, session: Any, keys: list[str], now: datetime) -> bool:
        for key in keys:
            if self.redis is not None:
                count = int(self.redis.get(f"screening:login:{key}") or 0)
                if count >= MAX_FAILURES:
                    return True
                continue
            count, last = store.failures(session, key)
            if count >= MAX_FAILURES and last is not None:
                if now - last < timedelta(seconds=THROTTLE_SECONDS):
                    return True
        return False

    def fail(self, session: Any, keys: list[str], now: datetime) -> None:
        for key in keys:
            if self.redis is not None:
                name = f"screening:login:{key}"
                pipe = self.redis.pipeline()
                pipe.incr(name)
                pipe.expire(name, THROTTLE_SECONDS)
                pipe.execute()
            else:
                store.add_failure(session, key, now=now)

    def clear(self, session: Any, keys: list[str]) -> None:
        if self.redis is not None:
            self.redis.delete(*[f"screening:login:{key}" for key in keys])
        else:
            store.clear_failures(session, keys)


def sign_in(runtime: Any, *, email: str, password: str, address: str) -> Person:
    """Check a sign-in; count wrong passwords per account and per address.

    Raises:
        RateLimited: ten wrong passwords in a row for this account or from this address.
        Unauthorized: the email or password is wrong, or the account is disabled
            (one message for all, so it reveals nothing about which accounts exist).
    """
    now = datetime.now(UTC)
    counter = _Counter(runtime)
    address_key = "a:" + runtime.pseudonyms.make("client", address or "unknown")
    with runtime.db.session() as session:
        row = store.by_email(session, email)
        account_key = (
            f"u:{row.id}"
            if row is not None
            else "e:" + runtime.pseudonyms.make("login", store.normalise_email(email))
        )
        keys = [account_key, address_key]
        if counter.blocked(session, keys, now):
            log.warning("sign-in throttled", extra={"event": "login_throttled"})
            raise RateLimited(
                "Too many wrong passwords. Try again in 15 minutes.",
                headers={"Retry-After": str(THROTTLE_SECONDS)},
            )
        try:
            _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
            ok = row is not None and row.disabled_at is None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            counter.fail(session, keys, now)
        else:
            counter.clear(session, keys)
            row.last_login_at = now
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            person = _person(row)
    if not ok or row is None:
        log.info("sign-in refused", extra={"event": "login_failed"})
        raise Unauthorized("The email or password is wrong.")
    log.info("signed in", extra={"event": "login", "user_id": person.id})
    return person
