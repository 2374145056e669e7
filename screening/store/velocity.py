"""Velocity counters: exact sliding-window counts in the database, or in Redis.

Both stores answer "how many earlier signups had this pseudonym in the last
1 h / 24 h / 7 d" (exactly, up to :data:`~screening.core.velocity.COUNT_CAP`;
past it, the cap) and record the current one, atomically per identifier, so
counts stay exact when several processes screen at once:

- database: the rows are written first (SQLite then holds the write lock until
  commit; PostgreSQL takes a transaction-scoped advisory lock per identifier),
  then counted; everything commits with the decision, or not at all.
- Redis: one Lua script counts and adds every identifier of a signup in one atomic
  step (one round trip with its index); if the decision then fails to commit, the
  entries are removed again.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from screening.core.identifiers import Pseudonym
from screening.core.velocity import COUNT_CAP, KINDS, MAX_WINDOW, WINDOWS
from screening.errors import RedisUnavailable
from screening.store.models import UTCDateTime, VelocityEvent
from screening.store.sql import DriverStatement, KeyList, in_keys

# kind -> the pseudonym to record (current key) and every one that still matches (older keys)
VelocityKeys = Mapping[str, Pseudonym]


class VelocityStore(Protocol):
    def record_and_count(
        self, conn: Connection, keys: VelocityKeys, decision_id: str, at: datetime
    ) -> dict[str, int]: ...

    def undo(self, keys: VelocityKeys, decision_id: str) -> None: ...

    def decisions_with(
        self, conn: Connection, keys: Sequence[str], *, since: datetime, before: datetime
    ) -> set[str]:
        """Return the ids of decisions recorded with one of ``keys`` in [since, before]."""
        ...

    def forget(self, session: Session, decision_ids: Sequence[str]) -> None: ...


def _signals(counts: Mapping[str, Sequence[int]]) -> dict[str, int]:
    """Name each kind's window counts as signals, capped (older keys add to a kind's)."""
    return {
        f"velocity.{kind}_{label}": min(COUNT_CAP, int(values[i]))
        for kind, values in counts.items()
        for i, (label, _seconds) in enumerate(WINDOWS)
    }


_EVENTS = cast(Table, VelocityEvent.__table__)
# Built once: constructing a statement costs more than running it on SQLite.
_INSERT = DriverStatement(insert(_EVENTS), column_keys=("kind", "key", "decision_id", "at"))


def _capped_counts(keys: str) -> str:
    """SQL: per key, its rows in each window other than the decision's own, up to the cap.

    Each count reads at most ``COUNT_CAP`` index entries, newest first, however many
    rows a key has (a grouped ``count(*)`` read all of them: 155 ms for a mail domain
    seen on 100,000 signups in a week, against 0.2 ms).
    """
    windows = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM velocity_events e WHERE e.key = k.value"
        f" AND e.at > :since_{i} AND e.decision_id <> :decision_id LIMIT :cap) AS w{i})"
        for i in range(len(WINDOWS))
    )
    return f"SELECT k.value, {windows} FROM {keys}"


def _count(keys: str) -> DriverStatement:
    return DriverStatement(
        text(_capped_counts(keys)).bindparams(
            bindparam("keys", type_=KeyList()),
            *[bindparam(f"since_{i}", type_=UTCDateTime()) for i in range(len(WINDOWS))],
        )
    )


_COUNT = {
    "sqlite": _count("json_each(:keys) AS k"),
    "postgresql": _count("unnest(CAST(:keys AS text[])) AS k(value)"),
}
_DECISIONS_WITH = DriverStatement(
    select(_EVENTS.c.decision_id)
    .where(
        in_keys(_EVENTS.c.key, "keys"),
        _EVENTS.c.at >= bindparam("since", type_=UTCDateTime()),
        _EVENTS.c.at <= bindparam("before", type_=UTCDateTime()),
    )
    .distinct()
)
# The kinds whose concurrent signups are serialised on PostgreSQL, so that one actor's
# signups sent at once still count each other. Not the mail domain: a big provider's is
# on a large share of all signups, and locking it queued them one commit after another
# (its count is a volume figure, where two signups in flight may miss each other).
LOCKED = frozenset(kind for kind, _meaning in KINDS) - {"email_domain"}
_ADVISORY_LOCKS = DriverStatement(
    text(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k"
        " ORDER BY k) AS ordered"
    )
)


class DatabaseVelocity:
    """Counters in the ``velocity_events`` table (the default)."""

    def record_and_count(
        self, conn: Connection, keys: VelocityKeys, decision_id: str, at: datetime
    ) -> dict[str, int]:
        if not keys:
            return {}
        locks = sorted(
            {zlib.crc32(c.encode()) - 2**31 for k, (c, _all) in keys.items() if k in LOCKED}
        )
        if conn.dialect.name == "postgresql" and locks:
            # Serialise concurrent signups that share an identifier, one statement for all
            # of them, in sorted order so two signups never deadlock. The count below is a
            # later statement: its snapshot sees the rows of every earlier lock holder.
            _ADVISORY_LOCKS.execute(conn, {"keys": locks})
        # One multi-row INSERT, then one count per key and window (older keys too).
        _INSERT.execute(
            conn,
            [
                {"kind": kind, "key": current, "decision_id": decision_id, "at": at}
                for kind, (current, _all) in keys.items()
            ],
        )
        lookup = {key: kind for kind, (_current, every) in keys.items() for key in every}
        since = {f"since_{i}": at - timedelta(seconds=s) for i, (_label, s) in enumerate(WINDOWS)}
        rows = _COUNT[conn.dialect.name].execute(
            conn, {"keys": list(lookup), "decision_id": decision_id, "cap": COUNT_CAP, **since}
        )
        counts: dict[str, list[int]] = {kind: [0] * len(WINDOWS) for kind in keys}
        for key, *values in rows:
            total = counts[lookup[key]]
            for i, value in enumerate(values):
                total[i] += int(value or 0)
        return _signals(counts)

    def decisions_with(
        self, conn: Connection, keys: Sequence[str], *, since: datetime, before: datetime
    ) -> set[str]:
        if not keys:
            return set()
        rows = _DECISIONS_WITH.execute(conn, {"keys": list(keys), "since": since, "before": before})
        return {decision_id for (decision_id,) in rows}

    def undo(self, keys: VelocityKeys, decision_id: str) -> None:
        """Nothing to do: the rows roll back with the decision's transaction."""

    def forget(self, session: Session, decision_ids: Sequence[str]) -> None:
        session.execute(delete(VelocityEvent).where(VelocityEvent.decision_id.in_(decision_ids)))

    def prune(self, session: Session, now: datetime) -> int:
        result = session.execute(
            delete(VelocityEvent).where(VelocityEvent.at <= now - timedelta(seconds=MAX_WINDOW))
        )
        return int(getattr(result, "rowcount", 0) or 0)


