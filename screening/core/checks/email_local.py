"""Judge the part of an email address before the "@": role mailbox, randomness, name match.

Everything here works on the local part with any "+tag" removed and is transliterated to
lower-case ASCII with ``anyascii`` first, so "Jürgen", "Дмитрий" and "李" are compared as
"jurgen", "dmitriy" and "li". Functions never raise and return plain numbers or booleans.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from screening.core.checks.email_domains import NUMERIC_LOCAL_PROVIDERS

# Longer inputs are cut here: a valid local part has at most 64 characters, and longer
# garbage must not make the checks slower.
_MAX_LEN = 64

# Shared mailboxes of an organisation rather than of a person (compared after removing
# ".", "-" and "_", so "no-reply", "no_reply" and "noreply" are one entry). Two-letter
# initials-like words ("it") are left out on purpose.
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    """
    admin administrator sysadmin root info information support helpdesk help service
    customerservice sales contact contactus office billing accounts accounting finance
    abuse postmaster hostmaster webmaster mailerdaemon noreply donotreply security privacy
    legal marketing press media hr jobs careers recruitment team hello enquiries inquiries
    feedback newsletter orders reception mail
    kontakt contacto contatto bureau secretariaat secretariat sekretariat verkoop vente
    ventes ventas vendas facturation facturatie buchhaltung boekhouding administratie
    administration comptabilite
    """.split()
)

# Cost (negative log-probability in quarter-nats, base-36 digit, capped at 35) of one
# letter following another. Row: previous letter ("^" start, then a-z); column: next
# letter (a-z, then "$" end). Fitted once, with add-0.5 smoothing, on the first and last
# names of all Faker person locales (transliterated with anyascii) plus Faker's English
# word list, so any script's names and everyday words look "ordinary". Refitted without
# the ten locales the tests sample from, those locales still scored 0 of 3,000
# "first.last" addresses at 0.5 or more, so the table is not tuned to its test corpus.
_BIGRAM_ROWS: tuple[str, ...] = (
    "bbcceeccgebcadfdnd9cjegphhz",
    "jgfdijghcjdae7kjr9cdggkqgi6",
    "7hqi6zrc9dlevj9yv9knbwmzgse",
    "8sfoask5avcfoharngojepqzkba",
    "8krg8pld8nmgij9wsbflajkzee9",
    "eigfgkhkckd9e8hju7cckeioei8",
    "8prm8cng7lndngazq8egcoovgsb",
    "8lmk8og99nkejfasvbfk9kkuip9",
    "6mkk8pon9kjegeapuckgcikzfr8",
    "bhcdbjelojdad7ejpcadkioqgj8",
    "4ohh9wmkbsgjje7rzliiapkzfmc",
    "7opqbwwc9ohfki7rzdfjcllsgw7",
    "7hje8hkk7khaglamqmghdhnyeo9",
    "5efk9plg8njiffafshhjbnlzfmb",
    "9jgbancl9jflmbcpulecgmpvfk5",
    "jggejjgjfjgad8hgv9aefafrch9",
    "6tlo8oza9rgeoj8ezaigdoszjzd",
    "aisfdssm9ssijifsogfh4ehsdo8",
    "8igeamek8lgggdamsfddeimyei7",
    "9mfoapob9pdghhcisie9fhkzhf5",
    "8qnu9pp98pjijhaswbccelmzeh9",
    "eeecejeidkdad9lhp7acmkkljhb",
    "4ylk8onm6ulfnhcuzefjjjzzho9",
    "5kli9mqg6nhekdbqoddifvqzfje",
    "7rrranrl5rrgnlcirjgdcrlnjj6",
    "7jhfdljihnebfbelqcdfeinvin5",
    "7kgh8xld8rfhhhborllldmkzbh7",
)
_COST: dict[tuple[str, str], float] = {
    (prev, nxt): int(row[j], 36) / 4
    for prev, row in zip("^abcdefghijklmnopqrstuvwxyz", _BIGRAM_ROWS, strict=True)
    for j, nxt in enumerate("abcdefghijklmnopqrstuvwxyz$")
}
_COST["$", "^"] = 0.0  # joins separate letter runs scored in one pass
# Mean bigram cost where letters start to look random, and where they surely are. Names
# average about 2.7 (97% below 3.9 per single name); random letters about 4.5.
_COST_LOW, _COST_HIGH = 3.7, 4.7

_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn",
                  "qwertzuiop", "yxcvbnm")  # fmt: skip
# Five keys in a row are never a name ("erty" is: Doherty, Liberty), so five are needed,
# except for the well-known four-key mashes at the start of a token.
_KEYBOARD_RUNS: frozenset[str] = frozenset(
    r[i : i + 5] for row in _KEYBOARD_ROWS for r in (row, row[::-1]) for i in range(len(r) - 4)
)
_FIVES: tuple[slice, ...] = tuple(slice(i, i + 5) for i in range(_MAX_LEN))
_KEYBOARD_START = re.compile(r"(?<![a-z])(?:qwer|asdf|zxcv|hjkl|wxcv|yxcv|qsdf|rewq|fdsa|vcxz)")
_HEX = frozenset("0123456789abcdef")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_RUNS = re.compile(r"[a-z]+|[0-9]+")
_LETTERS = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"[A-Z][a-z]+")
# Anything but letters and combining accents separates name words.
_NOT_NAME = re.compile(r"(?:(?![\u0300-\u036f])[\W\d_])+")
_UMLAUT = re.compile(r"[äöüÄÖÜ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Surname particles match inside too many unrelated words ("der" in "alexander") to count
# alone; they still count as part of the joined name ("vanderberg").
_PARTICLES: frozenset[str] = frozenset(
    "van der den de la le du des von zu di da del della dos das do al el bin ben ter ten".split()
)
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# Common alternative romanisations of Russian names ("Dmitriy" / "Dmitry" / "Dmitrii").
_CYRILLIC_ALTERNATIVES = (("iy", "y"), ("iy", "ii"), ("ya", "ia"), ("iya", "ia"),
                          ("yu", "iu"), ("kh", "h"), ("ye", "e"))  # fmt: skip


def split_tag(local: str) -> tuple[str, bool]:
    """Return the local part without its "+tag" and whether a tag was present."""
    base, plus, _ = local.partition("+")
    if plus and base:
        return base, True
    return local, False


def fold(text: str) -> str:
    """Return text in lower case, non-ASCII letters and digits transliterated to ASCII.

    Other non-ASCII characters become dots, so they separate words like "." does.
    """
    text = text[:_MAX_LEN]
    if not text.isascii():
        text = anyascii("".join(c if c.isalnum() else "." for c in text))
    return text.lower()


def is_role_account(folded_base: str) -> bool:
    """Return True if a folded, tag-less local part is a shared role mailbox."""
    return folded_base.replace(".", "").replace("-", "").replace("_", "") in ROLE_LOCAL_PARTS


def _ramp(value: float, low: float, high: float) -> float:
    """Map value linearly onto 0..1 between low and high."""
    if value <= low:
        return 0.0
    if value >= high:
        return 1.0
    return (value - low) / (high - low)


def randomness(folded_base: str, domain: str) -> float:
    """Score 0..1 how machine-generated a folded, tag-less local part looks.

    Four independent cues are combined as a noisy-or: letter/digit alternation, unlikely
    letter sequences (bigram model above), hex-like strings and keyboard runs. Digits at
    the start or end (birth years, counters) and separators are ordinary.
    """
    alnum = _NON_ALNUM.sub("", folded_base)
    if not alnum:
        return 0.0
    if alnum.isdigit():
        # QQ numbers and phone numbers are the usual mailbox at some providers; elsewhere a
        # numeric mailbox is unusual but carries no randomness evidence of its own.
        if domain in NUMERIC_LOCAL_PROVIDERS:
            return 0.05
        return 0.1 if len(alnum) <= 4 else 0.4
    transitions = len(_RUNS.findall(alnum)) - 1
    if transitions <= 1:
        alternation = 0.0
    elif transitions == 2:
        alternation = 0.4
    elif transitions == 3:
        alternation = 0.75
    else:
        alternation = 0.9 if transitions < 6 else 0.97

    letter_runs = _LETTERS.findall(folded_base)
    # Initials carry no evidence; "$^" between runs costs nothing and is not counted.
    runs = [run for run in letter_runs if len(run) > 1]
    unlikely = 0.0
    if runs:
        chain = "^" + "$^".join(runs) + "$"
        cost = sum(map(_COST.__getitem__, zip(chain, chain[1:], strict=False)))
        count = len(chain) - len(runs)  # bigrams minus the joins
        # Fewer than three bigrams say nothing; full weight from eight on.
        if count > 2:
            unlikely = _ramp(cost / count, _COST_LOW, _COST_HIGH) * min(1.0, (count - 2) / 6)

    hexlike = 0.9 if len(alnum) >= 8 and transitions >= 2 and _HEX.issuperset(alnum) else 0.0

    keyboard = 0.0
    letters = "".join(letter_runs)
    if any(map(_KEYBOARD_RUNS.__contains__, map(letters.__getitem__, _FIVES[: len(letters) - 4]))):
        keyboard = 0.8
    elif _KEYBOARD_START.search(folded_base):
        keyboard = 0.75

    calm = (1.0 - alternation) * (1.0 - unlikely) * (1.0 - hexlike) * (1.0 - keyboard)
    return round(1.0 - calm, 4)


def _words(spelling: str, tokens: set[str]) -> None:
    """Add a lower-case ASCII spelling's words, and the words joined, to tokens."""
    words = _LETTERS.findall(spelling)
    tokens.update(w for w in words if len(w) > 1 and w not in _PARTICLES)
    if len(words) > 1:
        tokens.add("".join(words))


