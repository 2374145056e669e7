"""Every text a customer reads exists in Dutch, French and German (CI fails otherwise).

The messages are extracted from the code exactly as ``pybabel extract -F babel.cfg
-k N_ -k R_:1c,2`` does; each must have a translation in every catalogue, with the
same ``{placeholders}``, and the compiled ``.mo`` shipped in the package must match
its ``.po`` source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from screening.config import DEFAULT_RULES
from screening.core import i18n
from screening.core.decide import SCORE_REASONS
from screening.core.i18n import messages

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "R_": ((1, "c"), 2)}
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def extracted() -> set[tuple[str | None, str]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message))
    return found


@pytest.fixture(scope="module")
def source() -> set[tuple[str | None, str]]:
    found = extracted()
    assert len(found) > 100, "extraction found almost nothing: is babel.cfg right?"
    return found


def catalogue(language: str):  # type: ignore[no-untyped-def]
    path = i18n.LOCALES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_english_sources_are_what_the_code_uses(source: set) -> None:
    for code, text in messages.REASONS.items():
        assert (code, text) in source
    for text in messages.CHANGES.values():
        assert (None, text) in source


def problems(po, source: set[tuple[str | None, str]]) -> list[str]:  # type: ignore[no-untyped-def]
    """Return each source text the catalogue lacks, leaves fuzzy or gets placeholders wrong."""
    found = []
    for context, message in sorted(source, key=lambda m: (m[0] or "", m[1])):
        entry = po.get(message, context=context)
        where = f"{context or ''}|{message[:60]}"
        if entry is None or not entry.string or entry.fuzzy:
            found.append(f"untranslated: {where}")
        elif set(PLACEHOLDER.findall(entry.string)) != set(PLACEHOLDER.findall(message)):
            found.append(f"placeholders differ: {where}")
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_customer_text_is_translated(language: str, source: set) -> None:
    found = problems(catalogue(language), source)
    assert not found, f"{language}: {len(found)} problem(s): {found[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shipped_mo_matches_its_po(language: str) -> None:
    po = catalogue(language)
    mo = Translations.load(str(i18n.LOCALES), [language], i18n.DOMAIN)
    assert isinstance(mo, Translations), "compile the catalogues: pybabel compile"
    for entry in po:
        if not entry.id:
            continue
        got = mo.upgettext(entry.context, entry.id) if entry.context else mo.ugettext(entry.id)
        assert got == entry.string, f"{language}: stale .mo for {entry.id[:60]!r}"


def test_every_shipped_reason_code_has_a_customer_text() -> None:
    shipped = yaml.safe_load(DEFAULT_RULES.read_text())
    codes = {rule["reason"]["code"] for rule in shipped["rules"]}
    codes |= {reason.code for reason in SCORE_REASONS.values()}
    assert codes - set(messages.REASONS) == set()


def test_the_check_names_a_missing_or_broken_translation(source: set) -> None:
    po = catalogue("de")
    reason = ("phone_invalid", messages.REASONS["phone_invalid"])
    po.delete(reason[1], context=reason[0])
    notice = messages.NOTICES["review_received"][1]
    po[notice].string = "Wir haben Ihren Antrag erhalten."
    assert sorted(problems(po, source)) == [
        f"placeholders differ: |{notice[:60]}",
        f"untranslated: phone_invalid|{reason[1][:60]}",
    ]
