"""The analysts' console under ``/console``: server-rendered pages for named people.

Login, the review queue and case page, the rules workbench (maker-checker), lists,
the dashboard and, for admins, the DPO pages. Templates and the stylesheet ship in
the package; nothing is loaded from elsewhere.
"""

from __future__ import annotations

from flask import Flask

from screening.service.users import load_person
from screening.web.console import auth, dashboard, dpo, lists, reviews, rules  # noqa: F401
from screening.web.console.blueprint import bp, csrf, login_manager, runtime


def register(app: Flask) -> None:
    """Mount the console: sessions in signed cookies, CSRF for its forms only."""
    settings = app.extensions["screening"].settings
    app.config.update(
        SESSION_COOKIE_NAME="screening_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.env not in ("development", "test"),
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the console's own guard only
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda user_id: load_person(runtime(), user_id))
    app.register_blueprint(bp)
