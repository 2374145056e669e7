"""Field checks: pure functions from one submitted field to typed signals.

Each module checks one kind of field and declares the signals it produces in a
module-level ``SIGNALS`` tuple; :mod:`screening.core.signals` gathers them into the
catalogue that rules are validated against and that ``rules/README.md`` documents.
Nothing here does I/O (an optional DNS lookup for email domains is injected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SignalType = Literal["bool", "int", "float", "string", "list<string>"]
SignalValue = bool | int | float | str | list[str]


@dataclass(frozen=True)
class Signal:
    """One named, typed, documented signal that rules can read.

    ``name`` is dotted, ``group.signal`` (for example ``email.disposable``);
    ``default`` is the value used when the field it comes from was not submitted.
    """

    name: str
    type: SignalType
    description: str
    default: SignalValue


@dataclass(frozen=True)
class CheckResult:
    """What a check returns: the normalised value (or None) and its signals."""

    normalized: Any
    signals: dict[str, SignalValue] = field(default_factory=dict)
    # A corrected value to offer the person ("gmail.com" for a mistyped "gmial.com"), or "".
    suggestion: str = ""
