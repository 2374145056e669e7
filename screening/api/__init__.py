"""The HTTP API: one blueprint per resource, and the guards every request passes.

Guards run before a view: the URL's text first, then authentication, then the
body's size (streamed bodies too), depth, media type, JSON shape and text, so
views only ever see a JSON object of bounded size and depth holding storable text.
"""

from __future__ import annotations

import contextlib
import io
import socket
from typing import Any

from flask import Request, current_app, request
from flask_openapi3 import OpenAPI
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import get_content_length

from screening.api import (
    auth,
    breaches,
    decisions,
    errors,
    health,
    lists,
    ratelimit,
    reviews,
    rules,
    screenings,
    subjects,
)
from screening.api.intake import (
    check_depth,
    check_text,
    check_url_text,
    parse_json,
    read_streamed,
)
from screening.errors import (
    MalformedJSON,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    ValidationFailed,
)

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
RULE_SET_MAX_BYTES = 512 * 1024


_UNPARSED: Any = object()


class ApiRequest(Request):
    """A request whose JSON body the guard parses once, strictly; every reader gets that.

    The guard (:func:`_check_body`) parses a JSON body with :func:`parse_json` (no
    ``NaN``, bounded depth, storable text); request validation and the view then read
    the same object through ``get_json`` instead of parsing the bytes again.
    """

    parsed_body: Any = _UNPARSED

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if self.parsed_body is not _UNPARSED:
            return self.parsed_body
        return super().get_json(force=force, silent=silent, cache=cache)


def _check_url() -> None:
    """Refuse NUL and unpaired surrogates in the path, the query and the headers we read."""
    check_url_text(
        request.path,
        request.args.to_dict(flat=False),
        {"Idempotency-Key": request.headers.get("Idempotency-Key", "")},
    )


def _body_limit(view: Any) -> int:
    if getattr(view, "_accepts_yaml", False):
        # Rule-set documents are larger than signups (the shipped one is ~13 KB).
        request.max_content_length = RULE_SET_MAX_BYTES
        return RULE_SET_MAX_BYTES
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _bound_body_reads() -> None:
    """Give the body a read deadline, so a client that stalls mid-body frees its thread.

    gunicorn's threads read the body blocking and without a deadline; a client that
    sends headers and one byte of a 1,000-byte body would hold a thread until it
    gave up. Each read now waits at most ``SCREENING_BODY_TIMEOUT`` seconds.
    """
    sock = request.environ.get("gunicorn.socket")
    if sock is not None:
        sock.settimeout(current_app.extensions["screening"].settings.body_timeout_seconds)


def _stop_reading() -> None:
    # The rest of a stalled body is never coming: without this, the server would try
    # to drain it before answering the next request on the connection.
    sock = request.environ.get("gunicorn.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


def _buffer_streamed_body(limit: int) -> None:
    """Read a chunked body here, bounded, so every later reader sees a sized body.

    Werkzeug would silently cut a streamed body at the limit (and the cut JSON then
    reads as malformed); reading it ourselves turns "too large" into a 413.
    """
    environ = request.environ
    if get_content_length(environ) is not None or "wsgi.input_terminated" not in environ:
        return
    try:
        data = read_streamed(environ["wsgi.input"], limit)
    except RequestTimeout:
        _stop_reading()
        raise
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    # Now a sized body: werkzeug ignores Content-Length while Transfer-Encoding is chunked.
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    del environ["wsgi.input_terminated"]


def _check_body() -> None:
    """Refuse bodies that are too large, too deep, not JSON (or YAML where allowed), not an
    object, or holding text no database stores (NUL, unpaired surrogates)."""
    if request.method not in BODY_METHODS or request.endpoint is None:
        return
    if request.blueprint == "console":
        return  # HTML forms, guarded by the console's own CSRF and size checks
    view = current_app.view_functions.get(request.endpoint)
    limit = _body_limit(view)
    length = get_content_length(request.environ)
    if length is not None and length > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    _bound_body_reads()
    _buffer_streamed_body(limit)
    try:
        data = request.get_data(cache=True)
    except ClientDisconnected as exc:
        _stop_reading()
        raise RequestTimeout() from exc
    if not data:
        if request.mimetype and request.mimetype != "application/json":
            raise UnsupportedMediaType()
        return
    if request.mimetype in YAML_TYPES and getattr(view, "_accepts_yaml", False):
        check_depth(data)  # flow-style YAML nests with brackets too
        if b"\x00" in data:
            raise ValidationFailed(
                "The rule set contains a NUL character.",
                fields=[{"field": "body", "problem": "contains a NUL character"}],
            )
        return  # the parsed document's text is checked where it is parsed (api/rules.py)
    if request.mimetype != "application/json":
        allowed = (
            "application/json or application/yaml"
            if getattr(view, "_accepts_yaml", False)
            else "application/json"
        )
        raise UnsupportedMediaType(f"Send the body as Content-Type: {allowed}.")
    parsed = parse_json(data)
    if not isinstance(parsed, dict):
        raise MalformedJSON("The request body must be a JSON object.")
    check_text(parsed)
    if isinstance(request, ApiRequest):
        request.parsed_body = parsed


def register(app: OpenAPI) -> None:
    """Install guards, error handlers and every blueprint on ``app``; build its document."""
    app.request_class = ApiRequest
    errors.register(app)
    app.before_request(_check_url)
    app.before_request(auth.guard)
    app.before_request(_check_body)
    app.after_request(ratelimit.add_headers)
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
