"""Run the app under gunicorn: migrate and seed once in the master, then fork workers."""

from __future__ import annotations

import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from screening.config import Settings


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
    worker.app.application.extensions["screening"].db.engine.dispose(close=False)


def _child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Start gunicorn with ``workers`` processes on ``host:port`` (blocks)."""
    from screening.app import create_app

    app = create_app(settings)
    runtime = app.extensions["screening"]
    db = runtime.db.url.render_as_string(hide_password=True)
    command = sys.argv[0] if sys.argv and sys.argv[0].endswith("screening") else "screening"
    print(
        f"screening: listening on http://{host}:{port}  (database {db}, "
        f"rules {runtime.rules.current().version}, policy {runtime.policy.version})\n"
        f"screening: create an API key with:  {command} keys create --scope screen\n"
        f"screening: API docs at http://{host}:{port}/docs",
        file=sys.stderr,
        flush=True,
    )
    runtime.db.engine.dispose()
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "worker_class": "sync",
            "timeout": 30,
            "graceful_timeout": 10,
            "preload_app": True,
            "accesslog": None,
            "post_fork": _post_fork,
            "child_exit": _child_exit,
        },
    ).run()
