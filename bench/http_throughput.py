"""Benchmark: screenings per second over HTTP, beside ``/healthz`` on the same server.

Starts ``screening serve`` (gunicorn, the shipped worker settings unless told otherwise)
on a fresh database, creates a ``screen`` key, and loads it on loopback with
``wrk`` (when installed; ``apt-get install wrk``) or else a Python load generator
(processes x threads, keep-alive connections). First ``GET /healthz``, then
``POST /v1/screenings`` through varied synthetic signups (ordinary people and fraud
patterns, ``screening.training.synth``; 4,000 by default, so a run of a few thousand
requests sends each person once, and a longer one sends exact repeats, which count as
retries), on the same server with the same settings. (Giving a repeated body a new
mailbox would make every person a "same name and postcode, another mailbox" variant:
held, and linked to its earlier signups, which is not ordinary traffic.) Prints requests/s,
p50 and p99 of both and their ratio, and counts every answer that was not a 2xx.

    .venv/bin/python bench/http_throughput.py [--database sqlite|postgresql]
        [--redis] [--workers N] [--threads T] [--connections 16] [--duration 10]
        [--signups 300] [--load wrk|python]

PostgreSQL: a throwaway database on ``--postgres-url`` (default the local server),
dropped afterwards. ``--redis`` keeps velocity counters in the local Redis
(``--redis-url``). The load generator shares the machine's cores with the server:
compare ratios measured in one run, not figures across machines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def signups(n: int, seed: int) -> list[dict[str, Any]]:
    """About ``n`` varied signups: four ordinary people to one fraudulent signup.

    Bodies the API would refuse with a 422 (a few generated fraud rows have a street line
    over its length limit) are left out: they measure validation, not screening.
    """
    from pydantic import ValidationError

    from screening.api.schemas import ScreeningRequest
    from screening.training.synth import fraudulent, legitimate

    ordinary = [s.body for s in legitimate(n - n // 5, seed=seed)]
    fraud = [s.body for s in fraudulent(n // 5, seed=seed + 1)]
    bodies = [b for pair in zip(ordinary, fraud, strict=False) for b in pair]
    bodies += ordinary[len(fraud) :]
    valid = []
    for body in bodies[:n]:
        try:
            ScreeningRequest.model_validate(body)
        except ValidationError:
            continue
        valid.append(body)
    return valid


class Server:
    """``screening serve`` in a subprocess, on its own instance folder and database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
        self.pg_db: str | None = None
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
        env.update(
            SCREENING_INSTANCE_PATH=str(self.tmp),
            SCREENING_SECRET_KEY=secrets.token_urlsafe(32),
            SCREENING_HMAC_KEYS="k1:" + secrets.token_urlsafe(32),
            SCREENING_AUDIT_KEY=secrets.token_urlsafe(32),
            SCREENING_LOG_LEVEL="WARNING",
        )
        if args.database == "postgresql":
            self.pg_db = f"bench_http_{secrets.token_hex(4)}"
            _psql(args.postgres_url, f'CREATE DATABASE "{self.pg_db}"')
            env["SCREENING_DATABASE_URL"] = f"{args.postgres_url.rsplit('/', 1)[0]}/{self.pg_db}"
        else:
            env["SCREENING_DATABASE_URL"] = f"sqlite:///{self.tmp / 'screening.db'}"
        if args.redis:
            env["SCREENING_REDIS_URL"] = args.redis_url
            _flush_redis(args.redis_url)
        self.env = env
        cli = str(VENV_BIN / "screening")
        subprocess.run([cli, "db", "upgrade"], env=env, check=True, capture_output=True)
        made = subprocess.run(
            [cli, "keys", "create", "--scope", "screen", "--name", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        self.key = made.stdout.strip().splitlines()[-1]
        command = [cli, "serve", "--port", str(self.port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        self.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("server did not start within 60 s")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (master and workers), from /proc."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            pids += [int(p) for p in children.split()]
        except OSError:
            return float("nan")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def close(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if self.pg_db:
            _psql(self.args.postgres_url, f'DROP DATABASE IF EXISTS "{self.pg_db}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def _psql(url: str, statement: str) -> None:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(statement)


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("screening:*"):
        client.delete(key)


# --- wrk ---------------------------------------------------------------------------------

_WRK_SCRIPT = """
local bodies = {}
local n = 0
local counter = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}
for line in io.lines("%s") do n = n + 1; bodies[n] = line end
local thread_id = 0
function setup(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
function init(args) counter = id * math.floor(n / 2) end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/v1/screenings", headers, bodies[(counter %% n) + 1])
end
"""


def run_wrk(
    server: Server, path: str, bodies: list[dict[str, Any]] | None, args: argparse.Namespace
) -> dict[str, float]:
    threads = min(args.connections, 2)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{args.connections}",
        f"-d{int(args.duration)}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    script = None
    if bodies is not None:
        lines = server.tmp / "bodies.jsonl"
        with lines.open("w", encoding="utf-8") as out:
            for body in bodies:
                out.write(json.dumps(body, ensure_ascii=False) + "\n")
        script = server.tmp / "screen.lua"
        script.write_text(_WRK_SCRIPT % (server.key, lines), encoding="utf-8")
        command += ["-s", str(script)]
    command.append(server.base + path)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return _parse_wrk(output)


def _parse_wrk(output: str) -> dict[str, float]:
    def ms(text: str) -> float:
        for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
            if text.endswith(unit):
                return float(text[: -len(unit)]) * factor
        return float(text)

    result: dict[str, float] = {"non_2xx": 0.0, "errors": 0.0}
    for line in output.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] in ("50%", "99%"):
            result["p" + parts[0][:-1]] = ms(parts[1])
        elif parts[0] == "Requests/sec:":
            result["rps"] = float(parts[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            result["non_2xx"] = float(parts[-1])
        elif line.strip().startswith("Socket errors:"):
            result["errors"] = float(
                sum(int(p.rstrip(",")) for p in parts[2:] if p.rstrip(",").isdigit())
            )
        elif "requests in" in line:
            result["requests"] = float(parts[0])
    return result


# --- the Python load generator ------------------------------------------------------------


def _worker(
    port: int,
    key: str,
    path: str,
    bodies: list[bytes] | None,
    start_index: int,
    threads: int,
    duration: float,
    queue: Any,
) -> None:
    stop_at = time.monotonic() + duration
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def loop(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = offset
        mine: list[float] = []
        bad = 0
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                if bodies is None:
                    conn.request("GET", path)
                else:
                    conn.request("POST", path, body=bodies[i % len(bodies)], headers=headers)
                answer = conn.getresponse()
                answer.read()
                if not 200 <= answer.status < 300:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
            i += 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    pool = [threading.Thread(target=loop, args=(start_index + t * 7919,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, failures[0]))


def run_python(
    server: Server, path: str, bodies: list[dict[str, Any]] | None, args: argparse.Namespace
) -> dict[str, float]:
    encoded = None
    if bodies is not None:
        encoded = [json.dumps(body, ensure_ascii=False).encode() for body in bodies]
    processes = 2
    per_process = max(1, args.connections // processes)
    queue: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_worker,
            args=(
                server.port,
                server.key,
                path,
                encoded,
                p * 2000,
                per_process,
                args.duration,
                queue,
            ),
        )
        for p in range(processes)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    latencies: list[float] = []
    failures = 0
    for _ in procs:
        part, bad = queue.get()
        latencies.extend(part)
        failures += bad
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0,
        "requests": float(len(latencies)),
        "non_2xx": float(failures),
        "errors": 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--workers", type=int, default=0, help="0: the server's default")
    parser.add_argument("--threads", type=int, default=0, help="0: the server's default")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--signups", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load", choices=("wrk", "python"), default=None)
    args = parser.parse_args()
    load = args.load or ("wrk" if shutil.which("wrk") else "python")
    if load == "wrk" and args.duration != int(args.duration):
        args.duration = max(1, round(args.duration))
    run = run_wrk if load == "wrk" else run_python

    bodies = signups(args.signups, args.seed)
    server = Server(args)
    try:
        setting = (
            f"{args.database}{' + redis' if args.redis else ''},"
            f" {args.workers or 'default'} workers"
            f" x {args.threads or 'default'} threads, {args.connections} connections,"
            f" {args.duration:g} s each, load: {load}"
        )
        print(f"http_throughput: {setting}", flush=True)
        # A short warm-up of both paths (imports, caches, connections).
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        run(server, "/healthz", None, warm)
        run(server, "/v1/screenings", bodies, warm)
        cpu = server.cpu_seconds()
        health = run(server, "/healthz", None, args)
        health["cpu"], cpu = server.cpu_seconds() - cpu, server.cpu_seconds()
        screen = run(server, "/v1/screenings", bodies, args)
        screen["cpu"] = server.cpu_seconds() - cpu
    finally:
        server.close()
    for name, r in (("GET /healthz", health), ("POST /v1/screenings", screen)):
        print(
            f"  {name:<20} {r['rps']:9.1f} req/s   p50 {r['p50']:7.2f} ms   p99 {r['p99']:7.2f} ms"
            f"   server CPU {r['cpu'] / max(1.0, r.get('requests', 1)) * 1000:6.2f} ms/request"
            f"   ({int(r.get('requests', 0))} requests, {int(r['non_2xx'])} non-2xx,"
            f" {int(r['errors'])} socket errors)"
        )
    print(f"  ratio screenings/healthz: {screen['rps'] / health['rps']:.3f}  (target >= 0.3)")
    cpu_ratio = (health["cpu"] / health["requests"]) / (screen["cpu"] / screen["requests"])
    print(f"  ratio of server CPU per request, healthz/screening: {cpu_ratio:.3f}")


if __name__ == "__main__":
    main()
