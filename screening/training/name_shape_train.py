"""Rebuild the letter-pair table of :mod:`screening.core.checks.name_shape` (offline only).

Run ``python -m screening.training.name_shape_train`` with Faker installed and paste the
printed rows over ``_TABLE``. Training words are the distinct first and last names of
every Faker person provider (Latin-script ones as they are; Cyrillic, Greek, Georgian,
Armenian, Korean and kana ones romanised with anyascii, which keeps their vowels), plus
the common names below for languages Faker barely covers. Each language counts with
weight 1/size**0.25 so that small languages (Polish: 155 distinct words in Faker) are
not drowned by English (12,000). Nothing here runs at request time.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from anyascii import anyascii

from screening.core.checks.name_shape import (
    COLS_TO,
    DIGITS,
    ROWS_FROM,
    STEP,
    fold_word,
    reduce_digraphs,
)

# Common given names and surnames of languages with few or no Faker names, romanised the
# way their bearers type them on a Latin keyboard.
SUPPLEMENT: dict[str, str] = {
    "pl": """nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski
        szymanski wozniak dabrowski kozlowski jankowski mazur kwiatkowski krawczyk
        piotrowski grabowski nowakowski pawlowski michalski nowicki adamczyk dudek zajac
        wieczorek jablonski krol majewski olszewski jaworski wrobel malinowski pawlak
        witkowski walczak stepien gorski rutkowski michalak sikora ostrowski baran duda
        szewczyk tomaszewski pietrzak marciniak wroblewski zalewski jakubowski jasinski
        zawadzki sadowski bak chmielewski wlodarczyk borkowski czarnecki sawicki sokolowski
        urbanski kubiak maciejewski szczepanski kucharski wilk kalinowski lis mazurek
        wysocki adamski kazmierczak wasilewski sobczak czerwinski andrzejewski cieslak
        glowacki zakrzewski kolodziej sikorski krajewski gajewski szymczak szulc
        baranowski laskowski brzozowski makowski przybylski borowski krzysztof grzegorz
        przemyslaw wojciech jedrzej zbigniew czeslaw wladyslaw boleslaw stanislaw miroslaw
        jaroslaw radoslaw zdzislaw slawomir bozena grazyna malgorzata agnieszka katarzyna
        jadwiga wieslawa zofia jozef andrzej tadeusz ryszard szczepan bartlomiej maciej
        mateusz lukasz pawel michal dawid kacper szymon wiktoria""",
    "cs": """novak svoboda novotny dvorak cerny prochazka kucera vesely horak nemec pokorny
        pospisil hajek jelinek kral ruzicka benes fiala sedlacek dolezal zeman kolar
        navratil cermak vanek blazek kriz kovar kratochvil bartos vlcek polak musil kopecky
        simek konecny maly holub stastny cech stepanek kadlec jiri vaclav zdenek vojtech
        radek premysl bohumil jaroslava hana zuzana""",
    "hu": """nagy kovacs toth szabo horvath varga kiss molnar nemeth farkas balogh papp
        takacs juhasz lakatos meszaros olah racz fekete szilagyi torok feher balazs gal
        szucs kocsis orsos pinter fodor szalai sipos magyar lukacs gulyas biro kiraly
        laszlo balint gergely zsolt csaba gyorgy ferenc istvan erzsebet zsofia gyongyi
        katalin ildiko""",
    "sq": """gjergj gjon gjin hoxha xhaferi krasniqi gashi berisha shala kelmendi morina
        dervishi leka gjoka gjika xhemajl xhevdet shqiponja dritan arben bujar fatmir
        mergim valbona lindita besnik gezim ilir gjergji""",
    "zu": """mnqobi sibusiso nkosinathi nomvula thandeka nxumalo dlamini ndlovu mkhize
        ngcobo zulu khumalo mthembu buthelezi shezi cele mchunu ngubane msimang mbatha
        gumede hlongwane mthethwa majola gcaba xaba qwabe mngadi gxabhashe nqobile sandile
        lwazi mxolisi xolani qhawe mlungisi thulani nokuthula ntombifuthi mpho tshepo
        lerato kgomotso""",
    "vi": """nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly thanh
        quang quoc xuan quynh thuy ngoc nghia nguyet phuong truong vuong khanh trinh hung
        dung tuan tuyet""",
    "cy": """llwyd gwyn rhys cadwgan dafydd gruffydd llewelyn iolo bryn gwilym cerys
        rhiannon angharad eluned glyndwr myfanwy""",
    "ka": """mkhitaryan tskhvediani chkheidze mgeladze tkemaladze mchedlishvili
        gvritishvili beridze kvaratskhelia tsiklauri kvirikashvili""",
    "ar": """qureshi qahtani abdulqadir shafiq tariq khwaja mohammed muhammad abdullah
        ebrahim yusuf aaliyah khalid hamza fatima aisha zainab haidar abbas""",
    "zh": """hsu hsieh tsai chiang szeto ng ngai kwok kwong tsang cheung yeung chow wong
        leung""",
}

_ROMANISABLE = re.compile("[\u0370-\u058f\u10a0-\u10ff\u3040-\u30ff\uac00-\ud7af]")
_NAME_LIST = re.compile(r"(first|last|middle)_(romanized_|kana_)?names")  # and male_last_names
_CAMEL = re.compile("(?<=[a-z])(?=[A-Z])")  # anyascii joins Korean syllables: GimMinJun


def faker_words() -> dict[str, set[str]]:  # pragma: no cover - needs Faker
    """Collect folded name words per language from Faker's person providers."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    out: dict[str, set[str]] = defaultdict(set)
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{mod.name}").Provider
        for attr in dir(provider):
            if not _NAME_LIST.search(attr):
                continue
            names = getattr(provider, attr, None)
            if not isinstance(names, list | tuple | dict | set | frozenset):
                continue
            for name in names:
                if not isinstance(name, str):
                    continue
                if all(ord(c) < 0x0370 or 0x1E00 <= ord(c) <= 0x1EFF for c in name):
                    text = name
                elif _ROMANISABLE.search(name):
                    text = _CAMEL.sub(" ", anyascii(name))
                else:
                    continue  # abjads and Brahmic scripts romanise without vowels
                out[mod.name.split("_")[0]].update(fold_word(text).split())
    return out


