"""Credentials: API keys with scopes, and contest tokens, both as ``Authorization: Bearer``.

Views declare what they need with :func:`requires`; :func:`guard` checks it
before the body is even read, so a stranger never learns how a body is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from screening.errors import Forbidden, Unauthorized
from screening.store.keys import PREFIX, Principal

F = TypeVar("F", bound=Callable[..., Any])


def requires(*scopes: str, contest_token: bool = False) -> Callable[[F], F]:
    """Mark a view as needing a key with any of ``scopes`` (or, if allowed, a contest token).

    The marker is an attribute, not a wrapper, so flask-openapi3 still sees the
    view's signature.
    """

    def mark(func: F) -> F:
        func.__dict__["_scopes"] = frozenset(scopes)
        func.__dict__["_contest_token"] = contest_token
        return func

    return mark


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()


def guard() -> None:
    """Authenticate the request for the view it routes to (a ``before_request`` hook).

    Raises:
        Unauthorized: no credential, or an unknown or revoked key.
        Forbidden: the key lacks every scope the view accepts.
    """
    g.principal = None
    g.contest_token = None
    view = current_app.view_functions.get(request.endpoint or "")
    scopes: frozenset[str] | None = getattr(view, "_scopes", None)
    if not scopes:
        return
    credential = bearer()
    if credential is None:
        raise Unauthorized()
    if not credential.startswith(PREFIX):
        if getattr(view, "_contest_token", False):
            g.contest_token = credential
            return
        raise Unauthorized()
    # Cached for a few seconds (SCREENING_KEY_CACHE_SECONDS): revocation shows within them.
    principal = current_app.extensions["screening"].principals.find(credential)
    if principal is None:
        raise Unauthorized("The API key is unknown or revoked.")
    if not (principal.scopes & scopes):
        raise Forbidden(f"This endpoint needs a key with scope {' or '.join(sorted(scopes))}.")
    g.principal = principal


def principal() -> Principal:
    """Return the authenticated key of this request (views marked with :func:`requires`)."""
    p: Principal | None = g.get("principal")
    if p is None:
        raise Unauthorized()
    return p
