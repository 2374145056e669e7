"""`screening serve`: the HTTP service on gunicorn."""

from __future__ import annotations

import os
import shutil

import click

from screening.cli.common import _fail, _settings
from screening.errors import ScreeningError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
# The defaults are screening.server.DEFAULT_WORKERS and DEFAULT_THREADS (kept literal here
# so `screening --help` does not import gunicorn; a test checks that they agree).
@click.option("--workers", default=4, show_default=True, type=int, help="processes")
@click.option("--threads", default=8, show_default=True, type=int, help="threads per process")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Start the HTTP service on gunicorn (gthread workers, bodies read under a deadline)."""
    settings = _settings()
    prom_dir = settings.instance_path.resolve() / "prometheus"
    shutil.rmtree(prom_dir, ignore_errors=True)
    prom_dir.mkdir(parents=True, exist_ok=True)
    # Must be set before prometheus_client is imported (by the app) in this process.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(prom_dir)
    from screening.server import run

    try:
        run(settings, host=host, port=port, workers=workers, threads=threads)
    except ScreeningError as exc:
        _fail(exc)
