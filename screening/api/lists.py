"""Placeholder: filled in by the lists work."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint

bp = APIBlueprint("lists", __name__, url_prefix="/v1", abp_security=[{"bearer": []}])
