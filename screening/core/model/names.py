"""Name plausibility: a character n-gram classifier of real names against junk, and its fast path.

Training (:mod:`screening.training.names`) fits a scikit-learn pipeline (``HashingVectorizer``
over character n-grams inside word boundaries, then ``LogisticRegression``). Serving does not call
scikit-learn per request (its input checks alone cost about 3 ms): :class:`NameScorer` reads
the fitted weights once and computes the same probability in plain Python, and proves at
construction that it agrees with the pipeline on probe strings.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils import murmurhash3_32

from screening.errors import ModelError

NGRAMS = (1, 4)
N_FEATURES = 2**17
C = 10.0
# Strings the fast path must score exactly as the pipeline does (scripts, marks, whitespace).
PROBES: tuple[str, ...] = (
    "Marie", "Przybyszewski", "O'Brien", "Ng", "李", "佐藤", "さくら", "Nguyễn Văn",
    "Ольга", "Αλέξανδρος", "محمد", "דוד", "สมชาย", "김민준", "Asdf", "Qwertz", "xkjhwq",
    "J0hn", "Test", "a\tb  c", "Jean-Luc", "Zoë", "ÅSA", "ა", "-", "Ա",
)  # fmt: skip
_CACHE_LIMIT = 200_000


def _word_ngrams(word: str, low: int, high: int) -> list[str]:
    # scikit-learn's analyzer="char_wb" for one lower-cased word: padded with one space
    # each side, and a word no longer than n (padded) counts once, whole. Each n-gram list
    # is the previous one with the next character appended (C-level map, no slicing).
    padded = f" {word} "
    length = len(padded)
    out: list[str] = []
    grams = list(padded)
    for n in range(1, high + 1):
        if n > 1:
            if length <= n:
                out.append(padded)
                break
            grams = list(map(operator.add, grams, padded[n - 1 :]))
        if n >= low:
            out += grams
    return out


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Return the n-grams scikit-learn's ``analyzer="char_wb"`` makes of ``text``."""
    return [g for word in text.lower().split() for g in _word_ngrams(word, low, high)]


class _Word(NamedTuple):
    slots: tuple[int, ...]
    counts: tuple[int, ...]
    dot: float
    squares: int


_MISSING = object()


class NameScorer:
    """Probability that a name part is a real name, computed without scikit-learn per call.

    Args:
        pipeline: a fitted pipeline from :func:`fit`.

    Raises:
        ModelError: if the pipeline is not the supported shape or the fast path disagrees.
    """

    def __init__(self, pipeline: Any) -> None:
        try:
            vectorizer, classifier = (
                pipeline.named_steps["ngrams"],
                pipeline.named_steps["classifier"],
            )
        except (AttributeError, KeyError, TypeError) as exc:
            raise ModelError("The name model is not an n-gram pipeline.") from exc
        expected = {
            "analyzer": "char_wb",
            "alternate_sign": False,
            "norm": "l2",
            "lowercase": True,
            "binary": False,
            "strip_accents": None,
            "preprocessor": None,
            "tokenizer": None,
        }
        if not isinstance(vectorizer, HashingVectorizer) or not isinstance(
            classifier, LogisticRegression
        ):
            raise ModelError("The name model is not an n-gram pipeline.")
        params = vectorizer.get_params()
        if any(params.get(k) != v for k, v in expected.items()):
            raise ModelError("The name model's vectorizer has settings the fast path lacks.")
        self._pipeline = pipeline
        self._low, self._high = (int(n) for n in params["ngram_range"])
        self._n = int(params["n_features"])
        self._weights: list[float] = classifier.coef_[0].astype(float).tolist()
        self._bias = float(classifier.intercept_[0])
        if len(self._weights) != self._n:
            raise ModelError("The name model's weights do not match its vectorizer.")
        # Caches, bounded: n-gram -> slot, word -> its slots and sums, part -> probability.
        self._index: dict[str, int] = {}
        self._words: dict[str, _Word] = {}
        self._parts: dict[str, object] = {}
        self.check(PROBES)

    def forget(self) -> None:
        """Empty the caches of words and name parts (the n-gram slot cache stays)."""
        self._words.clear()
        self._parts.clear()

    @property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline this scorer reads."""
        return self._pipeline

    def _hash(self, token: str) -> int:
        h = murmurhash3_32(token, seed=0)
        # scikit-learn's hashing: abs(h) % n, with abs(-2**31) taken as 2**31 - 1.
        slot = (2147483647 - (self._n - 1)) % self._n if h == -2147483648 else abs(h) % self._n
        if len(self._index) < _CACHE_LIMIT:
            self._index[token] = slot
        return slot

    def _word(self, word: str) -> _Word:
        known = self._words.get(word)
        if known is None:
            tokens = Counter(_word_ngrams(word, self._low, self._high))
            found = list(map(self._index.get, tokens))
            slots: list[int] = [
                self._hash(t) if s is None else s for t, s in zip(tokens, found, strict=True)
            ]
            counts = list(tokens.values())
            if len(set(slots)) < len(slots):
                # Two different n-grams hashed to one slot: add them up as the vectorizer does.
                merged: dict[int, int] = {}
                for slot, count in zip(slots, counts, strict=True):
                    merged[slot] = merged.get(slot, 0) + count
                slots, counts = list(merged), list(merged.values())
            known = _Word(tuple(slots), tuple(counts), *self._sums(slots, counts))
            if len(self._words) < _CACHE_LIMIT:
                self._words[word] = known
        return known

    def probability(self, text: str) -> float | None:
        """Return P(real name) for one name part, or None when it has no characters to judge."""
        cached = self._parts.get(text, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result = self._judge(text)
        if len(self._parts) < _CACHE_LIMIT:
            self._parts[text] = result
        return result

    def _judge(self, text: str) -> float | None:
        words = [self._word(w) for w in text.lower().split()]
        if not words:
            return None
        if len(words) == 1:
            return self._sigmoid(words[0].dot, words[0].squares)
        total: dict[int, int] = {}
        for word in words:
            for slot, count in zip(word.slots, word.counts, strict=True):
                total[slot] = total.get(slot, 0) + count
        return self._sigmoid(*self._sums(list(total), list(total.values())))

    def _sums(self, slots: Sequence[int], counts: Sequence[int]) -> tuple[float, int]:
        """Return the dot product with the weights and the squared norm of the count vector."""
        dot = sum(map(operator.mul, map(self._weights.__getitem__, slots), counts))
        return dot, sum(map(operator.mul, counts, counts))

    def _sigmoid(self, dot: float, squares: int) -> float:
        z = dot / math.sqrt(squares) + self._bias
        return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0

    def __call__(self, first_name: str, last_name: str) -> float:
        """Return the plausibility of a name: the lower of its parts' (1.0 when both are empty)."""
        parts = (self.probability(first_name), self.probability(last_name))
        scores = [p for p in parts if p is not None]
        return round(min(scores), 6) if scores else 1.0

    def check(self, texts: Sequence[str]) -> None:
        """Raise ModelError unless the fast path matches the pipeline on ``texts``."""
        judged = [t for t in texts if t.split()]
        expected = self._pipeline.predict_proba(judged)[:, 1]
        for text, want in zip(judged, expected, strict=True):
            got = self._judge(text)
            if got is None or abs(got - float(want)) > 1e-9:
                raise ModelError("The name model's fast path disagrees with the pipeline.")
