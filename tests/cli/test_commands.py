"""The command line: only `db upgrade` migrates, commands run side by side, `--version`."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screening.cli import main
from tests.conftest import HMAC_TEST_KEYS, throwaway_postgres


def env_for(instance: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "SCREENING_ENV": "test",
        "SCREENING_INSTANCE_PATH": str(instance),
        "SCREENING_HMAC_KEYS": HMAC_TEST_KEYS,
        "SCREENING_SECRET_KEY": "s" * 40,
    }
    if database_url:
        env["SCREENING_DATABASE_URL"] = database_url
    return env


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "screening.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.fixture
def fresh_postgres() -> Any:
    """An empty PostgreSQL database of this test's own (no schema yet)."""
    with throwaway_postgres("screening_cli") as url:
        yield url


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert version("signup-screening") in result.output


def test_a_command_on_a_database_never_migrated_names_the_fix(tmp_path: Path) -> None:
    code, _out, err = finish(start(env_for(tmp_path / "instance"), "keys", "list"))
    assert code == 2
    assert "screening db upgrade" in err


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_two_upgrades_started_together_both_succeed(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("fresh_postgres") if dialect == "postgresql" else None
    env = env_for(tmp_path / "instance", url)
    first, second = start(env, "db", "upgrade"), start(env, "db", "upgrade")
    for process in (first, second):
        code, out, err = finish(process)
        assert code == 0, err
        assert "latest migration" in out


def test_commands_started_together_on_a_migrated_database_both_succeed(tmp_path: Path) -> None:
    env = env_for(tmp_path / "instance")
    assert finish(start(env, "db", "upgrade"))[0] == 0
    runs = [start(env, "keys", "create", "--scope", "screen"), start(env, "keys", "list")]
    runs.append(start(env, "keys", "create", "--scope", "analyst"))
    results = [finish(process) for process in runs]
    assert [code for code, _out, _err in results] == [0, 0, 0], [err for *_x, err in results]
    listed = finish(start(env, "keys", "list"))[1]
    assert listed.count("active") == 2
