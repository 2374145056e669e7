"""The HTTP API: one blueprint per resource, and the guards every request passes.

Guards run before a view: authentication first, then the body's size, media
type and JSON shape, so views only ever see a JSON object of bounded size.
"""

from __future__ import annotations

import json

from flask import current_app, request
from flask_openapi3 import OpenAPI

from screening.api import (
    auth,
    breaches,
    decisions,
    errors,
    health,
    lists,
    reviews,
    rules,
    screenings,
    subjects,
)
from screening.errors import MalformedJSON, PayloadTooLarge, UnsupportedMediaType

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
RULE_SET_MAX_BYTES = 512 * 1024


def _check_body() -> None:
    """Refuse bodies that are too large, not JSON (or YAML where allowed), or not an object."""
    if request.method not in BODY_METHODS or request.endpoint is None:
        return
    if request.blueprint == "console":
        return  # HTML forms, guarded by the console's own CSRF and size checks
    view = current_app.view_functions.get(request.endpoint)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if getattr(view, "_accepts_yaml", False):
        # Rule-set documents are larger than signups (the shipped one is ~13 KB).
        limit = RULE_SET_MAX_BYTES
        request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    data = request.get_data(cache=True)
    if not data:
        if request.mimetype and request.mimetype != "application/json":
            raise UnsupportedMediaType()
        return
    if request.mimetype in YAML_TYPES and getattr(view, "_accepts_yaml", False):
        return
    if request.mimetype != "application/json":
        allowed = (
            "application/json or application/yaml"
            if getattr(view, "_accepts_yaml", False)
            else "application/json"
        )
        raise UnsupportedMediaType(f"Send the body as Content-Type: {allowed}.")
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON("The request body is not valid JSON.") from exc
    if not isinstance(parsed, dict):
        raise MalformedJSON("The request body must be a JSON object.")


def register(app: OpenAPI) -> None:
    """Install guards, error handlers and every blueprint on ``app``; build its document."""
    errors.register(app)
    app.before_request(auth.guard)
    app.before_request(_check_body)
    for module in (screenings, decisions, reviews, rules, lists, subjects, breaches, health):
        app.register_api(module.bp)
    _document(app)


def _document(app: OpenAPI) -> None:
    """Build /openapi.json once, keeping only the 422 answers views declare.

    flask-openapi3 adds a 422 (as an array) to every operation that does not
    declare one; operations without parameters or body never answer 422, and
    those with them declare it in the one error shape.
    """
    app.generate_spec_json()
    status = str(app.validation_error_status)
    for path_item in app.spec_json["paths"].values():
        for operation in path_item.values():
            answer = operation.get("responses", {}).get(status, {})
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("type") == "array":
                del operation["responses"][status]
