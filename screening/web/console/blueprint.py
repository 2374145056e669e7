"""The console's blueprint, its session and CSRF guards, and its HTML error pages.

Every console page needs a signed-in person (Flask-Login, in Flask's signed session
cookie); without one it redirects to the login page. Every form post must carry the
session's CSRF token (Flask-WTF), checked here for this blueprint only: the JSON API,
authenticated by bearer tokens, is not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from screening.errors import ScreeningError
from screening.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
csrf = CSRFProtect()
login_manager = LoginManager()
# Rule-set texts are larger than signups; the form's own limit.
FORM_MAX_BYTES = 600 * 1024
OPEN_ENDPOINTS = frozenset({"console.login", "console.static"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def runtime() -> Runtime:
    return cast(Runtime, current_app.extensions["screening"])


@bp.before_request
def _guard() -> Any:
    request.max_content_length = FORM_MAX_BYTES
    if request.method == "POST":
        csrf.protect()
    if request.endpoint not in OPEN_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def admin_required(view: F) -> F:
    """Refuse a view to anyone but an admin (403 page)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not getattr(current_user, "admin", False):
            return page_error(403, "This page is for admins.")
        return view(*args, **kwargs)

    return cast(F, wrapped)


def page_error(status: int, message: str) -> tuple[str, int]:
    return render_template("console/error.html", status=status, message=message), status


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError) -> Any:
    return page_error(
        400,
        "The form was not accepted: it expired or did not come from the console. "
        "Go back, reload the page and try again.",
    )


@bp.errorhandler(ScreeningError)
def _screening_error(exc: ScreeningError) -> Any:
    if exc.status_code >= 500:
        current_app.logger.error("console request failed", exc_info=exc)
        return page_error(500, "Something went wrong on our side.")
    return page_error(exc.status_code, exc.message)


@bp.app_template_filter("when")
def _when(value: Any) -> str:
    """Show a time as ``2026-11-23 09:00 UTC`` (dates as they are)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return str(value.strftime("%Y-%m-%d %H:%M UTC"))
    return str(value.isoformat() if hasattr(value, "isoformat") else value)


# How the console names a review case's source.
SOURCE_LABELS = {
    "automated": "automated hold",
    "customer": "customer contest",
    "linked": "linked to a held signup",
}


@bp.app_template_filter("case_source")
def _case_source(value: str) -> str:
    """Name a review case's source for analysts (``automated`` -> "automated hold")."""
    return SOURCE_LABELS.get(value, value)


def safe_next(target: str | None) -> str:
    """Return a redirect target inside the console only (no open redirects)."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.queue")
