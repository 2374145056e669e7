"""Helpers for console tests: people made with `screening users create`, signing in, tokens."""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner

from screening.cli import main
from tests.helpers import auth, signup

PASSWORD = "a long test passphrase"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_user(cli_env: dict[str, str], email: str, role: str = "analyst") -> int:
    """Create an account through the CLI (the operator's way); return its number."""
    result = CliRunner().invoke(
        main,
        ["users", "create", "--email", email, "--role", role, "--password-stdin"],
        env=cli_env,
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"#(\d+)", result.output)
    assert match, result.output
    return int(match.group(1))


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1) or match.group(2)


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.get_data(True))},
    )


def post_form(client: Any, page_path: str, action: str, data: dict[str, str]) -> Any:
    """Post a console form with the CSRF token read from ``page_path``."""
    token = csrf_token(client.get(page_path).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})


def held(client: Any, screen_key: str) -> dict[str, Any]:
    """Screen a signup the shipped rules hold for review (an email without a domain)."""
    response = client.post(
        "/v1/screenings", json=signup(email="marie.dubois.example.be"), headers=auth(screen_key)
    )
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()
    assert data["outcome"] == "review", data
    return data


def contested(client: Any, decision: dict[str, Any]) -> str:
    """The customer asks for a review (before automated cases exist, this opens the case)."""
    response = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "My address has no domain, this is a test of the console."},
        headers=auth(decision["contest_token"]),
    )
    assert response.status_code in (200, 201), response.get_json()
    return str(response.get_json()["review_request_id"])
