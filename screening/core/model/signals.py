"""Signals the model computes for the rules: declared here, gathered by `core.signals`."""

from __future__ import annotations

from screening.core.checks import Signal

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "name.plausibility",
        "float",
        "How much the name looks like a real name in any script, 0.0 (junk: keyboard runs, "
        "random letters, placeholders) to 1.0 (a real name), from a character n-gram model "
        "trained on real names of ~110 locales; the lower of the two parts. 1.0 when no name "
        "was given or no model is loaded.",
        1.0,
    ),
)
