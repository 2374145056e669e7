"""The real `screening serve` under slow clients: they hold a thread each, never the service.

Starts gunicorn on a random local port over a temporary SQLite database, bounded in
time; every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import signup

SCREENING = str(Path(sys.executable).with_name("screening"))
BODY_TIMEOUT = 3  # seconds the server waits for the next piece of a body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp_path = tmp_path_factory.mktemp("serve")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")},
        "SCREENING_ENV": "development",
        "SCREENING_INSTANCE_PATH": str(tmp_path / "instance"),
        "SCREENING_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [SCREENING, "db", "upgrade"], env=env, capture_output=True, timeout=120, check=True
    )
    created = subprocess.run(
        [SCREENING, "keys", "create", "--scope", "screen"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [SCREENING, "serve", "--port", str(port), "--workers", "1", "--threads", "8"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if _get(port, "/healthz", timeout=2).status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("screening serve did not start: " + (tmp_path / "serve.log").read_text())
        time.sleep(0.3)
    try:
        yield {"port": port, "key": key}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


class _Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body


def _get(port: int, path: str, *, timeout: float) -> _Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return _Answer(response.status, response.read())
    finally:
        conn.close()


def _screen(port: int, key: str, *, timeout: float) -> _Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            "/v1/screenings",
            body=json.dumps(signup()),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return _Answer(response.status, response.read())
    finally:
        conn.close()


def _slow_client(port: int, key: str) -> socket.socket:
    """Send headers announcing 1,000 bytes of body, then one byte, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        (
            "POST /v1/screenings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n{"
        ).encode()
    )
    return sock


def test_slow_clients_do_not_starve_health_or_screenings(server: dict[str, Any]) -> None:
    port, key = server["port"], server["key"]
    assert _screen(port, key, timeout=30).status == 201  # warm the worker up
    slow = [_slow_client(port, key) for _ in range(4)]
    try:
        time.sleep(0.5)  # let the server hand each slow connection to a thread
        for _ in range(5):
            # Each answer within 1 s while 4 clients sit on unfinished bodies (with one
            # sync worker, /healthz waited until the worker was killed, ~30 s).
            assert _get(port, "/healthz", timeout=1).status == 200
            answer = _screen(port, key, timeout=1)
            assert answer.status == 201, answer.body
        # The stalled bodies are cut off after the read deadline with a 408, not kept.
        for sock in slow:
            sock.settimeout(BODY_TIMEOUT + 30)
            head = sock.recv(4096)
            assert head.startswith(b"HTTP/1.1 408"), head[:100]
            assert b'"request_timeout"' in head or b"request_timeout" in sock.recv(4096)
    finally:
        for sock in slow:
            sock.close()


def test_a_chunked_body_over_the_limit_is_413_from_the_real_server(
    server: dict[str, Any],
) -> None:
    port, key = server["port"], server["key"]
    body = json.dumps(signup(notes="n" * 1_000_000)).encode()

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(body), 16_384):
            yield body[start : start + 16_384]

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/v1/screenings",
            body=pieces(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "payload_too_large"
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the server reset the connection instead of answering 413")
    finally:
        conn.close()


def test_serve_defaults_are_the_servers() -> None:
    # The CLI spells the defaults out (so `--help` needs no gunicorn); they must not drift.
    from screening import server
    from screening.cli.serve import serve

    defaults = {p.name: p.default for p in serve.params}
    assert (defaults["workers"], defaults["threads"]) == (
        server.DEFAULT_WORKERS,
        server.DEFAULT_THREADS,
    )
