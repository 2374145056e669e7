"""Spec for the name check: real names in any script stay quiet, fake ones trip signals."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from faker import Faker
from faker.config import AVAILABLE_LOCALES
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.core.checks import CheckResult
from screening.core.checks.keyboards import keyboard_run
from screening.core.checks.name_shape import latin_shape
from screening.core.checks.names import SIGNALS, _Part, check_name
from screening.core.checks.scripts import _RANGES, script_of
from screening.training.name_shape_train import build_table

SUSPICIONS = tuple(
    f"name.{s}"
    for s in (
        "mixed_script",
        "confusable",
        "has_digits",
        "has_symbols",
        "repeated_chars",
        "keyboard_run",
        "gibberish",
        "placeholder",
        "first_equals_last",
    )
)
PY_TYPES = {"bool": bool, "int": int, "float": float, "string": str, "list<string>": list}


def raised(first: str, last: str) -> list[str]:
    signals = check_name(first, last).signals
    return [name for name in SUSPICIONS if signals[name]]


# --- the declaration -------------------------------------------------------------------


def test_signals_are_declared_once_with_valid_names_types_and_defaults() -> None:
    names = [s.name for s in SIGNALS]
    assert len(names) == len(set(names))
    for signal in SIGNALS:
        group, _, leaf = signal.name.partition(".")
        assert group == "name" and leaf and leaf == leaf.lower() and " " not in leaf
        assert type(signal.default) is PY_TYPES[signal.type]
        assert signal.description.endswith(".")


def test_result_keys_follow_the_declaration() -> None:
    result = check_name("Ada", "Lovelace")
    assert isinstance(result, CheckResult)
    assert list(result.signals) == [s.name for s in SIGNALS]


# --- real names: never a suspicion -----------------------------------------------------

REAL_NAMES = [
    # Moldova: a Cyrillic and a Latin part, as people write them.
    pytest.param("Татьяна", "Moisei", id="cyrillic-first-latin-last"),
    pytest.param("Moisei", "Андрей", id="latin-first-cyrillic-last"),
    pytest.param("李", "王", id="han-single-characters"),
    pytest.param("王 小明", "Ng", id="han-given-short-latin-surname"),
    pytest.param("Ng", "O'Brien", id="two-letter-and-apostrophe"),
    pytest.param("Jean-Luc", "O’Neill", id="hyphen-and-curly-apostrophe"),
    pytest.param("Nguyễn Văn An", "Nguyễn", id="vietnamese-diacritics"),
    pytest.param("محمد", "Al-Farsi", id="arabic-and-latin-parts"),
    pytest.param("Ōtsuka", "Ólafsdóttir", id="macron-and-icelandic"),
    pytest.param("Zoë", "Ødegaard", id="diaeresis-and-slashed-o"),
    pytest.param("Arnold", "Schwarzenegger", id="german-cluster"),
    pytest.param("Thabo", "Mkhwanazi", id="zulu-cluster"),
    pytest.param("Lindiwe", "Tshabalala", id="tswana-repetition"),
    pytest.param("Venkat", "Srinivasaraghavan", id="long-tamil-surname"),
    pytest.param("Krzysztof", "Wojciechowski", id="polish-digraphs"),
    pytest.param("Szczepan", "Przybyszewski", id="polish-szcz"),
    pytest.param("Grażyna", "Szewczyk", id="polish-czyk"),
    pytest.param("María", "Hernández-García", id="spanish-double-surname"),
    pytest.param("Salma", "Al-Farsi", id="arabic-romanised"),
    pytest.param("Rocco", "D'Angelo", id="italian-apostrophe"),
    pytest.param("Pieter", "van der Berg", id="dutch-particles"),
    pytest.param("Hiroshi", "Nakamura", id="romaji"),
    pytest.param("さくら", "佐藤", id="hiragana-and-kanji"),
    pytest.param("佐藤 さくら", "佐々木", id="japanese-mix-in-one-part"),
    pytest.param("민준", "김", id="hangul"),
    pytest.param("김민준", "Kim", id="hangul-full-name-in-one-part"),
    pytest.param("Αλέξανδρος", "Παπαδόπουλος", id="greek"),
    pytest.param("Дмитрий", "Корпанюк", id="cyrillic-near-keyboard-row"),
    pytest.param("אברהם", "כהן", id="hebrew"),
    pytest.param("סת'יה", "ח'ליל", id="hebrew-with-geresh-apostrophe"),
    pytest.param("सत्यम", "शर्मा", id="devanagari"),
    pytest.param("ณัฐวุฒิ", "ธนนนท์", id="thai-triple-consonant"),
    pytest.param("Yusuf", "Aaliyah", id="double-vowel-start"),
    pytest.param("Llewellyn", "Lloyd", id="welsh-double-l"),
    pytest.param("Aaron", "Brooke", id="double-letters"),
    pytest.param("Ng Ah Kow", "Li Na", id="multi-word-short-parts"),
    pytest.param("Li", "Na", id="na-as-a-surname"),
    pytest.param("J.", "Smith", id="initial-with-period"),
    pytest.param("Bjørn", "Dvořák", id="nordic-and-czech"),
    pytest.param("Liam", "Doherty", id="erty-inside-a-name"),
    pytest.param("Reza", "Hertz", id="reza-and-ertz"),
    pytest.param("Azer", "Frazer", id="azer-inside-names"),
    pytest.param("Dallas", "Peter", id="one-keyboard-row-with-vowels"),
    pytest.param("Foo", "Chee Keong", id="foo-is-a-surname-alone"),
    pytest.param("Bar", "Cohen", id="bar-is-a-given-name-alone"),
    pytest.param("Ferran", "Gal·la", id="catalan-middle-dot"),
    pytest.param("Ivan", "Петров", id="parts-in-different-scripts"),
    pytest.param("مهدی", "رضایی\u200cنژاد", id="persian-zero-width-non-joiner"),
    pytest.param("Nkosinathi", "Nxumalo", id="xhosa-clicks"),
    pytest.param("Gjergj", "Xhaka", id="albanian"),
    pytest.param("Zsuzsanna", "Szőcs", id="hungarian"),
    pytest.param("Quynh", "Huỳnh", id="vietnamese-romanised"),
]


@pytest.mark.parametrize(("first", "last"), REAL_NAMES)
def test_real_names_raise_no_suspicion(first: str, last: str) -> None:
    assert raised(first, last) == []
    assert check_name(first, last).signals["name.suspicious_count"] == 0


# --- scripts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "first_script", "last_script", "scripts"),
    [
        ("Ada", "Lovelace", "Latin", "Latin", ["Latin"]),
        ("さくら", "佐藤", "Hiragana", "Han", ["Han", "Hiragana"]),
        ("佐藤 さくら", "", "Japanese", "", ["Han", "Hiragana"]),
        ("サトウ", "김민준", "Katakana", "Hangul", ["Hangul", "Katakana"]),
        ("محمد", "Дмитрий", "Arabic", "Cyrillic", ["Arabic", "Cyrillic"]),
        ("אברהם", "Αλέξανδρος", "Hebrew", "Greek", ["Greek", "Hebrew"]),
        ("सत्यम", "ณัฐวุฒิ", "Devanagari", "Thai", ["Devanagari", "Thai"]),
        ("সুমন", "தமிழ்", "Bengali", "Tamil", ["Bengali", "Tamil"]),
        ("తెలుగు", "ગુજરાતી", "Telugu", "Gujarati", ["Gujarati", "Telugu"]),
        ("ნადია", "Արշակ", "Georgian", "Armenian", ["Armenian", "Georgian"]),
        ("አበበ", "សុខ", "Ethiopic", "Khmer", ["Ethiopic", "Khmer"]),
        ("ສົມ", "မောင်", "Lao", "Myanmar", ["Lao", "Myanmar"]),
        ("ශ්‍රියානි", "-", "Sinhala", "Unknown", ["Sinhala"]),
        ("123", "", "Unknown", "", []),
    ],
)
def test_scripts(
    first: str, last: str, first_script: str, last_script: str, scripts: list[str]
) -> None:
    signals = check_name(first, last).signals
    assert signals["name.first_script"] == first_script
    assert signals["name.last_script"] == last_script
    assert signals["name.scripts"] == scripts


def test_script_ranges_are_sorted_and_disjoint() -> None:
    for (_, last, _), (first, _, _) in zip(_RANGES, _RANGES[1:], strict=False):
        assert last < first


TABLE_SCRIPTS = (
    "Latin Greek Cyrillic Armenian Hebrew Arabic Devanagari Bengali Tamil Telugu Gujarati "
    "Sinhala Thai Lao Myanmar Georgian Hangul Ethiopic Khmer Hiragana Katakana"
).split()


def test_script_table_agrees_with_unicode_names_for_every_bmp_letter() -> None:
    # unicodedata.name() is too slow per request, but fine to check the table once.
    wrong = []
    for cp in range(0x41, 0x10000):
        ch = chr(cp)
        if unicodedata.category(ch)[0] != "L":
            continue
        first_word = unicodedata.name(ch, "").split(" ", 1)[0]
        for script in TABLE_SCRIPTS:
            if first_word == script.upper() and script_of(ch) != script:
                wrong.append(f"U+{cp:04X} {script}")
    assert wrong == []


# --- normalisation and plain facts -----------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "normalized"),
    [
        ("  Ada  ", "\tLovelace\n", ("Ada", "Lovelace")),
        ("Mary   Ann", "de\u00a0 la  Cruz", ("Mary Ann", "de la Cruz")),
        ("Zoe\u0308", "E\u0301lise", ("Zoë", "Élise")),  # NFC composes the marks
        ("mcDONALD", "ÓLAFSDÓTTIR", ("mcDONALD", "ÓLAFSDÓTTIR")),  # case kept
        ("   ", "", ("", "")),
    ],
)
def test_normalized(first: str, last: str, normalized: tuple[str, str]) -> None:
    result = check_name(first, last)
    assert result.normalized == {"first_name": normalized[0], "last_name": normalized[1]}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("", "Lovelace", {"name.missing": True, "name.first_length": 0}),
        ("Ada", "  ", {"name.missing": True, "name.last_script": ""}),
        ("Zoe\u0308", "ณัฐวุฒิ", {"name.first_length": 3, "name.last_length": 4}),
        ("Anna", "Lloyd", {"name.max_repeat": 2, "name.repeated_chars": False}),
        ("AaAa", "Li", {"name.max_repeat": 4, "name.repeated_chars": True}),
        ("-", "Sukarno", {"name.no_letters": True, "name.first_script": "Unknown"}),
        ("Ada", "Lovelace", {"name.no_letters": False, "name.latin_shape": 0.0}),
        ("Ada", "Lovelace", {"name.missing": False, "name.suspicious_count": 0}),
        ("Test", "Test", {"name.suspicious_count": 2}),
        ("J@ne", "D0e", {"name.has_symbols": True, "name.has_digits": True}),
        ("Zzxqv", "Bnmq", {"name.latin_shape": 1.0, "name.gibberish": True}),
    ],
)
def test_plain_facts(first: str, last: str, expected: dict[str, object]) -> None:
    signals = check_name(first, last).signals
    assert {k: signals[k] for k in expected} == expected


# --- fraud-like names: each trips the signal it is about -------------------------------

FRAUD = [
    ("Xkqzvbn", "Wqrtplk", "name.gibberish"),
    ("Jkdfhg", "Sdfkjh", "name.gibberish"),
    ("Zzxqv", "Bnmq", "name.gibberish"),
    ("Asdf", "Ghjk", "name.keyboard_run"),
    ("Qwerty", "Uiop", "name.keyboard_run"),
    ("Azerty", "Wxcvbn", "name.keyboard_run"),
    ("Qwertz", "Asdfg", "name.keyboard_run"),
    ("Asdasd", "Smith", "name.keyboard_run"),
    ("Sdfgsdf", "Smith", "name.keyboard_run"),
    ("Фывапр", "Иванов", "name.keyboard_run"),
    ("Aaaaaa", "Bbbbbb", "name.repeated_chars"),
    ("Lolololo", "Test", "name.repeated_chars"),
    ("Abcabcabc", "Smith", "name.repeated_chars"),
    ("J0hn", "Smith", "name.has_digits"),
    ("Anna", "123", "name.has_digits"),
    ("Anna", "٣", "name.has_digits"),
    ("J@ne", "D*e", "name.has_symbols"),
    ("Mark!!", "Smith", "name.has_symbols"),
    ("Anna😀", "Smith", "name.has_symbols"),
    ("Anna\u202e", "Smith", "name.has_symbols"),
    ("Test", "Test", "name.placeholder"),
    ("John", "Doe", "name.placeholder"),
    ("Doe", "Jane", "name.placeholder"),
    ("Foo", "Bar", "name.placeholder"),
    ("N/A", "N/A", "name.placeholder"),
    ("Na", "Na", "name.placeholder"),
    ("Firstname", "Lastname", "name.placeholder"),
    ("First Name", "Smith", "name.placeholder"),
    ("Mickey", "Mouse", "name.placeholder"),
    ("Lorem", "Ipsum", "name.placeholder"),
    ("TÉST", "Smith", "name.placeholder"),
    ("Xxx", "Smith", "name.placeholder"),
    ("Mr", "X", "name.placeholder"),
    ("Pаul", "Smith", "name.confusable"),  # Cyrillic а
    ("Маrk", "Jones", "name.mixed_script"),  # Cyrillic М and а
    ("Маrk", "Jones", "name.confusable"),
    ("Αlice", "Smith", "name.confusable"),  # Greek Alpha
    ("Мах", "Smith", "name.confusable"),  # entirely Cyrillic look-alikes
    ("Пaвел", "Иванов", "name.confusable"),  # Latin a in Cyrillic
    ("Anna", "Smithы", "name.mixed_script"),
    ("Smith", "Smith", "name.first_equals_last"),
    ("Jose", "JOSÉ", "name.first_equals_last"),
]


@pytest.mark.parametrize(("first", "last", "signal"), FRAUD)
def test_fraud_like_names_trip_their_signal(first: str, last: str, signal: str) -> None:
    signals = check_name(first, last).signals
    assert signals[signal] is True
    assert signals["name.suspicious_count"] >= 1


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("asdf", True),
        ("poiu", True),
        ("lkjh", True),
        ("wxcv", True),
        ("qwertz", True),
        ("azert", True),
        ("erty", False),
        ("doherty", False),
        ("liberty", False),
        ("hertz", False),
        ("wertheim", False),
        ("pietro", False),
        ("robert", False),
        ("bbbbb", False),  # a repeat, not a run along the row
        ("asd", False),
    ],
)
def test_keyboard_run(word: str, expected: bool) -> None:
    assert keyboard_run(word) is expected


@pytest.mark.parametrize(
    "word", ["ng", "wu", "ly", "krst", "nguyen", "przybyszewski", "szewczyk", "mkrtchyan"]
)
def test_latin_shape_of_real_words_stays_below_half(word: str) -> None:
    assert latin_shape(word) < 0.5


# --- acceptance over Faker and random strings ------------------------------------------

LOCALES = (
    "en_US en_GB fr_FR de_DE nl_BE fr_BE es_ES it_IT pl_PL cs_CZ pt_BR ru_RU uk_UA el_GR "
    "tr_TR ar_AA he_IL hi_IN bn_BD zh_CN zh_TW ja_JP ko_KR th_TH vi_VN fa_IR fi_FI sv_SE "
    "hu_HU ro_RO hr_HR ka_GE hy_AM id_ID tl_PH en_IN yo_NG"
).split()


def test_faker_names_rarely_raise_suspicion() -> None:
    rates: dict[str, float] = {}
    flagged = total = 0
    for locale in (loc for loc in LOCALES if loc in AVAILABLE_LOCALES):
        fake = Faker(locale)
        fake.seed_instance(20240601)
        hits = sum(bool(raised(fake.first_name(), fake.last_name())) for _ in range(300))
        rates[locale] = hits / 300
        flagged += hits
        total += 300
    assert len(rates) >= 30
    report = ", ".join(f"{loc} {rate:.1%}" for loc, rate in rates.items())
    assert flagged / total < 0.01, f"overall {flagged / total:.2%}; per locale: {report}"
    assert max(rates.values()) < 0.03, f"per locale: {report}"


def test_random_letter_strings_are_mostly_gibberish() -> None:
    rng = random.Random(7)
    words = [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 12)))
        for _ in range(300)
    ]
    share = sum(check_name(w.capitalize(), "Smith").signals["name.gibberish"] for w in words)
    share /= len(words)
    assert share >= 0.70, f"only {share:.1%} of random strings flagged as gibberish"


# --- robustness -------------------------------------------------------------------------


def assert_well_formed(result: CheckResult) -> None:
    assert list(result.signals) == [s.name for s in SIGNALS]
    for signal in SIGNALS:
        value = result.signals[signal.name]
        assert type(value) is PY_TYPES[signal.type], signal.name
        if signal.type == "list<string>":
            assert all(type(v) is str for v in value)  # type: ignore[union-attr]
    assert 0.0 <= result.signals["name.latin_shape"] <= 1.0
    count = sum(result.signals[name] for name in SUSPICIONS)  # type: ignore[misc]
    assert result.signals["name.suspicious_count"] == count


@given(st.text(max_size=80), st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_well_formed_signals(first: str, last: str) -> None:
    assert_well_formed(check_name(first, last))


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
@settings(max_examples=300, deadline=None)
def test_ascii_fast_path_agrees_with_the_general_scan(text: str) -> None:
    fast = _Part(text)
    slow = _Part.__new__(_Part)
    slow.text = text
    slow._scan(text)
    for attr in ("counts", "words", "digits", "symbols", "max_run", "repeated", "length"):
        assert getattr(fast, attr) == getattr(slow, attr), attr


@pytest.mark.parametrize(
    "value",
    [
        "",
        " \t\n ",
        "A" * 200,
        "Ab" * 500,
        "\x00\x07\x1b",
        "\ud800",  # lone surrogate, as a JSON decoder can produce
        "😀👍🏽",
        "\u200f\u202eAnna\u202c",
        "\u0301\u0301",
        "ﷺ",
        "𝐉𝐨𝐡𝐧",
        "ｊｏｈｎ",
    ],
)
def test_odd_input_never_raises(value: str) -> None:
    assert_well_formed(check_name(value, value))
    assert_well_formed(check_name("Ada", value))


def test_non_string_input_is_treated_as_empty() -> None:
    result = check_name(None, 42)  # type: ignore[arg-type]
    assert result.normalized == {"first_name": "", "last_name": ""}
    assert result.signals["name.missing"] is True


def test_build_table_makes_one_row_per_previous_letter() -> None:
    rows = build_table({"xx": ["anna", "bob"], "yy": ["lukas"]})
    assert len(rows) == 27 and all(len(row) == 27 for row in rows)
