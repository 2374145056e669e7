"""Spec for screening.core.linked: which held decisions link to earlier ones, and by what."""

from __future__ import annotations

import pytest

from screening.core.linked import link_kinds, window


@pytest.mark.parametrize(
    ("outcome", "signals", "kinds"),
    [
        # The same name and postal code with another mailbox; a neighbouring number.
        ("review", {"velocity.name_postcode_24h": 1}, ("name_postcode",)),
        ("decline", {"velocity.phone_block_1h": 2, "velocity.phone_1h": 1}, ("phone_block",)),
        (
            "review",
            {"velocity.name_postcode_24h": 2, "velocity.phone_block_1h": 2},
            ("name_postcode", "phone_block"),
        ),
        # An exact retry (same email, same phone) is no variant.
        ("review", {"velocity.name_postcode_24h": 1, "velocity.email_24h": 1}, ()),
        ("review", {"velocity.phone_block_1h": 1, "velocity.phone_1h": 1}, ()),
        # An approved decision brings nobody to a person.
        ("approve", {"velocity.name_postcode_24h": 3}, ()),
        ("review", {}, ()),
    ],
)
def test_link_kinds(outcome: str, signals: dict[str, int], kinds: tuple[str, ...]) -> None:
    assert link_kinds(outcome, signals) == kinds


def test_windows_are_those_the_variants_were_counted_over() -> None:
    assert window("name_postcode") == 86_400
    assert window("phone_block") == 3_600