# One script for every identifier of a signup, so its counts are one consistent moment:
# run per identifier, another signup of the same person could land between two of them
# (its email counted, its name and postcode not yet), which reads as a variant.
# KEYS: each identifier's keys, its current key first. ARGV: now, the decision id, the
# number of windows W, the W windows in seconds, the largest window, then each
# identifier's number of keys. Returns each identifier's W counts.
_COUNT_AND_ADD = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local nw = tonumber(ARGV[3])
local oldest = now - tonumber(ARGV[4 + nw])
local results = {}
local first = 1
for g = 5 + nw, #ARGV do
  local size = tonumber(ARGV[g])
  local counts = {}
  for w = 1, nw do counts[w] = 0 end
  for i = first, first + size - 1 do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', oldest)
    for w = 1, nw do
      local since = '(' .. (now - tonumber(ARGV[3 + w]))
      counts[w] = counts[w] + redis.call('ZCOUNT', KEYS[i], since, '+inf')
    end
  end
  redis.call('ZADD', KEYS[first], now, member)
  redis.call('EXPIRE', KEYS[first], tonumber(ARGV[4 + nw]))
  results[#results + 1] = counts
  first = first + size
end
return results
"""


@contextmanager
def _redis_errors() -> Iterator[None]:
    """Turn a Redis failure into a 503 with Retry-After (the caller rolls back)."""
    import redis

    try:
        yield
    except redis.RedisError as exc:
        raise RedisUnavailable() from exc


class RedisVelocity:
    """Counters in Redis sorted sets (``SCREENING_REDIS_URL``), shared by every process."""

    prefix = "screening:velocity:"

    def __init__(self, url: str) -> None:
        import redis  # only deployments that configure Redis need it loaded

        self.client: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self.client.register_script(_COUNT_AND_ADD)

    def record_and_count(
        self, conn: Connection, keys: VelocityKeys, decision_id: str, at: datetime
    ) -> dict[str, int]:
        if not keys:
            return {}
        windows = [str(seconds) for _label, seconds in WINDOWS]
        kinds = list(keys)
        flat: list[str] = []
        sizes: list[str] = []
        for kind in kinds:
            current, every = keys[kind]
            ordered = [current, *[k for k in every if k != current]]
            flat += [self.prefix + k for k in ordered]
            sizes.append(str(len(ordered)))
        pipe = self.client.pipeline(transaction=False)
        self._script(
            keys=flat,
            args=[repr(at.timestamp()), decision_id, len(windows), *windows, MAX_WINDOW, *sizes],
            client=pipe,
        )
        pipe.sadd(self.prefix + "decision:" + decision_id, *[keys[k][0] for k in kinds])
        pipe.expire(self.prefix + "decision:" + decision_id, MAX_WINDOW)
        with _redis_errors():
            counts = pipe.execute()[0]
        return _signals({kind: counts[i] for i, kind in enumerate(kinds)})

    def decisions_with(
        self, conn: Connection, keys: Sequence[str], *, since: datetime, before: datetime
    ) -> set[str]:
        # Each key's sorted set holds the decision ids it was seen with, scored by time.
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.zrangebyscore(self.prefix + key, since.timestamp(), before.timestamp())
        with _redis_errors():
            found = pipe.execute()
        return {member.decode() for members in found for member in members}

    def undo(self, keys: VelocityKeys, decision_id: str) -> None:
        pipe = self.client.pipeline(transaction=False)
        for current, _every in keys.values():
            pipe.zrem(self.prefix + current, decision_id)
        pipe.delete(self.prefix + "decision:" + decision_id)
        with _redis_errors():
            pipe.execute()

    def forget(self, session: Session, decision_ids: Sequence[str]) -> None:
        for decision_id in decision_ids:
            index = self.prefix + "decision:" + decision_id
            with _redis_errors():
                members = self.client.smembers(index)
                pipe = self.client.pipeline(transaction=False)
                for key in members:
                    pipe.zrem(self.prefix + key.decode(), decision_id)
                pipe.delete(index)
                pipe.execute()
