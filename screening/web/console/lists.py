"""Block and allow lists: entries with expiry, their change log; admins change them."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from screening.errors import Conflict, NotFound, ValidationFailed
from screening.service import lists as service
from screening.web.console.blueprint import admin_required, bp, runtime
from screening.web.console.forms import ListEntryForm


@bp.get("/lists")
def lists() -> Any:
    return render_template(
        "console/lists.html", data=service.overview(runtime()), form=ListEntryForm()
    )


@bp.post("/lists/entries")
@admin_required
def list_add() -> Any:
    form = ListEntryForm()
    if not form.validate():
        problems = "; ".join(f"{form[name].label.text}: {e[0]}" for name, e in form.errors.items())
        flash(f"Not added: {problems}", "error")
        return redirect(url_for("console.lists"))
    try:
        entry_id = service.add_entry(
            runtime(),
            current_user,
            list_name=form.list_name.data or "",
            kind=form.kind.data or "",
            value=form.value.data or "",
            reason=form.reason.data or "",
            expires_at=form.expires_at.data,
        )
    except (ValidationFailed, Conflict) as exc:
        flash(f"Not added: {exc.message}", "error")
    else:
        flash(f"Entry {entry_id} added.", "ok")
    return redirect(url_for("console.lists"))


@bp.post("/lists/entries/<int:entry_id>/remove")
@admin_required
def list_remove(entry_id: int) -> Any:
    try:
        service.remove_entry(runtime(), current_user, entry_id)
    except NotFound as exc:
        flash(exc.message, "error")
    else:
        flash(f"Entry {entry_id} removed.", "ok")
    return redirect(url_for("console.lists"))
