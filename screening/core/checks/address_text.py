"""Recognise placeholder values and PO boxes in the free-text lines of a postal address.

All matching runs on :func:`screening.core.checks.address_rules.fold` output (case folded,
accents dropped, punctuation turned into spaces), so "N/A", "n.a." and "N A" compare
alike, and "P.O. Box" becomes "p o box".

Placeholder judgement calls: a value is a placeholder when the WHOLE field is a filler
word ("test", "none", "unknown", "city", "street", "xxx"...), when it contains a phrase
that only appears in made-up addresses ("fake street", "test lane", "anytown", "lorem
ipsum", keyboard mashes "asdf"/"qwerty"), when it is one repeated character ("aaaa",
"1111", "-"), or when it has no letter or digit at all. "Test" as part of a longer
value is not flagged (real streets and villages contain it: Teststraße, Testwood), and
"Main Street" is only flagged together with "Anytown", its classic placeholder partner.
A city with no letter at all ("12345") is flagged; a line1 made only of digits is not,
except the keyboard runs "123", "1234", "12345", "123456". Filler words that are also
real towns are not flagged as the city of their own country: None (IT), Street (GB).
"""

from __future__ import annotations

import re

_PLACEHOLDER_VALUES = frozenset(
    {
        "test",
        "testing",
        "test test",
        "tester",
        "asd",
        "sdf",
        "abc",
        "abcd",
        "abc123",
        "xyz",
        "nowhere",
        "n a",
        "na",
        "none",
        "null",
        "nil",
        "nothing",
        "no",
        "nope",
        "street",
        "address",
        "city",
        "town",
        "village",
        "unknown",
        "fake",
        "sample",
        "example",
        "dummy",
        "foo",
        "bar",
        "foobar",
        "blah",
        "bla",
        "blabla",
        "placeholder",
        "address line 1",
        "line 1",
        "street address",
        "your address",
        "my address",
        "no address",
        "123",
        "1234",
        "12345",
        "123456",
    }
)

_STREET_WORDS = r"(?:street|st|road|rd|lane|ln|avenue|ave|drive|dr|way|address|city|town)"
_PLACEHOLDER_PHRASES = re.compile(
    r"\b(?:"
    r"asdf\w*|qwert[yz]\w*|azerty\w*|lorem ipsum|any ?town|xxxx+"
    rf"|fake {_STREET_WORDS}|test {_STREET_WORDS}|sample {_STREET_WORDS}"
    rf"|example {_STREET_WORDS}|nowhere {_STREET_WORDS}"
    r")\b"
)

_PO_BOX = re.compile(
    # English: PO Box, P.O. Box, POBox, Post Office Box, GPO Box, Box 12, Locked/Private Bag
    r"\b(?:p ?o|gpo|post office|post) ?box\b|\bpobox\b|(?:^|\s)box \d"
    r"|\b(?:locked|private) bag\b"
    # German, Dutch, Nordic
    r"|\bpostfach\b|\bpostbus\b|\bpostboks\b|\bpostbox\b"
    # French: boîte postale, BP 12, case postale (CH)
    r"|\bboite postale\b|\bb ?p \d|\bcase postale\b"
    # Italian, Spanish, Portuguese
    r"|\bcasella postale\b|\bapartado\b|\bapdo\b|\bcasilla\b|\bcaixa postal\b"
    # Polish, Turkish, Russian
    r"|\bskrytka pocztowa\b|\bskr poczt\b|\bposta kutusu\b|абонентск\w* ящик|\bа я \d"
    # Japanese, Chinese
    r"|私書箱|邮政信箱|郵政信箱"
)

# Substrings every _PO_BOX alternative contains: a cheap gate in front of the slow regex.
_PO_BOX_HINTS = (
    "box",
    "bag",
    "post",
    "boite",
    "p ",
    "apartado",
    "apdo",
    "casilla",
    "caixa",
    "skr",
    "ящик",
    "а я",
    "私書箱",
    "信箱",
)

_DIGIT = re.compile(r"\d")


# Real towns named like filler words, by country: None (Piedmont), Street (Somerset).
_REAL_TOWNS = {"none": "IT", "street": "GB"}


def is_placeholder(folded: str) -> bool:
    """Return whether one non-empty address line looks like a placeholder.

    Args:
        folded: The value passed through ``fold``; "" when it had no letter or digit.
    """
    compact = folded.replace(" ", "")
    if len(set(compact)) <= 1:  # one repeated character, or only punctuation and symbols
        return True
    return folded in _PLACEHOLDER_VALUES or _PLACEHOLDER_PHRASES.search(folded) is not None


def is_placeholder_city(folded: str, country: str) -> bool:
    """Return whether a non-empty city looks like a placeholder (or has no letter at all)."""
    if _REAL_TOWNS.get(folded) == country:
        return False
    return is_placeholder(folded) or not any(ch.isalpha() for ch in folded)


def is_po_box(folded: str) -> bool:
    """Return whether a folded address line names a PO box in a common language."""
    for hint in _PO_BOX_HINTS:  # a plain loop: twice as fast as any() over a generator
        if hint in folded:
            return _PO_BOX.search(folded) is not None
    return False


def has_digit(raw: str) -> bool:
    """Return whether a value contains a digit in any script (a house number)."""
    return _DIGIT.search(raw) is not None
