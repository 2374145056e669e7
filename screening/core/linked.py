"""Linked review: when a held signup shows one actor, the earlier approved ones it links to.

The first signup of a one-actor burst carries no evidence when it is decided: an ordinary
person, every velocity count 0. The second one shows it (the same name and postal code with
another mailbox, a neighbouring phone number) and is held. Nothing about the first signup
has changed, but now a person can see that it belongs to the same burst, so the service
opens a review case for the earlier decisions that the held one is linked to by the same
velocity pseudonyms within the window that counted them (``source: "linked"``). The first
signup was approved at signup and is caught after the fact, minutes later; it is reported
apart from holds at signup. A linked case only brings an approved decision to a person:
it never changes the automated outcome and never declines.

This module is pure: it says when a decision links and by which identifiers; the service
(:mod:`screening.service.linked`) finds the earlier decisions in the store.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.core.checks import SignalValue

# Identifier kind -> (window in seconds, the count that shows variants, the exact repeat
# subtracted from it). The variants are the model's strongest velocity features: the same
# name and postal code with another mailbox in 24 h, a neighbouring phone number in 1 h. An
# exact repeat (a retry with the same email or phone) is not a variant and never links.
LINKS: Mapping[str, tuple[int, str, str]] = {
    "name_postcode": (86_400, "velocity.name_postcode_24h", "velocity.email_24h"),
    "phone_block": (3_600, "velocity.phone_block_1h", "velocity.phone_1h"),
}
SOURCE = "linked"


def _int(value: SignalValue | None) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def link_kinds(outcome: str, signals: Mapping[str, SignalValue]) -> tuple[str, ...]:
    """Return the identifier kinds by which a decision links to earlier ones (maybe none).

    Only a held decision (``review`` or ``decline``) links, and only by a kind whose
    variants its own signals show: a person then has a reason to look at the others.
    """
    if outcome == "approve":
        return ()
    return tuple(
        kind
        for kind, (_window, total, same) in LINKS.items()
        if _int(signals.get(total)) - _int(signals.get(same)) > 0
    )


def window(kind: str) -> int:
    """Return how far back, in seconds, a decision links by ``kind``."""
    return LINKS[kind][0]
