"""The rules workbench: live set and history, candidates (maker-checker), backtest,
simulate, shadow report, rollback."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from screening.errors import Conflict, Forbidden, RuleSetError, ValidationFailed
from screening.service import rule_candidates as candidates
from screening.service import rules_workbench as workbench
from screening.web.console.blueprint import admin_required, bp, runtime
from screening.web.console.forms import BacktestForm, CandidateForm, DecisionNoteForm, SimulateForm


@bp.get("/rules")
def rules() -> Any:
    data = workbench.overview(runtime())
    pending = candidates.listing(runtime())
    return render_template("console/rules.html", data=data, candidates=pending)


def _editor(form: CandidateForm, *, candidate: dict[str, Any] | None, errors: list[Any]) -> Any:
    lines = (form.source.data or "").splitlines()
    bad = {int(e["line"]) for e in errors if e.get("line")}
    # The lines with problems and two on either side, to show each error at its rule.
    shown: list[tuple[int, str, bool] | None] = []
    for n, line in enumerate(lines, 1):
        if any(abs(n - b) <= 2 for b in bad):
            if shown and shown[-1] is not None and shown[-1][0] != n - 1:
                shown.append(None)  # a gap between two problems' lines
            shown.append((n, line, n in bad))
    return render_template(
        "console/candidate_edit.html",
        form=form,
        candidate=candidate,
        errors=errors,
        shown=shown,
    ), (422 if errors else 200)


@bp.route("/rules/candidates/new", methods=["GET", "POST"])
def candidate_new() -> Any:
    form = CandidateForm()
    if request.method == "GET":
        form.source.data = candidates.live_source(runtime())[1]
        return _editor(form, candidate=None, errors=[])
    if not form.validate():
        return _editor(
            form, candidate=None, errors=[{"rule": None, "problem": "Write a rule set."}]
        )
    try:
        candidate_id = candidates.create(
            runtime(), current_user, text=form.source.data or "", note=form.note.data or ""
        )
    except RuleSetError as exc:
        return _editor(form, candidate=None, errors=exc.errors or [{"problem": exc.message}])
    flash("Candidate saved. A second person must approve it before it goes live.", "ok")
    return redirect(url_for("console.candidate", candidate_id=candidate_id))


@bp.route("/rules/candidates/<candidate_id>/edit", methods=["GET", "POST"])
def candidate_edit(candidate_id: str) -> Any:
    form = CandidateForm()
    item = candidates.detail(runtime(), candidate_id)
    if request.method == "GET":
        form.source.data, form.note.data = item["source"], item["note"]
        return _editor(form, candidate=item, errors=[])
    try:
        candidates.update(
            runtime(),
            current_user,
            candidate_id,
            text=form.source.data or "",
            note=form.note.data or "",
        )
    except RuleSetError as exc:
        return _editor(form, candidate=item, errors=exc.errors or [{"problem": exc.message}])
    flash("Candidate updated.", "ok")
    return redirect(url_for("console.candidate", candidate_id=candidate_id))


@bp.get("/rules/candidates/<candidate_id>")
def candidate(candidate_id: str) -> Any:
    item = candidates.detail(runtime(), candidate_id)
    return render_template(
        "console/candidate.html",
        c=item,
        mine=item["author_id"] == current_user.id,
        note_form=DecisionNoteForm(),
        backtest_form=BacktestForm(),
    )


@bp.post("/rules/candidates/<candidate_id>/approve")
def candidate_approve(candidate_id: str) -> Any:
    form = DecisionNoteForm()
    try:
        version = candidates.approve(
            runtime(), current_user, candidate_id, note=form.note.data or ""
        )
    except (Forbidden, Conflict) as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.candidate", candidate_id=candidate_id))
    flash(f"Approved: {version} is live.", "ok")
    return redirect(url_for("console.rules"))


@bp.post("/rules/candidates/<candidate_id>/reject")
def candidate_reject(candidate_id: str) -> Any:
    form = DecisionNoteForm()
    try:
        candidates.reject(runtime(), current_user, candidate_id, note=form.note.data or "")
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash("Candidate rejected.", "ok")
    return redirect(url_for("console.candidate", candidate_id=candidate_id))


@bp.post("/rules/candidates/<candidate_id>/backtest")
def candidate_backtest(candidate_id: str) -> Any:
    form = BacktestForm()
    try:
        report = workbench.backtest(runtime(), candidate_id, since=form.since.data or "30d")
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.candidate", candidate_id=candidate_id))
    return render_template("console/backtest.html", report=report, candidate_id=candidate_id)


@bp.route("/rules/simulate", methods=["GET", "POST"])
def rule_simulate() -> Any:
    form = SimulateForm()
    candidate_id = request.args.get("candidate") or None
    result = None
    if request.method == "POST" and form.validate():
        payload = {
            name: form[name].data
            for name in ("first_name", "last_name", "email", "phone")
            if form[name].data
        }
        address = {
            name: form[name].data
            for name in ("line1", "city", "postal_code", "country")
            if form[name].data
        }
        if address:
            payload["address"] = address
        result = workbench.simulate(runtime(), payload, candidate_id=candidate_id)
    return render_template(
        "console/simulate.html", form=form, result=result, candidate_id=candidate_id
    )


@bp.get("/rules/shadow")
def rule_shadow() -> Any:
    since = request.args.get("since") or "7d"
    try:
        report = workbench.shadow(runtime(), since=since)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        report = workbench.shadow(runtime(), since="7d")
    return render_template("console/shadow.html", report=report, since=since)


@bp.post("/rules/rollback")
@admin_required
def rule_rollback() -> Any:
    version = request.form.get("version", "")
    try:
        label = workbench.rollback(runtime(), current_user, version)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(f"Rolled back: {label} (a copy of {version}) is live.", "ok")
    return redirect(url_for("console.rules"))
