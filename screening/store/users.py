"""Console accounts: create, list, disable, find; and wrong-password counts for throttling.

Passwords are hashed with argon2id (argon2-cffi's defaults: memory-hard). Emails
are compared in lower case. Nothing here logs or raises with an email in the message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from screening.errors import Conflict, NotFound, ValidationFailed
from screening.store.models.users import ROLES, LoginFailure, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Raises: ValidationFailed: the password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            fields=[{"field": "password", "problem": "too short"}],
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            "The password is too long.", fields=[{"field": "password", "problem": "too long"}]
        )


def create(session: Session, *, email: str, role: str, password_hash: str, now: datetime) -> User:
    """Add an account.

    Raises:
        ValidationFailed: the email or role is not acceptable.
        Conflict: an account already uses that email.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationFailed("role must be analyst or admin.")
    local, at, domain = email.partition("@")
    if not local or not at or "." not in domain or len(email) > 320 or " " in email:
        raise ValidationFailed(
            "The email is not a valid address.", fields=[{"field": "email", "problem": "invalid"}]
        )
    if by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(email=email, role=role, password_hash=password_hash, created_at=now)
    session.add(user)
    session.flush()
    return user


def by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def listing(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def names(session: Session, ids: set[int]) -> dict[int, str]:
    """Return the email of each user id (to show records' ``user:<id>`` actors in the console)."""
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.email).where(User.id.in_(sorted(ids))))
    return {int(i): str(e) for i, e in rows}


def disable(session: Session, email: str, *, now: datetime) -> User:
    """Disable an account: its sessions stop working at their next request.

    Raises:
        NotFound: no account has that email.
    """
    user = by_email(session, email)
    if user is None:
        raise NotFound("No account has this email.")
    if user.disabled_at is None:
        user.disabled_at = now
    return user


# --- wrong passwords in a row (the database counter; Redis has its own) -------


def failures(session: Session, key: str) -> tuple[int, datetime | None]:
    row = session.execute(
        select(LoginFailure.failures, LoginFailure.last_failure_at).where(LoginFailure.key == key)
    ).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def add_failure(session: Session, key: str, *, now: datetime) -> int:
    """Count one more wrong password for ``key``; return the count."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(LoginFailure).values(key=key, failures=1, last_failure_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={"failures": LoginFailure.failures + 1, "last_failure_at": now},
    )
    session.execute(stmt)
    return failures(session, key)[0]


def clear_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys)))
