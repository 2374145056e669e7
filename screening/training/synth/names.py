"""Names for synthetic signups: cached Faker generators, native or romanized names, scripts.

Faker generators are built once per locale with only the providers we use and without
frequency weighting (weighted draws cost ~100 us each; uniform draws over the same real-name
lists cost ~3 us). Callers seed a generator per row with ``seed_instance``.
"""

from __future__ import annotations

import bisect
import random
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from anyascii import anyascii
from faker import Factory

# misc is there because en_PH street names draw gemstone and plant names from it.
# A faker.Generator: its provider methods (first_name, city...) are attached at run time, so
# its static type knows none of them.
FakerGenerator = Any

_PROVIDERS = [
    "faker.providers.person",
    "faker.providers.address",
    "faker.providers.company",
    "faker.providers.misc",
]


@cache
def generator(locale: str) -> FakerGenerator:
    """Return the cached Faker generator for ``locale`` (seed it before use)."""
    return Factory.create(locale, providers=_PROVIDERS, use_weighting=False)


_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse runs of whitespace: some Faker values carry trailing spaces or newlines."""
    return _SPACES.sub(" ", text).strip()


# (first code point, last code point, script); anything else alphabetic is "Other".
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latin"),
    (0x0061, 0x007A, "Latin"),
    (0x00C0, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x3040, 0x30FF, "Japanese"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "Japanese"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x20000, 0x2FA1F, "Han"),
)
_STARTS = [r[0] for r in _RANGES]


def script_of(text: str, locale: str = "") -> str:
    """Return the script group most of the letters of ``text`` are written in.

    Kana anywhere makes it "Japanese"; so do Han characters in a ``ja`` locale, because a
    Japanese name in kanji is Japanese writing even without kana.
    """
    if text.isascii():
        return "Latin" if any(ch.isalpha() for ch in text) else "Other"
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if cp < 0x250:
            script = "Latin"
        else:
            i = bisect.bisect_right(_STARTS, cp) - 1
            script = _RANGES[i][2] if i >= 0 and cp <= _RANGES[i][1] else "Other"
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Other"
    if "Japanese" in counts or ("Han" in counts and locale.startswith("ja")):
        return "Japanese"
    return max(counts, key=counts.__getitem__)


# Korean surnames as their bearers spell them, not as anyascii transliterates them (Gim, Bag).
_KOREAN_SURNAMES = dict(
    zip(
        "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 "
        "류 홍 전 고 문 손 양 배 백 허 유 남 노 하".split(),
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ryu "
        "Hong Jeon Ko Moon Son Yang Bae Baek Heo Yoo Nam Noh Ha".split(),
        strict=True,
    )
)
# Scripts whose transliteration drops short vowels ("mhmd"); see _vowelize.
_ABJAD_LIKE = frozenset({"Arabic", "Hebrew", "Devanagari", "Thai"})
_VOWELS = frozenset("aeiouy")


def _vowelize(word: str) -> str:
    """Put an "a" between consonants ("mhmd" -> "mahamad"): pronounceable, like a real mailbox.

    People spell their names in Latin letters with vowels the source script leaves unwritten;
    guessing them is beyond this module, but a vowel-less skeleton would look like gibberish.
    """
    out: list[str] = []
    for i, ch in enumerate(word):
        out.append(ch)
        nxt = word[i + 1] if i + 1 < len(word) else ""
        consonants = ch not in _VOWELS and nxt not in _VOWELS and nxt != "h"
        if consonants and ch.isalpha() and nxt.isalpha():
            out.append("a")
    if out and out[-1].isalpha() and out[-1] not in _VOWELS and len(out) < 4:
        out.append("a")
    return "".join(out)


def ascii_word(text: str, script: str) -> str:
    """Transliterate a name to lower-case ASCII letters and digits, as used in emails."""
    word = "".join(ch for ch in anyascii(text).lower() if ch.isalnum() and ch.isascii())
    if script in _ABJAD_LIKE:
        word = _vowelize(word)
    return word


@dataclass(frozen=True)
class Name:
    """A person's name as typed, its ASCII spelling (for emails) and its script group."""

    first: str
    last: str
    first_ascii: str
    last_ascii: str
    script: str


def _romanize(text: str, locale: str) -> str:
    if locale.startswith("ko") and text in _KOREAN_SURNAMES:
        return _KOREAN_SURNAMES[text]
    roman = anyascii(text)
    # anyascii writes multi-syllable CJK given names in camel case ("JinFeng").
    return roman.capitalize() if locale[:2] in ("zh", "ko") else roman


def draw_name(gen: FakerGenerator, rng: random.Random, locale: str, romanized: float) -> Name:
    """Draw a first and last name from ``gen`` (already seeded for this row)."""
    female = rng.random() < 0.5
    roman = rng.random() < romanized
    if locale == "ja_JP":
        first_pair = gen.first_name_female_pair() if female else gen.first_name_male_pair()
        last_pair = gen.last_name_pair()
        fa, la = first_pair[2].lower(), last_pair[2].lower()
        if roman:
            return Name(first_pair[2], last_pair[2], fa, la, "Latin")
        first, last = first_pair[0], last_pair[0]
        return Name(first, last, fa, la, script_of(first + last, locale))
    first = clean(gen.first_name_female() if female else gen.first_name_male())
    last = clean(gen.last_name_female() if female else gen.last_name_male())
    if locale == "vi_VN" and rng.random() < 0.6:
        # Vietnamese given names are usually written with the middle name in front.
        first = f"{clean(gen.middle_name())} {first}"
    if locale == "id_ID" and rng.random() < 0.2:
        # Many Indonesians have one name and repeat it where a form demands a surname.
        last = first
    if roman:
        first, last = _romanize(first, locale), _romanize(last, locale)
    script = script_of(first + last, locale)
    if locale.startswith("ko"):
        fa = ascii_word(_romanize(first, locale), "Latin")
        la = ascii_word(_romanize(last, locale), "Latin")
    else:
        fa, la = ascii_word(first, script), ascii_word(last, script)
    return Name(first, last, fa, la, script)
