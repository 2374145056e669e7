"""The customer's page: read an automated decision and ask for a human review.

The contest link carries the decision id and token in the URL *fragment*
(``/contest#decision=...&token=...``), which browsers never send to a server,
so neither ends up in an access log; the page's script sends the token as a
Bearer credential, like any API client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response

from screening.web import console

STATIC = Path(__file__).resolve().parent / "static"
bp = Blueprint("web", __name__, static_folder=str(STATIC), static_url_path="/static/web")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


PAGE = (STATIC / "contest.html").read_bytes()


@bp.get("/contest")
def contest_page() -> Any:
    return Response(PAGE, mimetype="text/html", headers=SECURITY_HEADERS)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    console.register(app)
