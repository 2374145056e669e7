"""Public endpoints: liveness, readiness, metrics, the policy and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect
from flask_openapi3 import APIBlueprint, Tag

from screening import metrics
from screening.api.responses import (
    METRICS,
    REDIRECT,
    Liveness,
    OpenAPIDocument,
    PolicyDocument,
    Readiness,
)
from screening.runtime import Runtime

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="service")])


@bp.get("/healthz", responses={200: Liveness})
def healthz() -> Any:
    """Liveness: the process answers (no I/O)."""
    return {"status": "ok"}


@bp.get("/readyz", responses={200: Readiness, 503: Readiness})
def readyz() -> Any:
    """Readiness: every configured dependency answers (database, Redis), rules and model loaded.

    Answers 503 ``not_ready`` (with ``Retry-After``) naming what is missing, so a load
    balancer stops sending screenings that would fail.
    """
    runtime: Runtime = current_app.extensions["screening"]
    checks: dict[str, str] = {"policy": runtime.policy.version}
    ready = True
    checks["model"] = runtime.model_version if runtime.model is not None else "unavailable"
    ready &= runtime.model is not None
    if runtime.db.ping():
        checks["database"] = "ok"
        try:
            checks["rules"] = runtime.rules.current().version
        except Exception:  # noqa: BLE001 - readiness reports, it never raises
            checks["rules"] = "unavailable"
            ready = False
    else:
        checks["database"] = "unavailable"
        checks["rules"] = "unknown"
        ready = False
    if runtime.settings.redis_url:
        redis_ok = runtime.rate_limits.ping()
        checks["redis"] = "ok" if redis_ok else "unavailable"
        ready &= redis_ok
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    if ready:
        return body, 200
    return body, 503, {"Retry-After": "5"}


@bp.get("/metrics", responses={200: METRICS})
def metrics_endpoint() -> Any:
    """Prometheus metrics (no personal data in any label)."""
    runtime: Runtime = current_app.extensions["screening"]
    body, content_type = metrics.render(runtime.state_gauges)
    return Response(body, content_type=content_type)


@bp.get("/v1/policy", responses={200: PolicyDocument})
def policy() -> Any:
    """The privacy policy the service enforces, as JSON."""
    runtime: Runtime = current_app.extensions["screening"]
    return runtime.policy.to_json()


@bp.get("/openapi.json", responses={200: OpenAPIDocument})
def openapi_json() -> Any:
    """The OpenAPI 3 document."""
    return current_app.api_doc  # type: ignore[attr-defined]


@bp.get("/docs", responses={302: REDIRECT})
def docs() -> Any:
    """Interactive API documentation (Swagger UI from packaged assets)."""
    return redirect("/docs/swagger", code=302)
