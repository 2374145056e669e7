"""A 2xx means committed: kill -9 the server mid-load, restart it, find every acknowledged decision.

Runs the real `screening serve` (2 workers) on SQLite (WAL, ``synchronous=NORMAL``,
which survives a process crash) and on PostgreSQL, under eight client threads, kills
the whole process group with SIGKILL while screenings are in flight, restarts it on
the same database and asks for each decision that was answered 201. The tamper-evident
record must still verify: nothing half-written.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import throwaway_postgres
from tests.helpers import signup

SCREENING = str(Path(sys.executable).with_name("screening"))
CLIENTS = 8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(
    port: int, method: str, path: str, key: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        conn.close()


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = _free_port()
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [SCREENING, "serve", "--port", str(self.port), "--workers", "2"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
            finally:
                conn.close()
            if self.process.poll() is not None:
                break
        pytest.fail("screening serve did not start: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture(params=["sqlite", "postgresql"])
def environment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")},
        "SCREENING_ENV": "development",
        "SCREENING_INSTANCE_PATH": str(tmp_path / "instance"),
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    if request.param == "sqlite":
        yield env
        return
    with throwaway_postgres("screening_durability") as url:
        yield {**env, "SCREENING_DATABASE_URL": url}


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [SCREENING, *args], env=env, capture_output=True, text=True, timeout=180, check=True
    )
    return done.stdout


def test_every_acknowledged_decision_survives_kill_9(
    environment: dict[str, str], tmp_path: Path
) -> None:
    _cli(environment, "db", "upgrade")
    key = _cli(environment, "keys", "create", "--scope", "screen").strip().splitlines()[-1]
    server = Server(environment, tmp_path / "serve.log")
    server.start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            body = signup(email=f"durable.{n}.{i}@example.org", external_ref=f"durable-{n}-{i}")
            try:
                status, answer = _request(server.port, "POST", "/v1/screenings", key, body)
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                continue  # the server died under this request: not acknowledged
            if status == 201:
                with lock:
                    acknowledged.append(answer["decision_id"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # mid-load: eight requests are in flight
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert len(acknowledged) >= 150, "the load never got going"

    server.start()
    try:
        missing = []
        for decision_id in acknowledged:
            status, _answer = _request(server.port, "GET", f"/v1/decisions/{decision_id}", key)
            if status != 200:
                missing.append((decision_id, status))
        assert missing == []
    finally:
        server.stop()
    # Nothing half-written: every record and chain link still verifies.
    assert "ok" in _cli(environment, "audit", "verify").lower()
