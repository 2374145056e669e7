"""Look up the writing system of a letter and the cross-script look-alikes of Latin letters.

Used by the name check. The script of a letter comes from a compact table of Unicode
block ranges searched with bisect, because ``unicodedata.name()`` per character is slow
and the standard library has no script property. Blocks are a close stand-in for the
Unicode Script property for letters; the few mixed blocks (Latin-1, IPA, modifier
letters) are split where it matters for names.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Set

# Not real scripts: letters shared by several scripts, and combining marks that take the
# script of their base. Neither counts towards a part's script.
COMMON = "Common"
INHERITED = "Inherited"
OTHER = "Other"
NEUTRAL = frozenset({COMMON, INHERITED})

# (first, last, script), sorted and non-overlapping; letters outside every range are OTHER.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latin"),
    (0x0061, 0x007A, "Latin"),
    (0x00AA, 0x00AA, "Latin"),
    (0x00B5, 0x00B5, "Greek"),  # MICRO SIGN is a Greek mu in disguise
    (0x00BA, 0x00BA, "Latin"),
    (0x00C0, 0x02AF, "Latin"),
    (0x02B0, 0x02FF, COMMON),  # modifier letters such as the okina and the apostrophe
    (0x0300, 0x036F, INHERITED),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x07C0, 0x07FF, "NKo"),
    (0x0860, 0x086F, "Syriac"),
    (0x0870, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Oriya"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"),
    (0x0D80, 0x0DFF, "Sinhala"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x13A0, 0x13FF, "Cherokee"),
    (0x1400, 0x167F, "Canadian_Aboriginal"),
    (0x1700, 0x171F, "Tagalog"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1800, 0x18AF, "Mongolian"),
    (0x18B0, 0x18FF, "Canadian_Aboriginal"),
    (0x19E0, 0x19FF, "Khmer"),
    (0x1AB0, 0x1AFF, INHERITED),
    (0x1B00, 0x1B7F, "Balinese"),
    (0x1B80, 0x1BBF, "Sundanese"),
    (0x1C80, 0x1C8F, "Cyrillic"),
    (0x1C90, 0x1CBF, "Georgian"),
    (0x1D00, 0x1D25, "Latin"),
    (0x1D26, 0x1D2A, "Greek"),
    (0x1D2B, 0x1D2B, "Cyrillic"),
    (0x1D2C, 0x1D65, "Latin"),
    (0x1D66, 0x1D6A, "Greek"),  # subscript Greek letters
    (0x1D6B, 0x1DBF, "Latin"),
    (0x1DC0, 0x1DFF, INHERITED),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x2071, 0x2071, "Latin"),
    (0x207F, 0x207F, "Latin"),
    (0x2090, 0x209C, "Latin"),
    (0x20D0, 0x20FF, INHERITED),
    (0x2100, 0x214F, COMMON),  # letterlike symbols; NFC already folds K/Å/Ω signs
    (0x2183, 0x2184, "Latin"),  # reversed C
    (0x2C60, 0x2C7F, "Latin"),
    (0x2C80, 0x2CFF, "Coptic"),
    (0x2D00, 0x2D2F, "Georgian"),
    (0x2D30, 0x2D7F, "Tifinagh"),
    (0x2D80, 0x2DDF, "Ethiopic"),
    (0x2DE0, 0x2DFF, "Cyrillic"),
    (0x2E80, 0x2FDF, "Han"),
    (0x3005, 0x3007, "Han"),  # 々 in 佐々木 is a Han iteration mark
    (0x3021, 0x3029, "Han"),
    (0x3031, 0x3035, "Hiragana"),
    (0x3038, 0x303B, "Han"),
    (0x3040, 0x309F, "Hiragana"),
    (0x30A0, 0x30FF, "Katakana"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x3130, 0x318F, "Hangul"),
    (0x31A0, 0x31BF, "Bopomofo"),
    (0x31F0, 0x31FF, "Katakana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA000, 0xA4CF, "Yi"),
    (0xA4D0, 0xA4FF, "Lisu"),
    (0xA500, 0xA63F, "Vai"),
    (0xA640, 0xA69F, "Cyrillic"),
    (0xA6A0, 0xA6FF, "Bamum"),
    (0xA720, 0xA7FF, "Latin"),
    (0xA8E0, 0xA8FF, "Devanagari"),
    (0xA960, 0xA97F, "Hangul"),
    (0xA980, 0xA9DF, "Javanese"),
    (0xA9E0, 0xA9FF, "Myanmar"),
    (0xAA60, 0xAA7F, "Myanmar"),
    (0xAB00, 0xAB2F, "Ethiopic"),
    (0xAB30, 0xAB64, "Latin"),
    (0xAB65, 0xAB65, "Greek"),
    (0xAB66, 0xAB6F, "Latin"),
    (0xAB70, 0xABBF, "Cherokee"),
    (0xAC00, 0xD7FF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB00, 0xFB06, "Latin"),
    (0xFB13, 0xFB17, "Armenian"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE20, 0xFE2F, INHERITED),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF3A, "Latin"),
    (0xFF41, 0xFF5A, "Latin"),
    (0xFF66, 0xFF9F, "Katakana"),
    (0xFFA0, 0xFFDC, "Hangul"),
    (0x1B000, 0x1B16F, "Hiragana"),
    (0x1E900, 0x1E95F, "Adlam"),
    (0x20000, 0x323AF, "Han"),
)
_STARTS: tuple[int, ...] = tuple(r[0] for r in _RANGES)

# Script mixes that are ordinary within one word or name part.
_NORMAL_MIXES: tuple[frozenset[str], ...] = (
    frozenset({"Han", "Hiragana", "Katakana"}),  # Japanese: 佐藤 さくら, 佐々木ミキ
    frozenset({"Hangul", "Han"}),  # Korean names are sometimes partly in Hanja
)
_JAPANESE = frozenset({"Han", "Hiragana", "Katakana"})


def script_of(ch: str) -> str:
    """Return the script of one character (meaningful for letters and marks)."""
    cp = ord(ch)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0:
        first, last, script = _RANGES[i]
        if cp <= last:
            return script
    return OTHER


def dominant_script(counts: dict[str, int]) -> str:
    """Name the script of a part from its per-script letter counts.

    Returns "Unknown" without letters, "Japanese" for a Han/kana mix that includes kana,
    else the most frequent script (ties go to the script seen first).
    """
    if not counts:
        return "Unknown"
    if len(counts) > 1 and counts.keys() <= _JAPANESE:
        return "Japanese"
    return max(counts, key=counts.__getitem__)


def is_mixed(scripts: Set[str]) -> bool:
    """Return True when one word or part mixes scripts in a way real names do not."""
    if len(scripts) < 2:
        return False
    return not any(scripts <= mix for mix in _NORMAL_MIXES)


# Letters that readers take for a letter of another script (the key). Kept to the
# look-alikes that matter in practice: Cyrillic, Greek and Armenian against Latin, and
# Latin and Greek against Cyrillic. Lower-case pairs are the ones that survive in any font.
_LOOKALIKES: dict[str, str] = {
    "Latin": (
        "АВЕКМНОРСТХІЈЅУҮԚԜӀѴ"  # Cyrillic capitals
        "аеорсухіјѕԁԛԝһӏѵү"  # Cyrillic small
        "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿ"  # Greek capitals
        "οινκαρϲϳ"  # Greek small
        "ՕՍՏԼօսհոզց"  # Armenian
    ),
    "Cyrillic": (
        "ABCEHKMOPTXYIJS"  # Latin capitals
        "aceopxyijs"  # Latin small
        "ΑΒΕΗΙΚΜΟΡΤΧΥ"  # Greek capitals
        "οαρ"  # Greek small
    ),
    "Greek": (
        "ABEZHIKMNOPTYX"  # Latin capitals
        "oivk"  # Latin small
        "АВЕКМНОРТХ"  # Cyrillic capitals
        "оі"  # Cyrillic small
    ),
}
LOOKALIKES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in _LOOKALIKES.items()}
