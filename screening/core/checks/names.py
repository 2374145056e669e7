"""Check a submitted first and last name for signs of fake or machine-made identities.

Signals are script-aware: scripts come from a block table (:mod:`.scripts`), letter-shape
scoring applies to Latin-script parts only (:mod:`.name_shape`), and keyboard runs cover
QWERTY, AZERTY, QWERTZ and ЙЦУКЕН (:mod:`.keyboards`). Real names in any script (李,
佐藤 さくら, Nguyễn Văn An, O'Brien, Przybyszewski, Ng) raise no suspicion signal.
No signal carries the name itself.
"""

from __future__ import annotations

import re
import unicodedata

from screening.core.checks import CheckResult, Signal, SignalValue
from screening.core.checks.keyboards import keyboard_run
from screening.core.checks.name_placeholders import fold_key, is_placeholder
from screening.core.checks.name_shape import fold_letter, latin_shape
from screening.core.checks.scripts import LOOKALIKES, NEUTRAL, dominant_script, is_mixed, script_of

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "name.missing",
        "bool",
        "True when the first or the last name is empty after trimming.",
        False,
    ),
    Signal(
        "name.first_length",
        "int",
        "Characters in the first name after normalisation; combining marks and zero-width "
        "joiners not counted.",
        0,
    ),
    Signal(
        "name.last_length",
        "int",
        "Characters in the last name after normalisation; combining marks and zero-width "
        "joiners not counted.",
        0,
    ),
    Signal(
        "name.first_script",
        "string",
        'Main script of the first name\'s letters ("Latin", "Cyrillic", "Han", '
        '"Arabic"...; "Japanese" for Han mixed with kana; "Other" for scripts not in '
        'the table; "Unknown" without letters; "" when empty).',
        "",
    ),
    Signal(
        "name.last_script",
        "string",
        "Main script of the last name's letters, as name.first_script.",
        "",
    ),
    Signal(
        "name.scripts",
        "list<string>",
        'Distinct scripts of the letters of both parts, sorted (["Han", "Hiragana"] for '
        "佐藤 さくら).",
        [],
    ),
    Signal(
        "name.mixed_script",
        "bool",
        "True when one part mixes scripts as real names do not (Latin with "
        "Cyrillic...); Han with kana or Hangul is normal; first and last in different "
        "scripts is not mixed.",
        False,
    ),
    Signal(
        "name.confusable",
        "bool",
        'True when a part hides look-alike letters of another script (Latin "Pаul" with '
        "a Cyrillic а), or is written entirely in look-alikes of Latin letters beside a "
        'Latin other part ("Мах Smith"); a Latin part beside a Cyrillic or Greek one '
        '("Татьяна Moisei") is ordinary.',
        False,
    ),
    Signal(
        "name.has_digits",
        "bool",
        "True when either part contains a digit or other numeric character (any script).",
        False,
    ),
    Signal(
        "name.has_symbols",
        "bool",
        "True when either part contains a character that is not a letter, mark, digit, "
        "space, apostrophe (' ’ ‘ ʼ), hyphen, period or middle dot (@, !, emoji, "
        "controls, invisible formatting).",
        False,
    ),
    Signal(
        "name.max_repeat",
        "int",
        "Longest run of one identical letter (case-insensitive) in either part; 0 without letters.",
        0,
    ),
    Signal(
        "name.repeated_chars",
        "bool",
        "True when a part has 3+ identical letters in a row (4+ in Thai, Lao, Khmer, "
        "Myanmar), a 2-letter pattern 4+ times or a 3-letter pattern 3+ times "
        '("lolololo").',
        False,
    ),
    Signal(
        "name.keyboard_run",
        "bool",
        'True when a word slides along a keyboard letter row: 4+ adjacent keys ("asdf", '
        '"poiu"; 5+ for runs found in real names such as "erty" in Doherty), two 3-key '
        'runs ("asdasd"), or 5+ letters of one row with no vowel.',
        False,
    ),
    Signal(
        "name.latin_shape",
        "float",
        "How unpronounceable the worst Latin-script word is, 0.0 (shaped like a name) "
        "to 1.0 (gibberish), from letter-pair frequencies in names of ~50 languages; "
        "0.0 for non-Latin parts and words of 3 letters or fewer.",
        0.0,
    ),
    Signal(
        "name.gibberish",
        "bool",
        "True when name.latin_shape is 0.5 or more (a Latin word of 4+ letters shaped "
        "unlike any name).",
        False,
    ),
    Signal(
        "name.placeholder",
        "bool",
        "True for placeholder or test identities, case- and accent-insensitive: a part "
        "such as Test, Asdf, Firstname, N/A, Unknown, Null, Xxx (any letter repeated 3+ "
        "times alone), or a pair such as John Doe, Foo Bar, Mickey Mouse, Lorem Ipsum.",
        False,
    ),
    Signal(
        "name.first_equals_last",
        "bool",
        "True when both parts are non-empty and equal after case folding and accent stripping.",
        False,
    ),
    Signal(
        "name.no_letters",
        "bool",
        'True when a non-empty part contains no letter at all ("-", ".", "123").',
        False,
    ),
    Signal(
        "name.suspicious_count",
        "int",
        "How many of mixed_script, confusable, has_digits, has_symbols, repeated_chars, "
        "keyboard_run, gibberish, placeholder and first_equals_last are true (0-9).",
        0,
    ),
)

