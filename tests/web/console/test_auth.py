"""Console sign-in: accounts from the CLI, sessions, CSRF, throttling, sign-out, disabling."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from click.testing import CliRunner

from screening.cli import main
from screening.store.models.users import User
from tests.web.console.helpers import PASSWORD, csrf_token, make_user, post_form, sign_in

PAGES = [
    "/console/",
    "/console/reviews",
    "/console/reviews/rr_anything",
    "/console/rules",
    "/console/rules/candidates/new",
    "/console/rules/simulate",
    "/console/rules/shadow",
    "/console/lists",
    "/console/dashboard",
    "/console/dpo",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_console_page_without_a_session_redirects_to_login(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_a_post_without_a_session_redirects_too_and_changes_nothing(client: Any) -> None:
    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    response = client.post("/console/rules/rollback", data={"csrf_token": token, "version": "v1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")


def test_an_analyst_made_by_the_cli_signs_in_and_out(
    client: Any, cli_env: dict[str, str], runtime: Any
) -> None:
    make_user(cli_env, "ana@example.test")
    response = sign_in(client, "ana@example.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/reviews"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/console/reviews")
    assert page.status_code == 200
    assert "ana@example.test" in page.get_data(as_text=True)

    out = post_form(client, "/console/reviews", "/console/logout", {})
    assert out.status_code == 302
    assert client.get("/console/reviews").status_code == 302
    with runtime.db.session() as session:
        row = session.query(User).one()
        assert row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash
        assert row.last_login_at is not None


def test_sign_in_goes_back_to_the_page_asked_for_but_never_outside(
    client: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "ana@example.test")
    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    form = {"email": "ana@example.test", "password": PASSWORD, "csrf_token": token}
    inside = client.post("/console/login?next=/console/lists", data=form)
    assert inside.headers["Location"] == "/console/lists"
    token = csrf_token(client.get("/console/login").get_data(as_text=True))
    outside = client.post(
        "/console/login?next=https://elsewhere.example/", data={**form, "csrf_token": token}
    )
    assert outside.headers["Location"] == "/console/reviews"


def test_a_form_post_without_the_csrf_token_is_refused(
    client: Any, cli_env: dict[str, str], runtime: Any
) -> None:
    make_user(cli_env, "ana@example.test")
    refused = client.post(
        "/console/login", data={"email": "ana@example.test", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert "not accepted" in refused.get_data(as_text=True)
    assert client.get("/console/reviews").status_code == 302  # not signed in

    sign_in(client, "ana@example.test")
    before = runtime.rules.current().version
    forged = client.post(
        "/console/rules/candidates/new", data={"source": "rules: []", "note": "forged"}
    )
    assert forged.status_code == 400
    wrong = client.post(
        "/console/rules/candidates/new",
        data={"source": "rules: []", "note": "forged", "csrf_token": "not-the-token"},
    )
    assert wrong.status_code == 400
    assert "No candidates yet" in client.get("/console/rules").get_data(as_text=True)
    assert runtime.rules.current().version == before


def test_the_json_api_needs_no_csrf_token(client: Any, screen_key: str) -> None:
    from tests.helpers import auth, signup

    response = client.post("/v1/screenings", json=signup(), headers=auth(screen_key))
    assert response.status_code == 201


def test_ten_wrong_passwords_in_a_row_throttle_the_account(
    client: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "ana@example.test")
    for _ in range(10):
        assert sign_in(client, "ana@example.test", "wrong password!").status_code == 401
    throttled = sign_in(client, "ana@example.test")  # even the right password
    assert throttled.status_code == 429
    assert "Too many wrong passwords" in throttled.get_data(as_text=True)
    assert client.get("/console/reviews").status_code == 302


def test_nine_wrong_passwords_then_the_right_one_start_the_count_again(
    client: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "ana@example.test")
    for _ in range(9):
        assert sign_in(client, "ana@example.test", "wrong password!").status_code == 401
    assert sign_in(client, "ana@example.test").status_code == 302
    post_form(client, "/console/reviews", "/console/logout", {})
    for _ in range(9):
        assert sign_in(client, "ana@example.test", "wrong password!").status_code == 401
    assert sign_in(client, "ana@example.test").status_code == 302


def test_ten_wrong_passwords_from_one_address_throttle_it_for_every_account(
    client: Any, cli_env: dict[str, str]
) -> None:
    make_user(cli_env, "bob@example.test")
    for n in range(10):
        assert sign_in(client, f"nobody{n}@example.test", "wrong password!").status_code == 401
    assert sign_in(client, "bob@example.test").status_code == 429


@pytest.mark.redis
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_throttling_is_counted_in_redis_when_configured(
    settings: dict[str, Any], cli_env: dict[str, str], redis_url: str
) -> None:
    from screening.app import create_app

    app = create_app({**settings, "redis_url": redis_url})
    try:
        client = app.test_client()
        make_user(cli_env, "ana@example.test")
        for _ in range(10):
            assert sign_in(client, "ana@example.test", "wrong password!").status_code == 401
        keys = app.extensions["screening"].velocity.client.keys("screening:login:*")
        assert len(keys) == 2  # the account and the address
        assert sign_in(client, "ana@example.test").status_code == 429
    finally:
        app.extensions["screening"].db.dispose()


def test_users_list_and_disable_end_a_session(client: Any, cli_env: dict[str, str]) -> None:
    make_user(cli_env, "ana@example.test")
    make_user(cli_env, "root@example.test", role="admin")
    listed = CliRunner().invoke(main, ["users", "list"], env=cli_env)
    assert listed.exit_code == 0
    assert "ana@example.test\tanalyst\tactive" in listed.output
    assert "root@example.test\tadmin\tactive" in listed.output
    sign_in(client, "ana@example.test")
    assert client.get("/console/reviews").status_code == 200

    disabled = CliRunner().invoke(main, ["users", "disable", "ana@example.test"], env=cli_env)
    assert disabled.exit_code == 0, disabled.output
    assert client.get("/console/reviews").status_code == 302
    assert sign_in(client, "ana@example.test").status_code == 401
    listed = CliRunner().invoke(main, ["users", "list"], env=cli_env)
    assert "ana@example.test\tanalyst\tdisabled" in listed.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "a@example.test", "--role", "analyst"], PASSWORD, "--password-stdin"),
        (["--email", "a@example.test", "--role", "analyst", "--password-stdin"], "short", "12"),
        (["--email", "not-an-email", "--role", "admin", "--password-stdin"], PASSWORD, "email"),
    ],
)
def test_users_create_refuses_what_it_cannot_accept(
    cli_env: dict[str, str], args: list[str], stdin: str, message: str, runtime: Any
) -> None:
    result = CliRunner().invoke(main, ["users", "create", *args], env=cli_env, input=stdin + "\n")
    assert result.exit_code != 0
    assert message in result.output
    with runtime.db.session() as session:
        assert session.query(User).count() == 0


def test_the_same_email_cannot_have_two_accounts(cli_env: dict[str, str]) -> None:
    make_user(cli_env, "ana@example.test")
    again = CliRunner().invoke(
        main,
        ["users", "create", "--email", "ANA@example.test", "--role", "admin", "--password-stdin"],
        env=cli_env,
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_an_analyst_cannot_open_admin_pages(client: Any, cli_env: dict[str, str]) -> None:
    make_user(cli_env, "ana@example.test")
    sign_in(client, "ana@example.test")
    assert client.get("/console/dpo").status_code == 403
    refused = post_form(client, "/console/rules", "/console/rules/rollback", {"version": "v1"})
    assert refused.status_code == 403


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("env", "secure"), [("test", False), ("production", True)])
def test_session_cookies_are_secure_outside_development_and_test(
    settings: dict[str, Any], env: str, secure: bool
) -> None:
    from screening.app import create_app

    overrides: dict[str, Any] = {**settings, "env": env}
    if env == "production":  # production refuses development-grade secrets and SQLite defaults
        overrides["audit_key"] = secrets.token_urlsafe(32)
        overrides["secret_key"] = secrets.token_urlsafe(32)
        overrides["hmac_keys"] = "p1:" + secrets.token_urlsafe(32)
        overrides["database_url"] = f"sqlite:///{settings['instance_path']}/production.db"
    app = create_app(overrides)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    finally:
        app.extensions["screening"].db.dispose()
