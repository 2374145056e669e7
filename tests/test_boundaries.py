"""The layers' arrows point down only, and the server never loads the training code.

Read from the source (every ``import``, at the top of a module or inside a function):

    api, web, cli  ->  service  ->  store, core
                       (service may read the process's ``runtime`` parts)
    core           ->  core and ``errors`` only: no Flask, no database, no I/O libraries
    training       ->  core (the server never imports training; Faker is a training extra)
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "screening"

# layer -> the first-party modules (prefixes) it may import; "*" means any first-party module.
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": ("screening.core", "screening.errors"),
    "store": ("screening.core", "screening.errors", "screening.store"),
    "service": (
        "screening.core",
        "screening.errors",
        "screening.store",
        "screening.service",
        "screening.runtime",
        "screening.metrics",
        "screening.logs",
        "screening.config",
    ),
    "training": ("screening.core", "screening.errors", "screening.config", "screening.training"),
    "api": ("*",),
    "web": ("*",),
    "cli": ("*",),
}
# First-party modules a layer may never import, even where "*" allows the rest.
FORBIDDEN_FIRST_PARTY: dict[str, tuple[str, ...]] = {
    "api": ("screening.cli", "screening.training"),
    "web": ("screening.cli", "screening.training"),
}
# Third-party libraries the pure core may not import.
CORE_FORBIDDEN_LIBRARIES = (
    "flask",
    "werkzeug",
    "flask_openapi3",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "redis",
    "gunicorn",
    "prometheus_client",
    "click",
    "faker",
    "urllib.request",
    "smtplib",
    "socket",
    "requests",
)


def imports_of(source: str) -> list[str]:
    """Return every module a source file imports (absolute names), wherever the import is."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            # `from screening.core import pipeline` imports a module too
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(layer: str, source: str) -> list[str]:
    """Return the imports of a module of ``layer`` that break the arrows."""
    found = []
    allowed = ALLOWED[layer]
    for name in imports_of(source):
        if name.startswith("screening."):
            if "*" not in allowed and not any(_within(name, p) for p in allowed):
                found.append(name)
            if any(_within(name, p) for p in FORBIDDEN_FIRST_PARTY.get(layer, ())):
                found.append(name)
        elif layer == "core" and any(_within(name, lib) for lib in CORE_FORBIDDEN_LIBRARIES):
            found.append(name)
    return sorted(set(found))


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) > 1 and parts[0] in ALLOWED and "migrations" not in parts:
            out.append((parts[0], path))
    return out


@pytest.mark.parametrize(
    ("layer", "path"),
    modules(),
    ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v,
)
def test_every_module_imports_only_what_its_layer_may(layer: str, path: Path) -> None:
    assert violations(layer, path.read_text()) == []


def test_the_check_sees_every_layer() -> None:
    assert {layer for layer, _path in modules()} == set(ALLOWED)


@pytest.mark.parametrize(
    ("layer", "source", "expected"),
    [
        ("core", "import flask", ["flask"]),
        ("core", "def f():\n    from sqlalchemy import select", ["sqlalchemy"]),
        (
            "core",
            "from screening.store import decisions",
            ["screening.store", "screening.store.decisions"],
        ),
        (
            "core",
            "from screening.service.screenings import record_screening",
            ["screening.service.screenings"],
        ),
        ("core", "from screening.core import pipeline\nimport math", []),
        (
            "store",
            "from screening.service import rights",
            ["screening.service", "screening.service.rights"],
        ),
        ("service", "from screening.api.auth import principal", ["screening.api.auth"]),
        (
            "api",
            "from screening.training import synth",
            ["screening.training", "screening.training.synth"],
        ),
        ("training", "from screening.store.models import Decision", ["screening.store.models"]),
    ],
)
def test_the_check_catches_a_forbidden_import(layer: str, source: str, expected: list[str]) -> None:
    got = violations(layer, source)
    assert set(expected) <= set(got)
    assert bool(got) == bool(expected)


def test_creating_the_app_loads_no_training_code() -> None:
    """The server process never loads Faker or any training module (they are a training extra)."""
    script = textwrap.dedent(
        """
        import sys, tempfile
        from screening.app import create_app
        folder = tempfile.mkdtemp()
        create_app({"env": "test", "instance_path": folder + "/instance",
                    "hmac_keys": "t1:" + "x" * 40, "secret_key": "s" * 40})
        loaded = sorted(m for m in sys.modules
                        if m.split(".")[0] == "faker" or m.startswith("screening.training"))
        print(",".join(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert result.stdout.strip() == ""
