"""Storage: the database engine, migrations and the queries the service runs."""

from __future__ import annotations

from screening.store.db import Database

__all__ = ["Database"]
