"""A small client for a signup backend: screen, show field messages, pass the contest link on.

Standard library only, so a host can copy the idea into any backend::

    client = ScreeningClient("https://screening.internal", api_key)
    check = client.screen(form, dry_run=True)          # as the person types: records nothing
    messages = field_messages(check)                    # {"email": ["Please check ..."]}
    check["suggestions"]                                # {"email": "maria@gmail.com"}
    decision = client.screen(form, idempotency_key=signup_id)   # on submit: recorded
    link = contest_link("https://screening.example", decision)   # give it to the person

The API key (scope ``screen``) stays on the server: never send it to a browser.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

# Reason fields that the form shows next to one of its inputs; "signup" and "name" are
# about the whole form or both name inputs.
FORM_FIELDS = ("first_name", "last_name", "name", "email", "phone", "address", "date_of_birth")


class ScreeningError(Exception):
    """The service answered with an error: ``status``, ``code`` and the fields it names."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        error = body.get("error") or {}
        self.status = status
        self.code = str(error.get("code", "error"))
        self.fields = list(error.get("fields") or [])
        super().__init__(f"{status} {self.code}: {error.get('message', '')}")


class ScreeningClient:
    """Call ``POST /v1/screenings`` with an API key of scope ``screen``."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def screen(
        self,
        signup: Mapping[str, Any],
        *,
        language: str | None = None,
        accept_language: str | None = None,
        dry_run: bool = False,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Screen a signup; with ``dry_run`` nothing is recorded and no token comes back.

        Args:
            signup: the form's fields (first_name, last_name, email, phone, address...).
            language: the person's language (en, nl, fr, de), stored as their preference.
            accept_language: the person's browser header, passed on when no language is set.
            dry_run: screen for live validation only.
            idempotency_key: the host's own id of this signup, so a retry is safe.
        """
        body = dict(signup)
        if language:
            body["language"] = language
        if dry_run:
            body["dry_run"] = True
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if accept_language:
            headers["Accept-Language"] = accept_language
        if idempotency_key and not dry_run:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(
            f"{self.base_url}/v1/screenings",
            data=json.dumps(body).encode(),
            method="POST",
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            raise ScreeningError(exc.code, answer if isinstance(answer, dict) else {}) from exc


def field_messages(answer: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return the reasons' messages by the form field they concern ("signup": the whole form)."""
    out: dict[str, list[str]] = {}
    for reason in answer.get("reasons") or []:
        field = reason.get("field") if reason.get("field") in FORM_FIELDS else "signup"
        out.setdefault(str(field), []).append(str(reason.get("message", "")))
    return out


def contest_link(page_base: str, decision: Mapping[str, Any]) -> str:
    """Return the customer's link to their decision page (id and token in the fragment).

    The fragment never reaches a server or an access log; send the link to the person
    (by email or on the confirmation page) and do not store the token.
    """
    return (
        f"{page_base.rstrip('/')}/contest#decision={quote(str(decision['decision_id']))}"
        f"&token={quote(str(decision['contest_token']))}"
    )