_MAX_ANALYSED = 256  # characters per part; the API limits field length anyway
_WS_RE = re.compile(r"\s+")
_ASCII_WORD_RE = re.compile(r"[a-z]+")
_ASCII_ODD_RE = re.compile(r"[^A-Za-z '\-.]")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_ASCII_SYMBOL_RE = re.compile(r"[^A-Za-z0-9 '\-.]")
_ASCII_RUN_RE = re.compile(r"([a-z])\1+")
_PATTERN_RE = re.compile(r"([^ ]{2})\1{3,}|([^ ]{3})\2{2,}")
# Scripts whose consonant letters legitimately repeat three times (Thai ธนนนท์).
_LOOSE_REPEAT = frozenset({"Thai", "Lao", "Khmer", "Myanmar"})

_LETTER, _MARK, _DIGIT, _SPACE, _PUNCT, _SYMBOL = range(6)
_NAME_PUNCT = frozenset("'’‘ʼ-‐‑.·")  # · for Catalan l·l
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ are spelling in Persian, Indic, Sinhala
_Class = tuple[int, str, str]  # class, script, lower-case form
_CLASS_CACHE: dict[str, _Class] = {}


def _classify(ch: str) -> _Class:
    cached = _CLASS_CACHE.get(ch)
    if cached is not None:
        return cached
    cat = unicodedata.category(ch)
    if cat[0] == "L":
        out: _Class = (_LETTER, script_of(ch), ch.lower())
    elif cat[0] == "M" or ch in _JOINERS:
        out = (_MARK, "", "")
    elif cat[0] == "N":
        out = (_DIGIT, "", "")
    elif ch == " ":
        out = (_SPACE, "", "")
    elif ch in _NAME_PUNCT:
        out = (_PUNCT, "", "")
    else:
        out = (_SYMBOL, "", "")
    if len(_CLASS_CACHE) < 8192:
        _CLASS_CACHE[ch] = out
    return out


