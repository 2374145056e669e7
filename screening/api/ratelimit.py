"""Rate limits for the customer-facing endpoints (customer view, contest).

Fixed one-minute windows, counted per client (a keyed pseudonym of its address,
never the address itself) and per decision, in Redis when configured, else in
the database, so every process shares them.
"""

from __future__ import annotations

import time
from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from screening.errors import RateLimited
from screening.store.models import RateLimitCounter

WINDOW = 60


def _hit(runtime: Any, key: str, window: int) -> int:
    """Count one request against ``key`` in the current window; return the count."""
    if runtime.settings.redis_url:
        client = runtime.velocity.client
        name = f"screening:rate:{key}:{window}"
        pipe = client.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW * 2)
        return int(pipe.execute()[0])
    with runtime.db.session() as session:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(RateLimitCounter).values(key=key, window=window, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key", "window"], set_={"count": RateLimitCounter.count + 1}
        )
        session.execute(stmt)
        return int(
            session.scalar(
                select(RateLimitCounter.count).where(
                    RateLimitCounter.key == key, RateLimitCounter.window == window
                )
            )
            or 0
        )


def limit_customer(runtime: Any, decision_id: str) -> None:
    """Refuse with 429 when a client or a decision exceeds the configured rate.

    Raises:
        RateLimited: with ``Retry-After`` set to the end of the window.
    """
    limit = runtime.settings.customer_rate_limit_per_minute
    if limit <= 0:
        return
    now = time.time()
    window = int(now // WINDOW)
    client = runtime.pseudonyms.make("client", request.remote_addr or "unknown")
    for key in (f"c:{client}", f"d:{decision_id[:64]}"):
        if _hit(runtime, key, window) > limit:
            retry = str(int(WINDOW - now % WINDOW) + 1)
            raise RateLimited(
                "Too many requests; try again in a minute.", headers={"Retry-After": retry}
            )
