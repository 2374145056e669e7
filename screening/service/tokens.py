"""Contest-token checks that read the store: one narrow lookup, the same work for any id."""

from __future__ import annotations

from screening.core.tokens import token_matches
from screening.store import decisions as store
from screening.store.db import Database


def token_opens(db: Database, decision_id: str, token: str) -> bool:
    """Tell whether ``token`` opens the decision ``decision_id``, in constant work.

    An unknown id costs the same as a known one with a wrong token (the lookup reads
    the token hashes by id; an empty list is compared against a dummy), so timing reveals nothing.
    """
    with db.session() as session:
        return token_matches(store.contest_token_hashes(session, decision_id), token)
