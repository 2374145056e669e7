"""Run the app under gunicorn: migrate and seed once in the master, then fork workers.

Workers are gunicorn's ``gthread`` kind: each process serves ``threads`` requests at
once, so a few slow clients hold a few threads, not the whole process (a ``sync``
worker waits on one client's body while every other request queues; two such
clients used to hang ``/healthz`` for 31 s). Bodies are read under a deadline
(``SCREENING_BODY_TIMEOUT``, see :mod:`screening.api`), idle keep-alive
connections wait in the poller without a thread, and request lines and headers
are bounded. Default: 4 processes x 8 threads, chosen by measurement: at 16
connections its p99 was a third to a half below the earlier 2 x 8's (fewer requests
share each process's GIL), as 4 x 4's was, and eight slow clients are still needed to fill a
process's threads (docs/deployment.md, "Throughput and durability"). Past that, tune
with ``--workers`` and ``--threads``, and run behind a buffering reverse proxy, which
also shields the slow-header case.
"""

from __future__ import annotations

import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from screening.config import Settings

DEFAULT_WORKERS = 4
DEFAULT_THREADS = 8


class _Gunicorn(BaseApplication):
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def _post_fork(_server: Any, worker: Any) -> None:
    # Connections opened in the master must not be shared with the children.
    db = worker.app.application.extensions["screening"].db
    db.engine.dispose(close=False)
    db.write_engine.dispose(close=False)
    db.start_checkpointer()


def _child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
) -> None:
    """Start gunicorn with ``workers`` processes of ``threads`` threads on ``host:port``."""
    from screening.app import create_app

    app = create_app(settings)
    runtime = app.extensions["screening"]
    db = runtime.db.url.render_as_string(hide_password=True)
    command = sys.argv[0] if sys.argv and sys.argv[0].endswith("screening") else "screening"
    print(
        f"screening: listening on http://{host}:{port}  ({max(1, workers)} workers x "
        f"{max(1, threads)} threads; database {db}, "
        f"rules {runtime.rules.current().version}, policy {runtime.policy.version})\n"
        f"screening: create an API key with:  {command} keys create --scope screen\n"
        f"screening: API docs at http://{host}:{port}/docs",
        file=sys.stderr,
        flush=True,
    )
    runtime.db.dispose()
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "worker_class": "gthread",
            "threads": max(1, threads),
            # gthread's heartbeat: a process whose main loop stalls this long is replaced.
            "timeout": 30,
            "graceful_timeout": 10,
            # Idle keep-alive connections wait in the poller (no thread) this long.
            "keepalive": 5,
            "limit_request_line": 4094,
            "limit_request_fields": 50,
            "limit_request_field_size": 8190,
            "preload_app": True,
            "accesslog": None,
            "post_fork": _post_fork,
            "child_exit": _child_exit,
        },
    ).run()
