"""DPO pages (admins): rights requests with due dates; the breach register and its
72-hour countdown, notifications, and the customer notices queued for a breach."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from screening.errors import Conflict, ValidationFailed
from screening.service import dpo as service
from screening.web.console.blueprint import admin_required, bp, runtime
from screening.web.console.forms import NotifiedForm


@bp.get("/dpo")
@admin_required
def dpo() -> Any:
    return render_template(
        "console/dpo.html",
        requests=service.rights_requests(runtime()),
        breaches=service.breaches(runtime()),
    )


@bp.get("/dpo/breaches/<breach_id>")
@admin_required
def breach(breach_id: str) -> Any:
    return render_template(
        "console/breach.html", b=service.breach(runtime(), breach_id), form=NotifiedForm()
    )


@bp.post("/dpo/breaches/<breach_id>/notified")
@admin_required
def breach_notified(breach_id: str) -> Any:
    form = NotifiedForm()
    who = request.form.get("who", "")
    if not form.validate():
        flash("Give the time as a date and time, or leave it empty for now.", "error")
        return redirect(url_for("console.breach", breach_id=breach_id))
    record = (
        service.record_customers_notified
        if who == "customers"
        else service.record_authority_notified
    )
    try:
        record(runtime(), current_user, breach_id, form.at.data)
    except (Conflict, ValidationFailed) as exc:
        flash(exc.message, "error")
    else:
        flash("Recorded.", "ok")
    return redirect(url_for("console.breach", breach_id=breach_id))


@bp.post("/dpo/breaches/<breach_id>/notices")
@admin_required
def breach_notices(breach_id: str) -> Any:
    action = request.form.get("action", "")
    try:
        moved = service.move_notices(runtime(), breach_id, action)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        done = {"hold": "held", "release": "released", "cancel": "cancelled"}.get(action)
        flash(f"{moved} notice(s) {done}.", "ok")
    return redirect(url_for("console.breach", breach_id=breach_id))
