"""Placeholder: the `screening model` commands, filled in by the model work."""

from __future__ import annotations

import click


@click.group("model")
def group() -> None:
    """model"""
