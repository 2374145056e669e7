"""Score how name-like a Latin-script word is: letter-pair statistics plus vowel checks.

``latin_shape(word)`` gives 0.0 for words shaped like names and 1.0 for words nobody can
pronounce ("xkqzvbn"). The core is a letter bigram model (with word start and end) whose
surprisal table was trained on about 63,000 distinct name words from some 50 languages (see
:mod:`screening.training.name_shape_train`, which rebuilds it). Polish digraphs (cz, sz, rz)
count as one letter so that Krzysztof and Szczepański read like the names they are.
"""

from __future__ import annotations

import unicodedata
from operator import getitem

from anyascii import anyascii

ROWS_FROM = "^abcdefghijklmnopqrstuvwxyz"  # previous letter, "^" = start of word
COLS_TO = "abcdefghijklmnopqrstuvwxyz$"  # next letter, "$" = end of word
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
STEP = 0.2  # nats per table digit

# Surprisal -ln P(next | previous) in steps of 0.2 nats, one row per previous letter.
_TABLE: tuple[str, ...] = (
    "DFFFGIFGJHEFCHJGVGCGPHMWMLU",
    "NJKHNPKLHPHDH9PPYBFHKKRWLM7",
    "8MVM7eZHBHSIZRAchCPXFbZhNYJ",
    "AYKVCaQ6CcGJTQCYSLSPIWWiKfB",
    "9QZLAWQJATSKOPBdaDJQDOQgKHC",
    "INLILOMPGPHBIAKOd9FFPHOSIN9",
    "9WWTAGTL9OTFTLDcb9JMFabbOYE",
    "9QTOAULDBRPHPICddELRBQNfNWC",
    "7UPR9ZUWBQOIMKCadGQLEMRjLZA",
    "DMEGEOIRQNGDG9IOUFCHOLVXLNB",
    "5YLNBcXTFaLQQL8aeVMOCWSePSG",
    "8UWYEdZFBUMJSP8djGJNGTPYKb9",
    "8MPIAMPS9PNDKRCScSLMGMVfIUC",
    "5IKTBVUN9VQQJQCKaPMREWTfMSE",
    "9QKECUGRCPJQUFFZbPIGLVXgKP7",
    "NKLINNKMKPKCGANKeBDIKBKYGLA",
    "7ZQW9TbFBYLJXRAHfEMOHbafOdG",
    "BRTTFTTQDTTOQSHTUSOQ3GQUTTC",
    "ANLHCTHR9SLJKICSaJHFHOUfJgA",
    "BTIWCYUFCWGJLOENYRHBJNTlMg7",
    "9XUYBWVCATNOQPBefEFFHSUkKMB",
    "HHHFHNILGQGCHCPMW9BGPQOROKE",
    "5bRRAcSY7aRJZIFbhKJTOVfhPYB",
    "6SQRAZSO7VMJPIDYcJHRHXZcKQH",
    "7TTRCQTI9UTKROFRUNLIGTRSPP8",
    "7PMJFSNTKUHDKFGRfGGKHOVaPT7",
    "7OTJ9cPG8UNKMMDYWROUHPQeKKB",
)

# Tuned so that no name of a validation list of ~250 hard real names (Polish, Czech,
# Georgian, Zulu, Welsh, Vietnamese...) reaches 0.5 while most random strings do.
_MEAN_OFFSET = 2.6  # mean surprisal in nats: names ~2.6, random letter strings ~4.3
_MEAN_SCALE = 0.8
_SHORT_BONUS = 6.0  # divided by length: short words have fewer pairs, so more noise
_RARE_SURPRISAL = 7.5  # a pair rarer than about 1 in 1,800 after its first letter
_RARE_WEIGHT = 0.15

_VOWELS = frozenset("aeiouy")
_SYLLABIC = frozenset("rlmnw")  # carry a syllable without a vowel: Krst, Smrž, Cwm


# _GRID[ord(previous)][ord(next)] = surprisal + _RARE_MARK when the pair is rare, so one
# sum over the word gives both the total surprisal and the count of rare pairs.
_RARE_MARK = 1000.0
_UNSEEN = 12.0 + _RARE_MARK  # defensive: callers pass a-z only
_GRID: list[list[float]] = [[_UNSEEN] * 128 for _ in range(128)]


def _decode() -> None:
    for prev, row in zip(ROWS_FROM, _TABLE, strict=True):
        for nxt, digit in zip(COLS_TO, row, strict=True):
            v = DIGITS.index(digit) * STEP
            _GRID[ord(prev)][ord(nxt)] = v + _RARE_MARK if v > _RARE_SURPRISAL else v


_decode()

# Latin letters that do not decompose to a base letter under NFD.
_SPECIAL = {
    "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "þ": "th",
    "ð": "d", "ŋ": "ng", "ħ": "h", "ə": "e", "ɛ": "e", "ɔ": "o", "ƙ": "k", "ɗ": "d",
    "ɓ": "b", "ƴ": "y", "ȷ": "j", "ſ": "s",
}  # fmt: skip
_FOLD_CACHE: dict[str, str] = {}


def fold_letter(ch: str) -> str:
    """Map one Latin letter to lower-case ASCII letters ("É" -> "e", "ß" -> "ss").

    Returns "" for letters with no ASCII reading. Results are cached per character.
    """
    out = _FOLD_CACHE.get(ch)
    if out is None:
        low = ch.lower()
        out = _SPECIAL.get(low)
        if out is None:
            base = unicodedata.normalize("NFD", low)[:1]
            out = base if "a" <= base <= "z" else anyascii(low).lower()
            out = "".join(c for c in out if "a" <= c <= "z")
        if len(_FOLD_CACHE) < 4096:
            _FOLD_CACHE[ch] = out
    return out


def fold_word(text: str) -> str:
    """Fold Latin text to lower-case ASCII words separated by spaces ("Zoë-Ann" -> "zoe ann")."""
    return "".join(fold_letter(c) if c.isalpha() else " " for c in text)


def reduce_digraphs(word: str) -> str:
    """Write the Polish digraphs cz, sz and rz as one letter, as the table was trained."""
    return word.replace("sz", "s").replace("cz", "c").replace("rz", "r")


def latin_shape(word: str) -> float:
    """Score a folded word (lower-case a-z only) from 0.0 (name-like) to 1.0 (gibberish).

    Words of three letters or fewer always score 0.0 ("Ng", "Wu"). A longer word with no
    vowel and no letter that can carry a syllable scores 1.0 ("Bnmq").
    """
    n = len(word)
    if n < 4:
        return 0.0
    letters = set(word)
    if not letters & _VOWELS and not letters & _SYLLABIC:
        return 1.0
    if "z" in letters:
        word = reduce_digraphs(word)
        n = len(word)
    b = ("^" + word + "$").encode("ascii", "replace")
    total = sum(map(getitem, map(_GRID.__getitem__, b[:-1]), b[1:]))
    rare = int(total // _RARE_MARK)
    mean = (total - rare * _RARE_MARK) / (n + 1)
    score = (mean - _MEAN_OFFSET - _SHORT_BONUS / n) / _MEAN_SCALE + _RARE_WEIGHT * rare
    return 0.0 if score <= 0.0 else 1.0 if score >= 1.0 else round(score, 3)
