"""The built wheel works anywhere: installed without ``-e``, run from a folder outside the checkout.

The wheel goes into a fresh virtualenv. Its third-party dependencies come from this test
environment's site-packages through a ``.pth`` line (so no download is needed); a path added
that way does not run that folder's own ``.pth`` files, so the checkout's editable install is
not visible to it: only the wheel's copy of ``screening`` can be imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
WHERE = "import screening; print(screening.__file__)"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the bin folder of a fresh virtualenv with the built wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (wheel,) = dist.glob("signup_screening-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / "bin"
    site = Path(
        subprocess.run(
            [str(bin_dir / "python"), "-c", PURELIB],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q",
         "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return bin_dir


def run_outside(bin_dir: Path, tmp_path: Path, *args: str, stdin: str | None = None) -> str:
    env = {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "SCREENING_INSTANCE_PATH": str(tmp_path / "instance"),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        list(args), cwd=tmp_path, env=env, input=stdin, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_wheel_carries_its_own_screening(installed: Path, tmp_path: Path) -> None:
    where = run_outside(
        installed, tmp_path, str(installed / "python"), "-c", WHERE
    )  # fmt: skip
    assert str(ROOT) not in where
    assert "site-packages" in where


def test_the_installed_wheel_checks_its_policy(installed: Path, tmp_path: Path) -> None:
    out = run_outside(installed, tmp_path, str(installed / "screening"), "policy", "check")
    assert out.startswith("ok: policy")
    assert run_outside(installed, tmp_path, str(installed / "screening"), "--version").strip()


def test_the_installed_wheel_serves_a_screening_with_the_shipped_defaults(
    installed: Path, tmp_path: Path
) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from screening.app import create_app
        from screening.store.keys import create_key
        app = create_app()
        with app.extensions["screening"].db.session() as session:
            _row, key = create_key(session, ["screen"], "wheel-test")
        body = {"first_name": "Marie", "last_name": "Dubois", "email": "marie.dubois@example.be",
                "phone": "+32 470 58 21 97",
                "address": {"line1": "Rue de la Loi 16", "city": "Bruxelles",
                            "postal_code": "1000", "country": "BE"}}
        response = app.test_client().post(
            "/v1/screenings", json=body, headers={"Authorization": f"Bearer {key}"})
        print(json.dumps({"status": response.status_code, **response.get_json()}))
        """
    )
    answer = json.loads(run_outside(installed, tmp_path, str(installed / "python"), "-c", script))
    assert answer["status"] == 201
    assert answer["outcome"] == "approve"
    assert answer["versions"]["rules"] and answer["versions"]["model"] != "none"
