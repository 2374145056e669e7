"""Screen a signup without recording anything, for live validation as a person types.

No decision row, no event, no velocity (neither counted nor consulted), no outbox
message: the database is only read (block and allow lists). The answer has the
outcome, the reasons and suggestions, and no contest token, since nothing can be
contested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.core import i18n
from screening.core.checks import SignalValue
from screening.core.checks.suggestions import suggestions
from screening.core.identifiers import identify
from screening.core.pipeline import Checked, screen
from screening.runtime import Runtime
from screening.service.screenings import context
from screening.store.lookups import list_signals


def dry_run(
    runtime: Runtime, payload: Mapping[str, Any], *, accept_language: str | None = None
) -> dict[str, Any]:
    """Return what screening ``payload`` would answer now, recording nothing."""
    live = runtime.rules.current()
    with runtime.db.session() as session:

        def lookups(checked: Checked) -> Mapping[str, SignalValue]:
            # Lists are read, never written; velocity is neither counted nor consulted.
            ids = identify(checked.normalized, checked.signals, runtime.pseudonyms)
            return list_signals(session, ids.listed)

        screened = screen(payload, context(runtime, live.rule_set, lookups=lookups))
        session.rollback()  # read only: nothing of a dry run is ever committed
    language = i18n.choose(screened.normalized.get("language"), accept_language=accept_language)
    decision = screened.decision
    return {
        "dry_run": True,
        "outcome": decision.outcome,
        "score": decision.score,
        "language": language,
        "reasons": i18n.translate_reasons(language, [r.to_dict() for r in decision.reasons]),
        "normalized": screened.normalized.as_dict(),
        "discarded_fields": list(screened.discarded),
        "suggestions": suggestions(screened.normalized),
        "versions": {
            "rules": live.version,
            "model": runtime.model_version,
            "policy": runtime.policy.version,
        },
    }
