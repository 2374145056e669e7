"""Junk and disguised names for fraudulent signups: one function per name pattern.

Each function edits an ordinary person's draft signup in place: keyboard runs, gibberish,
placeholders ("Test Test"), repeated letters, digits, or Latin letters swapped for look-alikes.
"""

from __future__ import annotations

import random
import string

from screening.training.synth.emails import provider
from screening.training.synth.people import Draft


def _set_name(draft: Draft, first: str, last: str) -> None:
    draft.body["first_name"], draft.body["last_name"] = first, last


def _local_from(rng: random.Random, first: str, last: str) -> str:
    a = "".join(ch for ch in first.lower() if ch.isascii() and ch.isalnum()) or "user"
    b = "".join(ch for ch in last.lower() if ch.isascii() and ch.isalnum())
    return rng.choice((f"{a}.{b}", f"{a}{b}", f"{a}{rng.randint(1, 999)}")).strip(".")


def _maybe_email_from(rng: random.Random, draft: Draft, first: str, last: str) -> None:
    # A junk name usually comes with a matching junk mailbox, but not always.
    if rng.random() < 0.6:
        domain = provider(rng, draft.profile.country)
        draft.body["email"] = f"{_local_from(rng, first, last)}@{domain}"


_KEYBOARD_ROWS = tuple(
    "qwertyuiop asdfghjkl zxcvbnm azertyuiop qsdfghjklm wxcvbn qwertzuiop yxcvbnm "
    "poiuytrewq lkjhgfdsa".split()
)


def _keyboard_run(rng: random.Random) -> str:
    row = rng.choice(_KEYBOARD_ROWS)
    k = rng.randint(3, 6)
    start = rng.randint(0, len(row) - k)
    run = row[start : start + k]
    return run.capitalize() if rng.random() < 0.8 else run


def keyboard_name(rng: random.Random, draft: Draft) -> None:
    """Replace the name with keyboard runs ("Asdf Jkl", "Qwertz Uiop", AZERTY "Qsdf")."""
    first = _keyboard_run(rng)
    last = first if rng.random() < 0.15 else _keyboard_run(rng)
    _set_name(draft, first, last)
    _maybe_email_from(rng, draft, first, last)


_CONSONANTS = "bcdfghjklmnpqrstvwxzkxqzj"


def _gibberish(rng: random.Random) -> str:
    letters = [
        rng.choice("aeiou") if rng.random() < 0.15 else rng.choice(_CONSONANTS)
        for _ in range(rng.randint(4, 10))
    ]
    return "".join(letters).capitalize()


def gibberish_name(rng: random.Random, draft: Draft) -> None:
    """Replace the name with random consonant-heavy strings ("Xkjhwq Prtzvb")."""
    first, last = _gibberish(rng), _gibberish(rng)
    _set_name(draft, first, last)
    _maybe_email_from(rng, draft, first, last)


_PLACEHOLDERS = (
    ("Test", "Test"),
    ("Test", "User"),
    ("John", "Doe"),
    ("Jane", "Doe"),
    ("Foo", "Bar"),
    ("Max", "Mustermann"),
    ("Erika", "Mustermann"),
    ("Jan", "Modaal"),
    ("Nome", "Cognome"),
    ("Prénom", "Nom"),
    ("Vorname", "Nachname"),
    ("Asd", "Asd"),
    ("Fake", "Name"),
    ("Admin", "Admin"),
    ("Xxx", "Xxx"),
    ("First", "Last"),
    ("Name", "Surname"),
)


def placeholder_identity(rng: random.Random, draft: Draft) -> None:
    """Replace name and email with placeholders ("Test Test", "John Doe", test@...)."""
    first, last = rng.choice(_PLACEHOLDERS)
    _set_name(draft, first, last)
    domain = provider(rng, draft.profile.country)
    f, last_lower = first.lower().replace("é", "e"), last.lower()
    draft.body["email"] = rng.choice(
        (
            f"test@{domain}",
            f"test{rng.randint(1, 999)}@{domain}",
            "test@test.com",
            "foo@bar.com",
            "a@a.com",
            f"{f}.{last_lower}@example.com",
            "asdf@asdf.com",
            f"{f}{last_lower}@{domain}",
            f"test+{rng.randint(1, 99)}@gmail.com",
        )
    )


def repeated_chars_name(rng: random.Random, draft: Draft) -> None:
    """Replace the name with repeated letters ("Aaaaa Aaaaa") or stretch it ("Annnnna")."""
    if rng.random() < 0.5:
        letter = rng.choice(string.ascii_uppercase)
        first = letter + letter.lower() * rng.randint(2, 6)
        other = letter if rng.random() < 0.5 else rng.choice(string.ascii_uppercase)
        last = other + other.lower() * rng.randint(2, 6)
    else:
        first, last = draft.body["first_name"], draft.body["last_name"]
        i = rng.randrange(len(first))
        first = first[: i + 1] + first[i].lower() * rng.randint(3, 6) + first[i + 1 :]
    _set_name(draft, first, last)


_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def digits_in_name(rng: random.Random, draft: Draft) -> None:
    """Put digits in the name: leetspeak ("J0hn"), a number suffix, or "User 4821"."""
    first, last = draft.body["first_name"], draft.body["last_name"]
    kind = rng.randrange(3)
    spots = [i for i, ch in enumerate(first) if ch.lower() in _LEET]
    if kind == 0 and spots:
        for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
            first = first[:i] + _LEET[first[i].lower()] + first[i + 1 :]
    elif kind == 2:
        first = rng.choice(("User", "Client", "Customer", "Member", "Guest"))
        last = str(rng.randint(1, 99999))
    elif rng.random() < 0.5:
        first = f"{first}{rng.randint(1, 999)}"
    else:
        last = f"{last}{rng.randint(1, 999)}"
    _set_name(draft, first, last)


# Latin letter -> Cyrillic or Greek letter that renders the same in most fonts.
_HOMOGLYPHS = dict(
    zip(
        "acdehijklopqsuvwxyABCEHIJKMNOPSTXYZ",
        "асԁеһіјκӏорԛѕυνԝхуАВСЕНІЈКМΝОРЅТХΥΖ",
        strict=True,
    )
)


def homoglyph_name(rng: random.Random, draft: Draft) -> None:
    """Swap one to three Latin letters of the name for Cyrillic or Greek look-alikes."""
    names = [list(draft.body["first_name"]), list(draft.body["last_name"])]
    spots = [
        (n, i) for n, chars in enumerate(names) for i, ch in enumerate(chars) if ch in _HOMOGLYPHS
    ]
    if not spots:
        names[0], spots = list("John"), [(0, 1)]
    for n, i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        names[n][i] = _HOMOGLYPHS[names[n][i]]
    _set_name(draft, "".join(names[0]), "".join(names[1]))
