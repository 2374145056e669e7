"""Many nodes on one PostgreSQL and Redis: exact velocity counts, every notice delivered once.

Two ``screening serve`` processes on random ports take concurrent signups of one
person and contests of ten others; two ``screening outbox send --loop`` processes
then deliver the notices at the same time to an SMTP sink (aiosmtpd) and a webhook
receiver, both on 127.0.0.1. Every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import select

from screening.store.models import OutboxMessage
from tests.conftest import emptied_redis
from tests.helpers import signup

REDIS_URL = os.environ.get("SCREENING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SAME_PERSON = 40
CONTESTED = 10
WEBHOOK_SECRET = "w" * 40
AUDIT_KEY = "a" * 20 + "udit-key-for-tests-only"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """Keeps every message; slow on purpose, so the two senders overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        time.sleep(0.15)  # blocks the sink's loop: one message at a time
        subject = next(
            (
                line.split(":", 1)[1].strip()
                for line in envelope.content.decode().splitlines()
                if line.startswith("Subject:")
            ),
            "",
        )
        with self.lock:
            self.messages.append((",".join(envelope.rcpt_tos), subject))
        return "250 OK"


class Hooks(BaseHTTPRequestHandler):
    deliveries: list[str] = []
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers["Content-Length"]))
        with type(self).lock:
            type(self).deliveries.append(self.headers["X-Screening-Delivery"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def settings(settings: dict[str, Any], backend: str) -> dict[str, Any]:
    return {**settings, "redis_url": emptied_redis(), "audit_key": AUDIT_KEY}


@pytest.fixture
def outside() -> Iterator[tuple[Sink, str, str]]:
    sink = Sink()
    smtp_port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    Hooks.deliveries = []
    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    thread = threading.Thread(target=hooks.serve_forever, daemon=True)
    thread.start()
    yield sink, f"smtp://127.0.0.1:{smtp_port}", f"http://127.0.0.1:{hooks.server_address[1]}/h"
    hooks.shutdown()
    hooks.server_close()
    controller.stop()


class Processes:
    """Processes this test started, each ended by its own process group id."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        handle = log.open("wb")
        self.logs.append(handle)
        process = subprocess.Popen(
            args, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for handle in self.logs:
            handle.close()


@pytest.fixture
def processes() -> Iterator[Processes]:
    started = Processes()
    yield started
    started.stop()


def _wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_servers_and_two_senders_count_exactly_and_deliver_each_notice_once(
    runtime: Any,
    settings: dict[str, Any],
    screen_key: str,
    analyst_key: str,
    outside: tuple[Sink, str, str],
    processes: Processes,
    tmp_path: Path,
) -> None:
    sink, smtp_url, hook_url = outside
    screening = shutil.which("screening", path=str(Path(sys.executable).parent))
    assert screening is not None
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")},
        "SCREENING_ENV": "test",
        "SCREENING_DATABASE_URL": runtime.db.url.render_as_string(hide_password=False),
        "SCREENING_REDIS_URL": REDIS_URL,
        "SCREENING_SECRET_KEY": settings["secret_key"],
        "SCREENING_HMAC_KEYS": settings["hmac_keys"],
        "SCREENING_AUDIT_KEY": AUDIT_KEY,
        "SCREENING_SMTP_URL": smtp_url,
        "SCREENING_WEBHOOK_URL": hook_url,
        "SCREENING_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SCREENING_RULES_RELOAD_SECONDS": "0",
    }
    urls = []
    for name in ("a", "b"):
        port = _free_port()
        node_env = {**env, "SCREENING_INSTANCE_PATH": str(tmp_path / name)}
        processes.start(
            [screening, "serve", "--port", str(port), "--workers", "2"],
            node_env,
            tmp_path / f"serve-{name}.log",
        )
        urls.append(f"http://127.0.0.1:{port}")
    for url in urls:
        _wait_until(lambda url=url: _healthy(url), 60, f"{url}/healthz")

    def screen(i: int, body: dict[str, Any]) -> dict[str, Any]:
        answer = requests.post(
            f"{urls[i % 2]}/v1/screenings",
            json=body,
            headers={"Authorization": f"Bearer {screen_key}"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    # One person signs up 40 times through both servers at once.
    with ThreadPoolExecutor(max_workers=8) as pool:
        same = list(pool.map(lambda i: screen(i, signup()), range(SAME_PERSON)))
    counts = []
    for decision in same:
        record = requests.get(
            f"{urls[0]}/v1/decisions/{decision['decision_id']}",
            headers={"Authorization": f"Bearer {analyst_key}"},
            timeout=10,
        ).json()
        counts.append(record["signals"]["velocity.email_24h"])
    # Each signup saw exactly the ones before it: 0, 1, ..., 39, each once.
    assert sorted(counts) == list(range(SAME_PERSON))

    # Ten others are declined, contest, and a person approves them: per decision two
    # e-mails (received, resolved) and one webhook (the outcome changed).
    def contest_and_resolve(i: int) -> str:
        body = signup(email=f"other{i}@mailinator.com", phone=f"+32 470 11 22 3{i}")
        decision = screen(i, body)
        assert decision["outcome"] == "decline"
        base = urls[(i + 1) % 2]
        contested = requests.post(
            f"{base}/v1/decisions/{decision['decision_id']}/review-requests",
            json={"statement": "Please look again."},
            headers={"Authorization": f"Bearer {decision['contest_token']}"},
            timeout=10,
        )
        assert contested.status_code == 201, contested.text
        resolved = requests.post(
            f"{urls[i % 2]}/v1/reviews/{contested.json()['review_request_id']}/resolution",
            json={"outcome": "approve", "note": "checked"},
            headers={"Authorization": f"Bearer {analyst_key}"},
            timeout=10,
        )
        assert resolved.status_code == 200, resolved.text
        return str(decision["decision_id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        contested_ids = list(pool.map(contest_and_resolve, range(CONTESTED)))
    with runtime.db.session() as session:
        queued = list(session.scalars(select(OutboxMessage)))
    emails = [m for m in queued if m.kind != "webhook"]
    hooks = [m for m in queued if m.kind == "webhook"]
    assert (len(emails), len(hooks)) == (2 * CONTESTED, CONTESTED)
    assert {m.decision_id for m in hooks} == set(contested_ids)

    for name in ("a", "b"):
        processes.start(
            [screening, "outbox", "send", "--loop", "--interval", "0.2"],
            {**env, "SCREENING_INSTANCE_PATH": str(tmp_path / name)},
            tmp_path / f"send-{name}.log",
        )
    _wait_until(
        lambda: len(sink.messages) >= len(emails) and len(Hooks.deliveries) >= len(hooks),
        90,
        "every notice to arrive",
    )
    time.sleep(2)  # time for a duplicate to show, if a second sender were to resend one
    assert sorted(Hooks.deliveries) == sorted(str(m.id) for m in hooks)
    expected = sorted((m.recipient or "", m.subject) for m in emails)
    assert sorted(sink.messages) == expected
    assert len(set(sink.messages)) == len(sink.messages)
    with runtime.db.session() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent"}
    # Both senders took part (each claimed some of the notices).
    for name in ("a", "b"):
        lines = (tmp_path / f"send-{name}.log").read_text().splitlines()
        sent = sum(int(line.split()[1].rstrip(",")) for line in lines if line.startswith("sent "))
        assert sent > 0, f"sender {name} delivered nothing"
