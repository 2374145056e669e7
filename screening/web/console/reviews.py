"""The review queue and the case page: claim and resolve as the signed-in person."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from screening.errors import Conflict
from screening.service import review_queue as service
from screening.store.review_queue import SOURCES
from screening.store.reviews import STATUSES
from screening.web.console.blueprint import bp, runtime
from screening.web.console.forms import ResolveForm


@bp.get("/reviews")
def queue() -> Any:
    status = request.args.get("status") or None
    source = request.args.get("source") or None
    overdue = request.args.get("overdue") == "1"
    status = status if status in STATUSES else None
    source = source if source in SOURCES else None
    filters = {"status": status, "source": source, "overdue": overdue}
    items = service.queue(runtime(), status=status, source=source, overdue=overdue)
    return render_template(
        "console/queue.html", items=items, filters=filters, statuses=STATUSES, sources=SOURCES
    )


@bp.post("/reviews/<review_request_id>/claim")
def claim(review_request_id: str) -> Any:
    try:
        service.claim(runtime(), current_user, review_request_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash("You took this case.", "ok")
    return redirect(url_for("console.case", review_request_id=review_request_id))


@bp.route("/reviews/<review_request_id>", methods=["GET", "POST"])
def case(review_request_id: str) -> Any:
    form = ResolveForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                service.resolve(
                    runtime(),
                    current_user,
                    review_request_id,
                    outcome=form.outcome.data or "",
                    note=form.note.data or "",
                    label=form.label.data or None,
                )
            except Conflict as exc:
                flash(exc.message, "error")
            else:
                flash("The case is resolved; the customer is told.", "ok")
                return redirect(url_for("console.case", review_request_id=review_request_id))
        status = 422
    item = service.case(runtime(), review_request_id)
    return render_template("console/case.html", case=item, form=form), status
