"""The dashboard: outcomes, rates, rule hits, scores, review backlog, time to resolution."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from screening.service.dashboard import figures
from screening.web.console.blueprint import bp, runtime


@bp.get("/dashboard")
def dashboard() -> Any:
    days = request.args.get("days", "14")
    chosen = int(days) if days in ("7", "14", "30", "90") else 14
    return render_template("console/dashboard.html", f=figures(runtime(), days=chosen))
