"""The languages a customer may read us in, and how a language tag maps to one of them."""

from __future__ import annotations

from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "nl", "fr", "de")
DEFAULT = "en"


def supported(tag: Any) -> str | None:
    """Return the supported language of a tag like ``nl-BE`` or ``FR``, else None."""
    if not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None
