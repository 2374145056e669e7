"""Spot keyboard mashing in a word: runs of adjacent keys on one letter row.

Covers the letter rows of the QWERTY, AZERTY, QWERTZ and Russian ЙЦУКЕН layouts, in both
directions. Real names do contain short runs ("Robert" has "ert", "Doherty" has "erty"),
so four-key runs found in real names only count as part of a longer run; the exceptions
were taken from the ~80,000 names of Faker's person providers (see the tests).
"""

from __future__ import annotations

_ROWS: tuple[str, ...] = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",  # AZERTY
    "qsdfghjklm",
    "wxcvbn",
    "qwertzuiop",  # QWERTZ
    "yxcvbnm",
    "йцукенгшщзхъ",  # ЙЦУКЕН
    "фывапролджэ",
    "ячсмитьбю",
)

# Four-key runs inside real names: Doherty, Hertz, Reza, Frazer, Artyukh, Ewert, Trewin,
# Trezzini, Ozertem, Корпанюк, Пролетина. They only count inside a run of five or more.
_NAME_RUNS4 = frozenset(
    "erty ytre ertz ztre reza azer zert trez wert trew rtyu uytr орпа апро прол лорп".split()
)

_VOWELS = frozenset("aeiouyаеёиоуыэюя")


def _runs(n: int) -> frozenset[str]:
    out: set[str] = set()
    for row in _ROWS:
        for seq in (row, row[::-1]):
            out.update(seq[i : i + n] for i in range(len(seq) - n + 1))
    return frozenset(out)


_RUNS3 = _runs(3)
_RUNS4 = _runs(4) - _NAME_RUNS4
_RUNS5 = _runs(5)
_ROW_SETS: tuple[frozenset[str], ...] = tuple(frozenset(row) for row in _ROWS)


def keyboard_run(word: str) -> bool:
    """Return True when a lower-case word looks typed by sliding along a keyboard row.

    True for a run of four adjacent keys ("asdf", "poiu"; five for the name-like runs
    such as "erty"), two separate runs of three ("asdasd"), or five or more letters all
    from one row, at least three different and no vowel ("sdfgsdf").
    """
    n = len(word)
    if n < 4:
        return False
    # Every longer run starts with a run of three, so find those first (usually none).
    at = [i for i in range(n - 2) if word[i : i + 3] in _RUNS3]
    for i in at:
        if word[i : i + 4] in _RUNS4 or word[i : i + 5] in _RUNS5:
            return True
    if len(at) > 1 and at[-1] - at[0] >= 3:  # two runs of three that do not overlap
        return True
    if n >= 5 and _VOWELS.isdisjoint(word):
        letters = set(word)
        return len(letters) >= 3 and any(letters <= row for row in _ROW_SETS)
    return False
