"""Benchmark: data-subject rights and the breach register over a populated database.

Bulk-inserts ``--n`` decisions with personal data (one synthetic subject per
``--per-subject`` decisions) and ``--flagged`` restricted subjects, then times:

- the restriction lookup every screening runs (``store.lookups.signup_lookups``),
- an export and an erasure (with compaction) of one subject,
- ``training_exclusions`` (what backtests and training leave out),
- a breach report over a window covering every decision (counts and notices).

    .venv/bin/python bench/rights.py [--n 20000] [--per-subject 2] [--flagged 1000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from screening.app import create_app
from screening.core.identifiers import identify
from screening.service import rights
from screening.store import breaches, subject_export
from screening.store import subjects as store
from screening.store.lookups import signup_lookups
from screening.store.models import Decision, PersonalData
from screening.store.models.rights import SubjectStatus


def seed(runtime: Any, n: int, per_subject: int, flagged: int, now: datetime) -> None:
    pseudo = runtime.pseudonyms
    decisions, personal, status = [], [], []
    for i in range(n):
        person = i // per_subject
        email = f"person{person}@example.be"
        decisions.append(
            {
                "id": f"dec_bench{i:012d}",
                "created_at": now - timedelta(seconds=n - i),
                "outcome": "approve",
                "score": 0.0,
                "risk_total": 0.0,
                "reasons": [],
                "hits": [],
                "shadow_hits": [],
                "shadow_outcome": "approve",
                "signals": {},
                "derived": {},
                "contributions": [],
                "discarded_fields": [],
                "rules_version": "v1",
                "model_version": "none",
                "policy_version": runtime.policy.version,
                "email_hmac": pseudo.make("email", email),
                "external_ref_hmac": pseudo.make("external_ref", f"acct-{person}"),
                "latency_ms": 0.0,
                "record_hash": "0" * 64,
            }
        )
        personal.append(
            {
                "decision_id": f"dec_bench{i:012d}",
                "first_name": "Bench",
                "last_name": f"Person{person}",
                "email": email,
                "phone": f"+3247{person:07d}",
                "address": {"line1": f"Benchstraat {person}", "city": "Gent", "country": "BE"},
                "external_ref": f"acct-{person}",
            }
        )
    for person in range(1, flagged + 1):
        status.append(
            {
                "pseudonym": pseudo.make("email", f"person{person}@example.be"),
                "kind": "email",
                "active_services": False,
                "restricted": True,
                "objected": False,
                "updated_at": now,
            }
        )
    status.append(
        {
            "pseudonym": pseudo.make("email", "person0@example.be"),
            "kind": "email",
            "active_services": False,
            "restricted": False,
            "objected": False,
            "updated_at": now,
        }
    )
    with runtime.db.session() as session:
        session.execute(insert(Decision), decisions)
        session.execute(insert(PersonalData), personal)
        session.execute(insert(SubjectStatus), status)


def timed(label: str, func: Any, repeat: int = 1) -> Any:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    if repeat > 1:
        print(
            f"{label}: median {statistics.median(times):.3f} ms, "
            f"p99 {sorted(times)[int(len(times) * 0.99) - 1]:.3f} ms over {repeat} calls"
        )
    else:
        print(f"{label}: {times[0]:.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--per-subject", type=int, default=2)
    parser.add_argument("--flagged", type=int, default=1_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config: dict[str, Any] = {
            "env": "test",
            "instance_path": Path(tmp) / "instance",
            "hmac_keys": "b1:" + "b" * 40,
            "secret_key": "s" * 40,
            "log_level": "WARNING",
        }
        if args.database_url:
            config["database_url"] = args.database_url
        app = create_app(config)
        runtime = app.extensions["screening"]
        now = datetime.now(UTC)
        start = time.perf_counter()
        seed(runtime, args.n, args.per_subject, args.flagged, now)
        print(
            f"seeded {args.n} decisions, {args.flagged} restricted subjects "
            f"({runtime.db.dialect}) in {time.perf_counter() - start:.1f} s"
        )

        def restricted(session: Any, email: str) -> bool:
            ids = identify({"email": email}, {}, runtime.pseudonyms)
            found, _lists = signup_lookups(session.connection(), ids.subject, {}, now=now)
            return found

        def hook(email: str) -> bool:
            with runtime.db.session() as session:
                return restricted(session, email)

        assert timed(
            "velocity hook, own session, restricted", lambda: hook("person1@example.be"), 500
        )
        timed("velocity hook, own session, other", lambda: hook("new@example.be"), 500)
        with runtime.db.session() as session:  # as screening calls it: inside its transaction
            timed(
                "velocity hook, in an open session",
                lambda: restricted(session, "new@example.be"),
                500,
            )

        def training() -> int:
            with runtime.db.session() as session:
                return len(store.training_exclusions(session))

        excluded = timed("training_exclusions", training)
        print(f"  excluded {excluded} decisions")

        subject = store.Subject.named("email", "person0@example.be")

        def export() -> int:
            with runtime.db.session() as session:
                records = store.find(session, runtime.pseudonyms, subject)
                request = store.new_request(
                    records, "access", received_at=None, note=None, actor="bench", now=now
                )
                store.save(session, request)
                document = subject_export.build(session, runtime.policy, records, request, now=now)
                return len(document["decisions"])

        timed("export of one subject", export)

        def erase() -> None:
            with runtime.db.session() as session:
                records = store.find(session, runtime.pseudonyms, subject)
                request = store.new_request(
                    records, "erasure", received_at=None, note=None, actor="bench", now=now
                )
                rights.erase(
                    session, runtime.pseudonyms, runtime.velocity, records, request, now=now
                )
                assert request.outcome == "completed", request.reason

        timed("erasure of one subject (transaction)", erase)
        timed("compaction after erasure", runtime.db.compact)

        def breach() -> Any:
            with runtime.db.session() as session:
                return breaches.view(
                    breaches.create(
                        session,
                        runtime.policy,
                        detected_at=now,
                        nature="bench",
                        categories=["email"],
                        window_from=now - timedelta(seconds=args.n + 1),
                        window_to=now,
                        criteria=breaches.Criteria(),
                        consequences=None,
                        measures=None,
                        notify_subjects=True,
                        actor="bench",
                        now=now,
                    ),
                    now,
                )

        view = timed("breach report over every record (with notices)", breach)
        print(
            f"  {view['records_affected']} records, {view['subjects_affected']} subjects, "
            f"{view['notices_queued']} notices"
        )
        runtime.db.dispose()


if __name__ == "__main__":
    main()
