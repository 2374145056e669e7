"""Done-when: with two server processes running, a published rule set changes both processes'
decisions within seconds, without a restart (SQLite file and PostgreSQL database).

Two ``screening serve`` processes share one database; a version published from the
command line (neither server) must reach both. The test polls up to a generous
timeout and asserts nothing else about timing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from screening.store import Database
from screening.store.keys import create_key
from tests.conftest import HMAC_TEST_KEYS, throwaway_postgres
from tests.helpers import signup
from tests.rules.helpers import document, rule, run

TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(port: int, method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    with throwaway_postgres("screening_reload") as url:
        yield url


class Server:
    """One `screening serve` process on a free port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "screening.cli", "serve", "--port", str(self.port),
             "--workers", "1"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server exited; see its log"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise AssertionError("the server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_published_version_reaches_every_running_process(
    database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SCREENING_ENV": "development",
        "SCREENING_INSTANCE_PATH": str(tmp_path / "instance"),
        "SCREENING_DATABASE_URL": database_url,
        "SCREENING_HMAC_KEYS": HMAC_TEST_KEYS,
        "SCREENING_SECRET_KEY": "s" * 40,
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    db = Database(database_url)
    db.upgrade()
    with db.session() as session:
        _row, key = create_key(session, ["screen", "admin"], "ops")
    db.dispose()

    servers: list[Server] = []
    try:
        for n in range(2):  # one after the other: the first seeds the shipped rules
            servers.append(Server(env, tmp_path / f"server{n}.log"))
            servers[-1].wait_ready()
        for server in servers:
            status, answer = call(server.port, "POST", "/v1/screenings", key, signup())
            assert status == 201, answer
            assert (answer["outcome"], answer["versions"]["rules"]) == ("approve", "v1")

        strict = tmp_path / "strict.yaml"
        strict.write_text(json.dumps(document(rule("everyone", "!email.disposable", "decline"))))
        published = run({k: v for k, v in env.items() if k.startswith("SCREENING_")},
                        "rules", "publish", str(strict))  # fmt: skip
        assert published.exit_code == 0, published.output
        assert "published v2" in published.output

        waiting = {server.port for server in servers}
        deadline = time.monotonic() + TIMEOUT
        while waiting and time.monotonic() < deadline:
            for port in sorted(waiting):
                status, answer = call(port, "POST", "/v1/screenings", key, signup())
                assert status == 201, answer
                if answer["versions"]["rules"] == "v2":
                    assert answer["outcome"] == "decline"
                    waiting.discard(port)
            time.sleep(0.2)
        assert not waiting, f"still on the old rules after {TIMEOUT} s: ports {waiting}"
    finally:
        for server in servers:
            server.stop()