# Name parts recur: their spellings are a pure function of the text. Bounded; process
# memory only (screening.core.pipeline.forget_name_caches empties it).
@lru_cache(maxsize=16_384)
def _name_tokens(name: str) -> frozenset[str]:
    """Return the lower-case ASCII spellings of a name's parts worth looking for."""
    name = name[:_MAX_LEN]
    tokens: set[str] = set()
    if name.isascii():
        _words(name.lower(), tokens)
        return frozenset(tokens)
    original = name
    if not name.replace(" ", "").replace("-", "").replace("'", "").isalpha():
        name = _NOT_NAME.sub(" ", name)  # emoji and symbols would transliterate to words
    plain = anyascii(name)
    _words(plain.lower(), tokens)
    # Camel parts split CJK transliterations ("XiuYing") into syllables.
    tokens.update(w.lower() for w in _CAMEL.findall(plain) if w.lower() not in _PARTICLES)
    if _UMLAUT.search(original):
        _words(anyascii(name.translate(_GERMAN)).lower(), tokens)
    if _CYRILLIC.search(original):
        alternatives = _CYRILLIC_ALTERNATIVES
        tokens.update([w.replace(a, b) for w in tokens for a, b in alternatives if a in w])
    return frozenset(t for t in tokens if len(t) > 1)


def _token_similarity(token: str, letters: str, words: list[str]) -> float:
    """Return the share of token found as one piece (3+ letters) in the local part."""
    size = len(token)
    if size == 2:
        # Two letters occur by chance inside longer words, so they must stand at an edge.
        hit = token in words or letters.startswith(token) or letters.endswith(token)
        return 1.0 if hit else 0.0
    if token in letters:
        return 1.0
    # Longest common substring: from each start, only try to beat the best so far.
    best = 2
    for start in range(size - best):
        length = best + 1
        while start + length <= size and token[start : start + length] in letters:
            best = length
            length += 1
    return best / size if best > 2 else 0.0


def name_similarity(folded_base: str, first_name: str, last_name: str) -> float:
    """Return 0..1: the largest share of one of the person's name parts in the local part.

    1.0 means a name part (of two letters or more) appears whole, so "jan.peeters",
    "jpeeters" and "peetersj" all score 1.0 for Jan Peeters.
    """
    words = _LETTERS.findall(folded_base)
    letters = "".join(words)
    if not letters:
        return 0.0
    best = 0.0
    for token in _name_tokens(first_name) | _name_tokens(last_name):
        best = max(best, _token_similarity(token, letters, words))
        if best == 1.0:
            break
    return round(best, 4)
