"""The pure core: plain data in, plain data out; no Flask, no database, no I/O.

:func:`screen` (``screen(payload, context) -> Screened``) is the one pipeline every
caller uses: the service layer, simulation, training, benchmarks and tests.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Context", "Screened", "screen"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing one core module (the CLI's pseudonyms, say) does not load
    # every check's data.
    if name in __all__:
        from screening.core import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
