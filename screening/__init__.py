"""Signup screening: keep fraudulent registrations out while keeping as little data as possible.

``create_app`` builds the Flask service; the core (``policy``, ``checks``,
``rules``, ``decide``, ``screen``) imports neither Flask nor the database.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the pure core (screening.core.checks...) never imports Flask.
    if name == "create_app":
        from screening.app import create_app

        return create_app
    raise AttributeError(name)
