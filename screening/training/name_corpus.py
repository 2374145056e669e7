"""Training text for the name-plausibility model: real names in many scripts, and junk.

Real names are every name Faker's person providers list, in every locale Faker has (about
110), and the training half of a first-name dictionary of 55 countries and groups from outside
Faker (:mod:`screening.training.real_names`, Latin script; its other half is never trained
on), plus their Latin transliterations, since many people type a Chinese, Russian or Thai
name in Latin letters. Junk is written here, independently of the synthetic fraud generator
(:mod:`training.synth.fake_names`), so the model learns what junk looks like rather than one
generator's habits: keyboard walks on five layouts, random letters, repeated letters and
syllables, placeholders, and real names with digits or symbols in them.

Names are split into a training and a held-out part by a hash of the name itself, so the
held-out figures in the model card are for names the model has never seen.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii
from faker import Factory
from faker.config import AVAILABLE_LOCALES

# Attributes of Faker's person providers that hold names (plain, gendered, romanized, kana).
_NAME_ATTRIBUTES = ("first_name", "last_name", "middle_name", "romanized_name", "kana_name")
_NOT_NAMES = ("format", "prefix", "suffix", "language")
HELD_OUT_SHARE = 0.15
# Scripts whose machine transliteration is how people write the name in Latin letters. Not
# abjads or Indic scripts: anyascii drops their unwritten vowels ("Mohammed" -> "mhmd"),
# which would teach the model that vowel-less junk is a name.
_ROMANIZED_SCRIPTS = frozenset(
    "LATIN CYRILLIC GREEK CJK HIRAGANA KATAKANA HANGUL GEORGIAN ARMENIAN".split()
)


@dataclass(frozen=True)
class Example:
    """One training string: a single name part, whether it is a real name, and its kind."""

    text: str
    real: bool
    kind: str


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from _strings(list(value))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _person_lists(locale: str) -> Iterator[str]:
    with warnings.catch_warnings():
        # Faker warns that a few locales (fr_QC) are deprecated aliases; their names still count.
        warnings.simplefilter("ignore")
        gen = Factory.create(locale, providers=["faker.providers.person"], use_weighting=False)
    for provider in gen.providers:
        if "person" not in type(provider).__module__:
            continue
        for attr in dir(provider):
            if attr.startswith("_") or any(bad in attr for bad in _NOT_NAMES):
                continue
            if not any(part in attr for part in _NAME_ATTRIBUTES):
                continue
            value = getattr(provider, attr, None)
            if not callable(value):
                yield from _strings(value)


def script(text: str) -> str:
    """Return the Unicode script word of the first letter of ``text`` ("LATIN", "CJK"...)."""
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "UNKNOWN").split()[0]
    return "NONE"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text.strip()


def _outside_names() -> Iterator[str]:
    """Yield the training part of the real names from outside Faker (:mod:`.real_names`)."""
    from screening.training.real_names import calibration_names

    yield from calibration_names()


@cache
def real_names() -> tuple[str, ...]:
    """Return every distinct real name part Faker lists, and the training part of the
    real-name source from outside Faker, with Latin transliterations, sorted."""
    names: set[str] = set()
    raws = (raw for locale in AVAILABLE_LOCALES for raw in _person_lists(locale))
    for raw in (*raws, *_outside_names()):
        name = _clean(raw)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        names.add(name)
        if not name.isascii() and script(name) in _ROMANIZED_SCRIPTS:
            roman = _clean(anyascii(name))
            if roman and any(ch.isalpha() for ch in roman):
                # anyascii writes CJK syllables in camel case ("JinFeng"); people write Jinfeng.
                names.add(roman[:1].upper() + roman[1:].lower())
    return tuple(sorted(names))


def held_out(text: str) -> bool:
    """Return whether a name belongs to the held-out part (a stable hash of its folded form)."""
    digest = hashlib.sha256(text.casefold().encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HELD_OUT_SHARE


_ROWS = (
    "qwertyuiop asdfghjkl zxcvbnm azertyuiop qsdfghjklm wxcvbn qwertzuiop yxcvbnm "
    "йцукенгшщзхъ фывапролджэ ячсмитьбю ςερτυθιοπ ασδφγηξκλ ζχψωβνμ"
).split()
_COLUMNS = "qaz wsx edc rfv tgb yhn ujm ik ol azq zsw".split()
_PLACEHOLDERS = (
    "test tester testing test1 test123 testuser asdf asd qwerty azerty qwertz foo bar baz foobar "
    "xxx xx x xyz abc abcd null none nil nan na n/a unknown anonymous anon user username admin "
    "administrator sample example demo dummy fake noname nobody somebody someone firstname "
    "lastname first last surname name fname lname nome cognome vorname nachname prénom nom "
    "apellido nombre mustermann musterfrau lorem ipsum tbd todo temp blah blabla hello hi ok "
    "aaa bbb zzz qqq ааа тест фыва йцукен имя фамилия"
).split()
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыьэюя"
_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
_SYMBOLS = "@#$%&*!?_=+/\\|<>~^"
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})


def _case(rng: random.Random, word: str) -> str:
    roll = rng.random()
    return word.capitalize() if roll < 0.6 else word.upper() if roll < 0.7 else word


def _keyboard(rng: random.Random) -> str:
    if rng.random() < 0.15:
        walk = "".join(rng.choice(_COLUMNS) for _ in range(rng.randint(1, 3)))
    else:
        row = rng.choice(_ROWS)
        row = row[::-1] if rng.random() < 0.3 else row
        k = rng.randint(3, min(8, len(row)))
        start = rng.randint(0, len(row) - k)
        walk = row[start : start + k]
        if rng.random() < 0.25:
            walk = walk[: rng.randint(2, len(walk))] * rng.randint(2, 3)
    return _case(rng, walk)


def _random_letters(rng: random.Random) -> str:
    alphabet = rng.choices((_LATIN, _CONSONANTS, _CYRILLIC, _GREEK), weights=(5, 3, 1, 0.5))[0]
    return _case(rng, "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 12))))


def _repeats(rng: random.Random) -> str:
    alphabet = rng.choice((_LATIN, _LATIN, _CYRILLIC))
    if rng.random() < 0.5:
        return _case(rng, rng.choice(alphabet) * rng.randint(3, 8))
    unit = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 3)))
    return _case(rng, unit * rng.randint(3, 4))


def _placeholder(rng: random.Random) -> str:
    word = rng.choice(_PLACEHOLDERS)
    if rng.random() < 0.2:
        word += str(rng.randint(1, 999))
    return _case(rng, word)


def _spoiled(rng: random.Random, name: str) -> str:
    """Spoil a real name as junk signups do: leetspeak, digits, symbols, a stretched letter."""
    roll = rng.random()
    if roll < 0.3 and any(ch in "aeiost" for ch in name.lower()):
        return name[:1] + name[1:].lower().translate(_LEET)
    if roll < 0.55:
        return f"{name}{rng.randint(1, 9999)}"
    if roll < 0.75:
        i = rng.randrange(len(name) + 1)
        return name[:i] + rng.choice(_SYMBOLS) + name[i:]
    i = rng.randrange(len(name))
    return name[: i + 1] + name[i].lower() * rng.randint(3, 6) + name[i + 1 :]


def _mash(rng: random.Random) -> str:
    return _case(rng, (_keyboard(rng) + _random_letters(rng)).lower()[: rng.randint(5, 14)])


def junk_names(n: int, *, seed: int, spoil_from: Iterable[str]) -> list[str]:
    """Return ``n`` junk name parts, drawn reproducibly from ``seed``.

    Args:
        n: how many to draw.
        seed: the random seed.
        spoil_from: real names to spoil with digits or symbols (pass training names only).
    """
    rng = random.Random(f"screening.model.junk/{seed}")
    spoilable = sorted(name for name in spoil_from if name.isalpha() and len(name) >= 3)
    makers = (_keyboard, _random_letters, _repeats, _placeholder, _mash)
    weights = (3, 4, 1.5, 1.5, 1)
    out: list[str] = []
    for _ in range(n):
        if spoilable and rng.random() < 0.2:
            out.append(_spoiled(rng, rng.choice(spoilable)))
        else:
            out.append(rng.choices(makers, weights=weights)[0](rng))
    return out


@cache
def _corpus(seed: int, junk_ratio: float) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    train, test = _build(seed, junk_ratio)
    return tuple(train), tuple(test)


def corpus(*, seed: int, junk_ratio: float = 1.0) -> tuple[list[Example], list[Example]]:
    """Return (training, held-out) examples: real names and as many junk strings (by ratio).

    Junk that happens to be a listed real name ("Ana", "Bar") is dropped, so the model is
    never taught that a real name is junk.
    """
    train, test = _corpus(seed, junk_ratio)
    return list(train), list(test)


def _build(seed: int, junk_ratio: float) -> tuple[list[Example], list[Example]]:
    names = real_names()
    folded = {name.casefold() for name in names}
    train_real = [name for name in names if not held_out(name)]
    test_real = [name for name in names if held_out(name)]
    junk = [
        text
        for text in junk_names(round(len(names) * junk_ratio), seed=seed, spoil_from=train_real)
        if text.casefold() not in folded
    ]
    train_junk = [text for text in junk if not held_out(text)]
    test_junk = [text for text in junk if held_out(text)]

    def examples(real: list[str], fake: list[str]) -> list[Example]:
        return [Example(t, True, "real") for t in real] + [Example(t, False, "junk") for t in fake]

    return examples(train_real, train_junk), examples(test_real, test_junk)
