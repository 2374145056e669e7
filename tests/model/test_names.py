"""Name plausibility: real names in every script score high, junk scores low, fast path exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from screening.core.model.artifact import LoadedModel
from screening.core.model.names import NameScorer, _char_wb_ngrams
from screening.errors import ModelError
from screening.training import name_corpus, real_names

REAL = [
    ("Marie", "Dubois"),
    ("Przemysław", "Przybyszewski"),
    ("Siobhán", "O'Brien"),
    ("Wei", "Ng"),
    ("李", "伟"),
    ("佐藤", "さくら"),
    ("Nguyễn Văn", "An"),
    ("Ольга", "Иванова"),
    ("Αλέξανδρος", "Οικονόμου"),
    ("محمد", "العلي"),
    ("דוד", "כהן"),
    ("민준", "김"),
    ("สมชาย", "ใจดี"),
    ("Jean-Luc", "Picard"),
    ("Zoë", "Løkke"),
    ("Oluwaseun", "Adeyemi"),
]
JUNK = [
    ("Asdf", "Qwer"),
    ("Xkjhwq", "Prtzvb"),
    ("Qsdfgh", "Wxcvbn"),
    ("Aaaaaa", "Bbbbbb"),
    ("Йцукен", "Фывапр"),
    ("Zxcvbnm", "Lkjhgf"),
]


@pytest.mark.parametrize(("first", "last"), REAL)
def test_real_names_in_any_script_are_plausible(
    shipped: LoadedModel, first: str, last: str
) -> None:
    assert shipped.name_scorer(first, last) >= 0.5


@pytest.mark.parametrize(("first", "last"), JUNK)
def test_keyboard_runs_and_gibberish_are_not(shipped: LoadedModel, first: str, last: str) -> None:
    assert shipped.name_scorer(first, last) < 0.2


def test_one_junk_part_is_enough(shipped: LoadedModel) -> None:
    # The name's plausibility is its weaker part's: junk cannot hide behind a real surname.
    assert shipped.name_scorer("Qwertz", "Dubois") < 0.2
    assert shipped.name_scorer("Marie", "Dubois") > 0.9


def test_an_empty_name_has_nothing_to_judge(shipped: LoadedModel) -> None:
    assert shipped.name_scorer("", "  ") == 1.0
    assert shipped.name_scorer("", "Dubois") == shipped.name_scorer("Dubois", "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30))
def test_fast_path_equals_the_pipeline(shipped: LoadedModel, text: str) -> None:
    if text.split():
        shipped.name_scorer.check([text])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.integers(1, 3), st.integers(0, 3))
def test_ngrams_equal_scikit_learns_char_wb(text: str, low: int, extra: int) -> None:
    analyzer = HashingVectorizer(analyzer="char_wb", ngram_range=(low, low + extra))
    assert _char_wb_ngrams(text, low, low + extra) == analyzer.build_analyzer()(text)


def test_an_unsupported_pipeline_is_refused() -> None:
    pipeline = Pipeline(
        [
            ("ngrams", HashingVectorizer(analyzer="char", n_features=16)),
            ("classifier", LogisticRegression()),
        ]
    ).fit(["ab", "cd", "ef", "gh"], [0, 1, 0, 1])
    with pytest.raises(ModelError, match="settings the fast path lacks"):
        NameScorer(pipeline)


def test_the_corpus_holds_names_of_many_scripts_and_junk() -> None:
    train, test = name_corpus.corpus(seed=1)
    scripts = {name_corpus.script(e.text) for e in train if e.real}
    assert {"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HANGUL", "THAI"} <= scripts
    assert sum(e.real for e in train) > 50_000 and sum(not e.real for e in train) > 50_000
    # Held out by the name itself: no string is on both sides.
    assert not {e.text for e in train} & {e.text for e in test}
    real = {e.text.casefold() for e in train + test if e.real}
    assert not any(e.text.casefold() in real for e in train + test if not e.real)


def test_abjad_names_are_not_taught_in_vowelless_transliteration() -> None:
    names = set(name_corpus.real_names())
    # "Mhmd" may be in the corpus only if real people are listed writing it so (in the
    # outside source), never as a machine transliteration of "محمد".
    outside = set(real_names.calibration_names())
    assert "محمد" in names
    assert "Mhmd" not in names - outside
    assert "L`ly" not in names - outside  # anyascii("العلي"): no vowels
