"""Derive the vendored real-name sample from the `names-dataset` package (a `training` extra).

    .venv/bin/pip install -e ".[real-names]"
    .venv/bin/python scripts/derive_real_names.py

Writes ``screening/training/real_names/names.tsv``: for each of the package's countries, its
most common first names (the top 60 of each gender) and last names (the top 120), as
``country<TAB>part<TAB>rank<TAB>name``. Only frequent names, one per line, never linked to
each other or to anyone: a list of the commonest names of a country, not a record of people.
Deterministic: the same package version writes the same file.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from names_dataset import NameDataset

OUT = Path(__file__).resolve().parents[1] / "screening" / "training" / "real_names" / "names.tsv"
FIRST_PER_GENDER = 60
LAST = 120


def clean(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(name).split()))


def main() -> None:
    data = NameDataset()
    rows: set[tuple[str, str, int, str]] = set()
    for gender in ("M", "F"):
        top = data.get_top_names(n=FIRST_PER_GENDER, use_first_names=True, gender=gender)
        for country, by_gender in top.items():
            for rank, name in enumerate(by_gender.get(gender, []), 1):
                rows.add((country, "first", rank, clean(name)))
    top = data.get_top_names(n=LAST, use_first_names=False)
    for country, names in top.items():
        for rank, name in enumerate(names, 1):
            rows.add((country, "last", rank, clean(name)))
    best: dict[tuple[str, str, str], int] = {}
    for country, part, rank, name in rows:
        if name and any(ch.isalpha() for ch in name):
            key = (country, part, name)
            best[key] = min(rank, best.get(key, rank))
    lines = sorted(f"{c}\t{p}\t{r}\t{n}" for (c, p, n), r in best.items())
    OUT.write_text("country\tpart\trank\tname\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} names of {len({k[0] for k in best})} countries -> {OUT}")


if __name__ == "__main__":
    main()