def training_words() -> dict[str, set[str]]:  # pragma: no cover - needs Faker
    """Return Faker's name words merged with :data:`SUPPLEMENT`, per language."""
    words = faker_words()
    for lang, text in SUPPLEMENT.items():
        words.setdefault(lang, set()).update(text.split())
    return words


def build_table(
    words: Mapping[str, Iterable[str]],
    add_k: float = 0.2,
    unigram: float = 0.02,
    alpha: float = 0.25,
) -> list[str]:
    """Train the surprisal rows from folded words grouped by language.

    Pair counts get add-k smoothing and are mixed with the next-letter frequency, so an
    unseen pair between common letters is rare but not impossible.
    """
    pairs: Counter[str] = Counter()
    nexts: Counter[str] = Counter()
    for group in words.values():
        group = {reduce_digraphs(w) for w in group if w}
        if not group:
            continue
        weight = 1.0 / len(group) ** alpha
        for word in group:
            s = "^" + word + "$"
            for i in range(len(s) - 1):
                pairs[s[i : i + 2]] += weight
                nexts[s[i + 1]] += weight
    n_next = sum(nexts.values())
    top = len(DIGITS) - 1
    rows = []
    for prev in ROWS_FROM:
        row_total = sum(pairs[prev + nxt] for nxt in COLS_TO)
        digits = []
        for nxt in COLS_TO:
            p = (pairs[prev + nxt] + add_k) / (row_total + add_k * len(COLS_TO))
            p = (1 - unigram) * p + unigram * (nexts[nxt] + 1) / (n_next + len(COLS_TO))
            digits.append(DIGITS[min(top, round(-math.log(p) / STEP))])
        rows.append("".join(digits))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for line in build_table(training_words()):
        print(f'    "{line}",')
