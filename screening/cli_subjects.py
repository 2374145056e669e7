"""Placeholder: the `screening subjects` commands, filled in by the subjects work."""

from __future__ import annotations

import click


@click.group("subjects")
def group() -> None:
    """subjects"""
