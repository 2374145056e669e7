"""Recognise placeholder and test identities typed into name fields ("Test", "John Doe").

Judgement calls: words that are only ever placeholders ("Test", "Asdf", "Firstname",
"Null", "Unknown") count in either part, even though a few real people are named Test or
Null; words that are also real names ("Foo" and "Bar" are surnames, "Na" is a Korean
surname, "Nil" a Turkish given name) count only when both parts are such words ("Foo
Bar", "Na Na") or the pair is a famous stand-in ("John Doe", "Mickey Mouse").
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_LETTERS_RE = re.compile(r"[\W\d_]+")

# Placeholders, compared as case-folded, accent-stripped letters only ("N/A" -> "na" is
# not used: Na is a Korean surname; the punctuated forms are in _PLACEHOLDER_TEXT).
_PLACEHOLDER_WORDS = frozenset(
    """test tester testing testtest testuser testname asdf asdfg asdfgh asdfghjkl qwerty
    qwert qwertz azerty firstname lastname fname lname username yourname noname surname
    user name admin administrator none null undefined unknown unkown anonymous anon xxx
    xyz abc abcd abcde abcdef sample example demo fake fakename dummy lorem ipsum blah
    blabla nobody nothing prenom nombre apellido apellidos vorname nachname cognome
    sobrenome imie nazwisko mustermann musterfrau fulano sicrano beltrano foobar batman
    superman spiderman""".split()
)
_PLACEHOLDER_TEXT = frozenset({"n/a", "n.a.", "n.a", "#n/a", "n\\a", "n.n.", "mr x", "mr. x"})
# Real names on their own (Foo and Bar are surnames, Na Korean, Nil Turkish), placeholders
# only together.
_WEAK_WORDS = frozenset("foo bar baz qux first last na nil mr mrs ms x doe".split())
_PLACEHOLDER_PAIRS = frozenset(
    tuple(p.split())
    for p in (
        "john doe", "jane doe", "john roe", "jane roe", "richard roe", "baby doe",
        "joe bloggs", "fred bloggs", "joe public", "john public", "mickey mouse",
        "minnie mouse", "donald duck", "daisy duck", "homer simpson", "bart simpson",
        "jan modaal", "max mustermann", "erika mustermann",
    )
)  # fmt: skip


def fold_key(text: str) -> str:
    """Case-fold ``text`` and strip its accents, for comparing names ("Zoë" == "ZOE")."""
    if text.isascii():
        return text.lower()
    return _DIACRITICS_RE.sub("", unicodedata.normalize("NFKD", text.casefold()))


def is_placeholder(first_key: str, last_key: str) -> bool:
    """Return True when the folded parts (see :func:`fold_key`) form a placeholder identity."""
    compact = []
    for key in (first_key, last_key):
        letters = _NON_LETTERS_RE.sub("", key)
        if key in _PLACEHOLDER_TEXT or letters in _PLACEHOLDER_WORDS:
            return True
        if len(letters) >= 3 and len(set(letters)) == 1:
            return True
        compact.append(letters)
    pair = (compact[0], compact[1])
    if pair in _PLACEHOLDER_PAIRS or pair[::-1] in _PLACEHOLDER_PAIRS:
        return True
    return compact[0] in _WEAK_WORDS and compact[1] in _WEAK_WORDS
