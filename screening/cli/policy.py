"""`screening policy ...`: the privacy policy the service enforces."""

from __future__ import annotations

from pathlib import Path

import click

from screening.cli.common import _fail, _settings
from screening.errors import ScreeningError


@click.group()
def policy() -> None:
    """The privacy policy the service enforces."""


@policy.command("render")
def policy_render() -> None:
    """Print the Art. 30 record of processing (Markdown) generated from the policy file."""
    from screening.core.art30 import render_record
    from screening.core.policy import load_policy

    try:
        click.echo(render_record(load_policy(_settings().policy_path)))
    except ScreeningError as exc:
        _fail(exc)


@policy.command("check")
@click.argument(
    "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
def policy_check(path: Path | None) -> None:
    """Validate a policy file (default: the configured one)."""
    from screening.core.policy import load_policy

    try:
        loaded = load_policy(path or _settings().policy_path)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"ok: policy {loaded.version}, {len(loaded.fields)} fields")
