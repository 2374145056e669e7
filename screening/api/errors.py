"""One handler renders every error as ``{"error": {"code", "message", "fields"?}}``."""

from __future__ import annotations

import logging
from typing import Any, cast

from flask import Flask, Response, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from screening import errors

log = logging.getLogger("screening.api")

_HTTP = {
    400: errors.ApiError,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    408: errors.RequestTimeout,
    409: errors.Conflict,
    413: errors.PayloadTooLarge,
    415: errors.UnsupportedMediaType,
    429: errors.RateLimited,
}


def render(error: errors.ScreeningError) -> Response:
    response = jsonify(error.to_dict())
    response.status_code = error.status_code
    for name, value in error.headers.items():
        response.headers[name] = value
    if error.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="screening"')
    return response


def pydantic_fields(exc: ValidationError) -> list[dict[str, Any]]:
    """Name each invalid field (dotted path) and the problem, never the submitted value."""
    out = []
    for item in exc.errors(include_input=False, include_url=False):
        loc = [str(p) for p in item.get("loc", ()) if p != "body"]
        out.append({"field": ".".join(loc) or "body", "problem": item.get("msg", "invalid")})
    return out


def validation_error_response(exc: ValidationError) -> Response:
    """flask-openapi3's callback: a 422 naming every invalid field."""
    fields = pydantic_fields(exc)
    names = ", ".join(dict.fromkeys(f["field"] for f in fields))
    return render(errors.ValidationFailed(f"Invalid or missing fields: {names}.", fields=fields))


def register(app: Flask) -> None:
    @app.errorhandler(errors.ScreeningError)
    def _ours(exc: errors.ScreeningError) -> Response:
        if exc.status_code >= 500:
            log.error("request failed", extra={"error_code": exc.code}, exc_info=exc)
        return render(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if exc.response is not None:
            # Already rendered, e.g. by validation_error_response.
            return cast(Response, exc.response)
        cls = _HTTP.get(exc.code or 400, errors.ApiError)
        error = cls()
        if exc.code == 413:
            error = errors.PayloadTooLarge("The request body is larger than the limit.")
        elif exc.code not in _HTTP and exc.code and exc.code < 500:
            error = errors.ApiError(exc.description or "Bad request.")
            error.status_code = exc.code
        response = render(error)
        valid_methods = getattr(exc, "valid_methods", None)
        if exc.code == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.error("unexpected error", extra={"error_code": "internal"}, exc_info=exc)
        return render(errors.ScreeningError("An internal error occurred."))
