"""Placeholder: filled in by the breaches work."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint

bp = APIBlueprint("breaches", __name__, url_prefix="/v1", abp_security=[{"bearer": []}])
