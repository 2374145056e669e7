"""Structured JSON logs that carry ids and outcomes, never personal data.

Only the keys in ``ALLOWED_FIELDS`` are copied from a record's ``extra``;
anything else a caller passes is dropped, so a careless ``extra={"email": ...}``
cannot leak. Exceptions are logged by type and location, without their message
(library messages can quote input values).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

ALLOWED_FIELDS = frozenset(
    {
        "decision_id",
        "outcome",
        "score",
        "latency_ms",
        "status",
        "method",
        "route",
        "rules_version",
        "model_version",
        "policy_version",
        "error_code",
        "rule_id",
        "rule_ids",
        "review_request_id",
        "count",
        "api_key_id",
        "event",
        "version",
        "breach_id",
        "request_id",
        "right",
        "user_id",
        "candidate_id",
        "replayed",
        "discarded_count",
    }
)


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line with only allow-listed extras."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage() if not record.args else record.msg,
        }
        for key in ALLOWED_FIELDS:
            if key in record.__dict__:
                out[key] = record.__dict__[key]
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            frames = traceback.extract_tb(tb)[-3:] if tb else []
            out["exception"] = exc_type.__name__
            out["where"] = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in frames]
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(level: str = "INFO") -> None:
    """Send every log record through the JSON formatter on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing.formatter, JsonFormatter):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Werkzeug's request log prints full URLs; ours logs the route template instead.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
