"""Rate limits that protect without locking anyone out.

- Customer endpoints (customer view, contest): every request counts against the
  client's address (a keyed pseudonym of it, never the address itself; behind
  proxies, the address ``SCREENING_TRUSTED_PROXIES`` hops back). A request with a
  *wrong* token also counts against the decision it names. A right token is only
  ever refused by its own client's bucket: wrong guesses from elsewhere cannot
  lock its holder out.
- ``POST /v1/screenings``: per API key, only when ``SCREENING_SCREEN_RATE_LIMIT``
  is set (one signup backend sends every registration with one key).

Answers carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``
(seconds; the IETF httpapi draft's fields) for the tightest bucket that applied, and
a 429 carries ``Retry-After``. Counting lives in :mod:`screening.store.ratelimit`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, request

from screening.errors import RateLimited
from screening.store.ratelimit import Window

WINDOW = 60


def _client(runtime: Any) -> str:
    return str(runtime.pseudonyms.make("client", request.remote_addr or "unknown"))


def _note(window: Window) -> None:
    """Keep the tightest bucket of this request for the response headers."""
    current: Window | None = g.get("rate_limit")
    if current is None or window.remaining < current.remaining:
        g.rate_limit = window


def _refuse(window: Window) -> RateLimited:
    retry = window.reset_in()
    return RateLimited(
        "Too many requests; try again later.",
        headers={"Retry-After": str(retry), **headers(window)},
    )


def headers(window: Window) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(window.limit),
        "RateLimit-Remaining": str(window.remaining),
        "RateLimit-Reset": str(window.reset_in()),
    }


def limit_customer(runtime: Any, decision_id: str, *, token_ok: bool) -> None:
    """Count a customer-endpoint request; refuse with 429 past the configured rate.

    Args:
        decision_id: the decision the request names.
        token_ok: whether the presented token opens that decision (checked first, in
            constant work, so a right token is never held to the wrong ones' bucket).

    Raises:
        RateLimited: with ``Retry-After`` and ``RateLimit-*`` headers.
    """
    limit = runtime.settings.customer_rate_limit_per_minute
    if limit <= 0:
        return
    store = runtime.rate_limits
    client = store.hit(f"c:{_client(runtime)}", limit, WINDOW)
    _note(client)
    if client.exceeded:
        raise _refuse(client)
    if not token_ok:
        # Only failures count against the decision: guessing is slowed for everyone,
        # the holder of the right token is not.
        failures = store.hit(f"d:{decision_id[:64]}", limit, WINDOW)
        _note(failures)
        if failures.exceeded:
            raise _refuse(failures)


def limit_screening(runtime: Any, key_id: int) -> None:
    """Count a screening against its API key when the operator set a limit.

    Raises:
        RateLimited: with ``Retry-After`` and ``RateLimit-*`` headers.
    """
    limit = runtime.settings.screen_rate_limit_per_minute
    if limit <= 0:
        return
    window = runtime.rate_limits.hit(f"k:{key_id}", limit, WINDOW)
    _note(window)
    if window.exceeded:
        raise _refuse(window)


def add_headers(response: Response) -> Response:
    """Copy this request's tightest bucket onto the response (an ``after_request`` hook)."""
    window: Window | None = g.get("rate_limit")
    if window is not None:
        for name, value in headers(window).items():
            response.headers.setdefault(name, value)
    return response