class _Part:
    """Per-part facts gathered in one pass over the characters."""

    __slots__ = (
        "text", "counts", "words", "digits", "symbols", "max_run", "repeated", "length",
        "script", "key", "worst_shape", "keyboard",
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        self.text = text
        self.script = ""
        if text.isascii():
            self._scan_ascii(text)
        else:
            self._scan(text)
        if text:
            self.script = dominant_script(self.counts)
        self.key = fold_key(text)
        self.worst_shape = self.shape()
        self.keyboard = any(map(keyboard_run, self.words))

    def _scan_ascii(self, text: str) -> None:
        """Do what :meth:`_scan` does, with regexes, for the common all-ASCII case."""
        sample = text[:_MAX_ANALYSED]
        lower = sample.lower()
        self.words = words = _ASCII_WORD_RE.findall(lower)
        letters = sum(map(len, words))
        self.counts = {"Latin": letters} if letters else {}
        self.digits = self.symbols = False
        if _ASCII_ODD_RE.search(sample):  # rare: anything but letters and name punctuation
            self.digits = _ASCII_DIGIT_RE.search(sample) is not None
            self.symbols = _ASCII_SYMBOL_RE.search(sample) is not None
        runs = [m.end() - m.start() for m in _ASCII_RUN_RE.finditer(lower)]  # 2+ letters
        self.max_run = max(runs) if runs else min(letters, 1)
        self.repeated = self.max_run >= 3 or _PATTERN_RE.search(" ".join(words)) is not None
        self.length = len(text)

    def _scan(self, text: str) -> None:
        sample = text[:_MAX_ANALYSED]
        cache = _CLASS_CACHE
        counts: dict[str, int] = {}
        words: list[str] = []
        digits = symbols = repeated = False
        start = -1  # index where the current word began
        marks = max_run = run = 0
        prev = ""
        for i, ch in enumerate(sample):
            cls, script, low = cache.get(ch) or _classify(ch)
            if cls == _LETTER:
                if start < 0:
                    start = i
                if script not in NEUTRAL:
                    counts[script] = counts.get(script, 0) + 1
                if low == prev:
                    run += 1
                    if run >= 3 and (run >= 4 or script not in _LOOSE_REPEAT):
                        repeated = True
                else:
                    prev = low
                    run = 1
                if run > max_run:
                    max_run = run
                continue
            prev = ""  # a mark makes a different letter; anything else ends the word
            if cls == _MARK:
                marks += 1
                if start < 0:
                    start = i
                continue
            if start >= 0:
                words.append(sample[start:i].lower())
                start = -1
            if cls == _DIGIT:
                digits = True
            elif cls == _SYMBOL:
                symbols = True
        if start >= 0:
            words.append(sample[start:].lower())
        if len(text) > _MAX_ANALYSED:
            marks += sum(1 for ch in text[_MAX_ANALYSED:] if _classify(ch)[0] == _MARK)
        self.counts = counts
        self.words = words
        self.digits, self.symbols, self.max_run = digits, symbols, max_run
        self.repeated = repeated or any(_PATTERN_RE.search(w) for w in words)
        self.length = len(text) - marks

    def shape(self) -> float:
        """Return the worst latin_shape of the part's words, 0.0 unless mainly Latin."""
        if self.script != "Latin":
            return 0.0
        worst = 0.0
        for word in self.words:
            folded = word if word.isascii() else "".join(map(fold_letter, word))
            score = latin_shape(folded)
            if score > worst:
                worst = score
        return worst

    def letters_by_script(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for ch in self.text[:_MAX_ANALYSED]:
            cls, script, _ = _classify(ch)
            if cls == _LETTER and script not in NEUTRAL:
                out.setdefault(script, set()).add(ch)
        return out


# Parts already analysed (read-only once built). Name parts recur (Marie, Müller, 王):
# the per-part facts are pure functions of the text, so a recurring part costs a lookup.
# Bounded; in process memory only, never written anywhere; forget_parts() empties it.
_PART_CACHE: dict[str, _Part] = {}
_PART_CACHE_LIMIT = 50_000


def _part(text: str) -> _Part:
    part = _PART_CACHE.get(text)
    if part is None:
        part = _Part(text)
        if len(_PART_CACHE) < _PART_CACHE_LIMIT:
            _PART_CACHE[text] = part
    return part


def forget_parts() -> None:
    """Empty the cache of analysed name parts."""
    _PART_CACHE.clear()


def _confusable(part: _Part, other_script: str) -> bool:
    """Return True when a part's letters from other scripts all imitate one script."""
    if len(part.counts) >= 2:
        by_script = part.letters_by_script()
        for target in by_script:
            look = LOOKALIKES.get(target)
            if look and all(c <= look for s, c in by_script.items() if s != target):
                return True
        return False
    look = LOOKALIKES.get(other_script)
    if other_script == "Latin" and look and len(part.counts) == 1 and "Latin" not in part.counts:
        # All letters imitate Latin, the other part's script: "Мах Smith" in Cyrillic. Not
        # the other way round: a Latin part beside a Cyrillic or Greek one ("Татьяна
        # Moisei", as many Moldovans write) is ordinary, however alike the letters look.
        (letters,) = part.letters_by_script().values()
        return letters <= look
    return False


def normalize_name(value: object) -> str:
    """Return ``value`` in NFC, trimmed, with runs of whitespace made one space."""
    if not isinstance(value, str):
        return ""
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def check_name(first_name: str, last_name: str) -> CheckResult:
    """Normalise a first and last name and derive plausibility signals from them.

    Returns:
        ``normalized`` is ``{"first_name": ..., "last_name": ...}`` (NFC, trimmed, inner
        whitespace collapsed, case kept); ``signals`` has every key of :data:`SIGNALS`.
    """
    first_text = normalize_name(first_name)
    last_text = normalize_name(last_name)
    first, last = _part(first_text), _part(last_text)
    first_key, last_key = first.key, last.key
    shape = max(first.worst_shape, last.worst_shape)
    flags = (
        is_mixed(first.counts.keys()) or is_mixed(last.counts.keys()),
        _confusable(first, last.script) or _confusable(last, first.script),
        first.digits or last.digits,
        first.symbols or last.symbols,
        first.repeated or last.repeated,
        first.keyboard or last.keyboard,
        shape >= 0.5,
        is_placeholder(first_key, last_key),
        bool(first_key) and first_key == last_key,
    )
    mixed, confusable, digits, symbols, repeated, keyboard, gibberish, placeholder, same = flags
    signals: dict[str, SignalValue] = {  # in SIGNALS order
        "name.missing": not first_text or not last_text,
        "name.first_length": first.length,
        "name.last_length": last.length,
        "name.first_script": first.script,
        "name.last_script": last.script,
        "name.scripts": sorted(first.counts.keys() | last.counts.keys()),
        "name.mixed_script": mixed,
        "name.confusable": confusable,
        "name.has_digits": digits,
        "name.has_symbols": symbols,
        "name.max_repeat": max(first.max_run, last.max_run),
        "name.repeated_chars": repeated,
        "name.keyboard_run": keyboard,
        "name.latin_shape": shape,
        "name.gibberish": gibberish,
        "name.placeholder": placeholder,
        "name.first_equals_last": same,
        "name.no_letters": (bool(first_text) and not first.max_run)
        or (bool(last_text) and not last.max_run),
        "name.suspicious_count": sum(flags),
    }
    return CheckResult(
        normalized={"first_name": first_text, "last_name": last_text}, signals=signals
    )
