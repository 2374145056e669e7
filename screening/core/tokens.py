"""Contest tokens: random, shown once, stored as SHA-256, compared in constant time.

A decision may have several live tokens: the first answer's and one per idempotent
replay (the customer may have received any of them). Each one opens the decision
until its data is scrubbed (retention) or erased, which deletes them all. A token for an
unknown decision costs the same work as a wrong one (``bench/token_timing.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

# Compared against when a decision has no token, so a miss costs what a wrong token does.
_NO_TOKEN = "0" * 64


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(stored: Sequence[str], token: str) -> bool:
    """Tell whether ``token`` is one of the ``stored`` hashes (a decision's live tokens).

    Every hash is compared, and an empty list costs one comparison too, so the time
    taken says nothing about how many tokens, if any, a decision has. Callers read
    the hashes by id whether or not the decision exists.
    """
    wanted = token_hash(token)
    found = False
    for candidate in stored or [_NO_TOKEN]:
        found |= hmac.compare_digest(candidate, wanted)
    return found
