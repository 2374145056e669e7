"""The customer's page: read an automated decision and ask for a human review.

The contest link carries the decision id and token in the URL *fragment*
(``/contest#decision=...&token=...``), which browsers never send to a server,
so neither ends up in an access log; the page's script sends the token as a
Bearer credential, like any API client.

The page is rendered in one of four languages: ``?lang=`` (the person's choice on
the page), else ``Accept-Language``, else English. Its script then reads the
decision; when the screening stored another language and the person chose none,
it reloads the page in that language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from screening.core import i18n
from screening.core.i18n.messages import N_
from screening.web import console

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
bp = Blueprint("web", __name__, static_folder=str(STATIC), static_url_path="/static/web")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Vary": "Accept-Language",
}
# Each language named in itself, so a person finds their own.
LANGUAGE_NAMES = (("en", "English"), ("nl", "Nederlands"), ("fr", "Français"), ("de", "Deutsch"))

# What the page's script writes, by key ({placeholders} are filled in by the script).
SCRIPT_STRINGS: dict[str, str] = {
    "outcome.approve": N_("approved"),
    "outcome.review": N_("held for a review by our team"),
    "outcome.decline": N_("declined"),
    "state.approved.title": N_("Your registration is approved"),
    "state.approved.text": N_("You do not need to do anything."),
    "state.held.title": N_("Your registration is waiting for a person"),
    "state.held.text": N_(
        "Some details need a closer look, so a member of our team will review your "
        "registration. You do not need to do anything, but you can add your point of view "
        "or correct your details below."
    ),
    "state.declined.title": N_("Your registration was declined"),
    "state.declined.text": N_(
        "You have the right to ask for a person to review this decision, to state your "
        "point of view and to correct your details."
    ),
    "state.under_review.title": N_("A person is reviewing your registration"),
    "state.under_review.text": N_("We received your request and will answer by {due_by}."),
    "state.resolved.title": N_("Our team has reviewed your registration"),
    "state.resolved.text": N_("Their decision: your registration is {outcome}."),
    "state.gone.title": N_("This link no longer opens a decision"),
    "state.gone.text": N_(
        "The link is incomplete, or the decision's data has been deleted: we keep it only "
        "for a limited time, and you may have asked us to erase it. Our support team can "
        "help you."
    ),
    "automated": N_("This decision was made automatically."),
    "human": N_("A member of our team reviewed the automated decision ({automated})."),
    "no_reasons": N_("No problem was found with your details."),
    "no_note": N_("Our team added no note."),
    "problem.429": N_("Too many attempts. Please try again in a minute."),
    "problem.409": N_("A review of this decision is already open or complete."),
    "problem.other": N_("Something went wrong. Please try again later."),
    "sent": N_("Thank you. A person will review the decision and answer by {due_by}."),
}


@lru_cache(maxsize=len(i18n.LANGUAGES))
def _environment(language: str) -> Environment:
    """One template environment per language, its gettext bound once (thread-safe)."""
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


@lru_cache(maxsize=len(i18n.LANGUAGES))
def render_page(language: str) -> bytes:
    """Return the contest page in ``language`` (rendered once per process)."""
    strings = {key: i18n.gettext(language, text) for key, text in SCRIPT_STRINGS.items()}
    template = _environment(language).get_template("contest.html")
    html = template.render(language=language, languages=LANGUAGE_NAMES, strings=strings)
    return html.encode()


@bp.get("/contest")
def contest_page() -> Any:
    language = i18n.choose(
        request.args.get("lang"), accept_language=request.headers.get("Accept-Language")
    )
    return Response(render_page(language), mimetype="text/html", headers=SECURITY_HEADERS)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    console.register(app)
