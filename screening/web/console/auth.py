"""Console sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from screening.errors import RateLimited, Unauthorized
from screening.service.users import sign_in
from screening.web.console.blueprint import bp, runtime, safe_next
from screening.web.console.forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            person = sign_in(
                runtime(),
                email=form.email.data or "",
                password=form.password.data or "",
                address=request.remote_addr or "unknown",
            )
        except RateLimited as exc:
            error, status = exc.message, 429
        except Unauthorized as exc:
            error, status = exc.message, 401
        else:
            target = safe_next(request.args.get("next"))
            session.clear()  # a fresh session (and CSRF token) for the signed-in person
            session.permanent = True
            login_user(person)
            return redirect(target)
    elif request.method == "POST":
        error, status = "Enter your email and password.", 400
    return render_template("console/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Any:
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
def home() -> Any:
    return redirect(url_for("console.queue"))
