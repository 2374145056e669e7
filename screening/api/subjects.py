"""Placeholder: filled in by the subjects work."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint

bp = APIBlueprint("subjects", __name__, url_prefix="/v1", abp_security=[{"bearer": []}])
