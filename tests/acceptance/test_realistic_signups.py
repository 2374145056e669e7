"""Acceptance: realistic people are approved; obvious fraud is held or declined.

Runs the whole HTTP path (policy, checks, rules, decision, record) over seeded
synthetic populations and prints both rates.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from screening.training.synth import fraudulent, legitimate
from tests.helpers import auth

ISSUE_PATTERNS = (
    "keyboard_name",
    "gibberish_name",
    "placeholder_identity",
    "disposable_email",
    "invalid_phone",
    "invalid_address",
)


def screen_all(client: Any, key: str, rows: list[Any], *, refusable: bool = False) -> list[Any]:
    """Screen every row; a row missing a required field is refused (422) when ``refusable``."""
    out = []
    for row in rows:
        response = client.post("/v1/screenings", json=row.body, headers=auth(key))
        if refusable and response.status_code == 422:
            out.append({"outcome": "refused", "reasons": []})
            continue
        assert response.status_code == 201, response.get_data(as_text=True)
        out.append(response.get_json())
    return out


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_realistic_signups_are_approved(client: Any, screen_key: str) -> None:
    rows = legitimate(1000, seed=20261125)
    assert len({r.locale for r in rows}) >= 25 and len({r.script for r in rows}) >= 6
    answers = screen_all(client, screen_key, rows)
    approved = sum(a["outcome"] == "approve" for a in answers)
    rate = approved / len(rows)
    held = Counter(
        (row.locale, r["code"])
        for row, a in zip(rows, answers, strict=True)
        if a["outcome"] != "approve"
        for r in a["reasons"]
    )
    print(f"\nrealistic signups approved: {approved}/{len(rows)} = {rate:.1%}")
    assert rate >= 0.97, f"approved {rate:.1%}; most common holds: {held.most_common(10)}"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_obviously_fraudulent_signups_are_not_approved(client: Any, screen_key: str) -> None:
    rows = fraudulent(600, seed=7, patterns=ISSUE_PATTERNS)
    answers = screen_all(client, screen_key, rows, refusable=True)
    refused = sum(a["outcome"] == "refused" for a in answers)
    stopped = [a["outcome"] != "approve" for a in answers]
    rate = sum(stopped) / len(rows)
    by_pattern: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for row, hit in zip(rows, stopped, strict=True):
        primary = row.pattern.split("+")[0]  # combined patterns read "first+second"
        by_pattern[primary] += 1
        missed[primary] += not hit
    print(
        f"\nfraudulent signups not approved: {sum(stopped)}/{len(rows)} = {rate:.1%} "
        f"({refused} refused as malformed: a required field missing)"
    )
    detail = {p: f"{1 - missed[p] / n:.0%}" for p, n in by_pattern.items()}
    print(f"by pattern: {detail}")
    assert set(by_pattern) == set(ISSUE_PATTERNS)
    assert rate >= 0.90, f"stopped {rate:.1%}; by pattern {detail}"
