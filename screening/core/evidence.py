"""Which evidence may decline a signup: declared here, once, for the rules and the model.

A decline must rest on strong evidence about the signup itself. A person's name, where
they live and a typing slip are ordinary for real people: in any script, in a shared
household or office, with a mistyped provider. Evidence of that kind alone sends a signup
to a person at most, never to a decline. :func:`screening.core.decide.outcome_for`
enforces this for every rule set and for the model's score:

- a ``decline`` rule whose ``when`` reads only :data:`WEAK_SIGNALS` (name, address and typo
  signals, shared-address counts) reviews instead of declining;
- a ``risk_total`` at or above the decline threshold declines only when at least one
  :data:`STRONG_EVIDENCE` expression is true for the signup; otherwise it reviews.

``rules/README.md`` ("What may decline") documents both; a property test over generated
signups checks that no decline rests on weak signals alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

# Name -> CEL over signals, true when the signup carries that strong evidence. Thresholds of
# velocity are above what households (four people at one address, a family's one phone) and
# retries reach: confirmed abuse, not a busy flat.
STRONG_EVIDENCE: Mapping[str, str] = MappingProxyType(
    {
        "list_blocked": "list.blocked",
        "email_disposable": "email.disposable",
        "phone_invalid": "!phone.missing && !phone.valid",
        "phone_not_real": "phone.fake_pattern && phone.fake_kind != 'sequence'",
        "phone_premium_rate": "phone.line_type in ['premium_rate', 'shared_cost']",
        "age_below_minimum": "age.provided && age.valid && !age.requirement_met",
        "velocity_abuse": (
            "(velocity.email_stem_24h >= 5 && velocity.name_postcode_24h >= 5)"
            " || velocity.email_24h >= 5 || velocity.phone_24h >= 5"
            " || velocity.phone_block_1h >= 5"
        ),
    }
)

# Signals that describe a person's name, their address or a typo: never a decline alone.
# A signal is weak when its name starts with one of these. Where a person lives includes
# where their contact details come from: ``address.three_countries`` (weak as an address
# signal) and the mail provider's country, which says where someone is from, not what
# they are doing.
WEAK_SIGNALS: tuple[str, ...] = (
    "name.",
    "address.",
    "email.domain_country",
    "email.domain_typo",
    "email.typo_",
    "velocity.address_",
    "velocity.street_",
    "velocity.name_postcode_",
)


def is_weak(signal: str) -> bool:
    """Return True if ``signal`` is a name, address or typo signal (never decisive alone)."""
    return signal.startswith(WEAK_SIGNALS)


def weak_only(signals: Iterable[str]) -> bool:
    """Return True if every signal in ``signals`` is weak (an empty set counts as weak)."""
    return all(is_weak(s) for s in signals)


def combined_expression() -> str:
    """Return one CEL expression, true when any strong evidence is present."""
    return " || ".join(f"({when})" for when in STRONG_EVIDENCE.values())
