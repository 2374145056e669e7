"""How long `screening keys list` takes beside `python -c "import flask, sqlalchemy"`.

Runs both alternately (so machine load hits both alike) on a migrated SQLite database in a
temporary instance folder and prints the medians and their ratio (target: at most 3x).

    .venv/bin/python bench/cli_startup.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    screening = str(Path(sys.executable).with_name("screening"))
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SCREENING_INSTANCE_PATH": str(Path(folder) / "instance")}
        subprocess.run([screening, "db", "upgrade"], env=env, check=True, capture_output=True)
        baseline, keys = [], []
        for _ in range(args.runs):
            baseline.append(timed([sys.executable, "-c", "import flask, sqlalchemy"], env))
            keys.append(timed([screening, "keys", "list"], env))
    b, k = statistics.median(baseline), statistics.median(keys)
    print(f"python -c 'import flask, sqlalchemy': median {b * 1000:.0f} ms over {args.runs} runs")
    print(f"screening keys list:                 median {k * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio: {k / b:.2f}x (target: at most 3x)")


if __name__ == "__main__":
    main()
