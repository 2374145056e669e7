"""Classify email domains: disposable, privacy relay, consumer provider and likely typos.

Disposable domains are the union of the maintained lists that packages ship
(:data:`DISPOSABLE_LISTS`: ``disposable-email-domains``, ``is-burner-email`` and
``disposable-email-detector``), each domain with the lists that name it, less an allow-list
of real providers that guards against a list's mistakes: every provider and relay known
here plus the package data file ``screening/data/email-providers-allow.txt`` (edit it, no
code change). A likely typo of a provider ("gmial.com") is a typo, never disposable, even
when a list carries it. The other tables are curated by hand. Every function takes a
lower-cased ASCII (IDNA) domain and never raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import NamedTuple

from anyascii import anyascii
from disposable_email_domains import blocklist


def _lines(text: str) -> frozenset[str]:
    """Return the domains of a one-per-line list ('#' comments and blank lines skipped)."""
    out = set()
    for line in text.splitlines():
        item = line.split("#", 1)[0].strip().lower()
        if item:
            out.add(item)
    return frozenset(out)


def _package_text(package: str, name: str) -> str:
    return files(package).joinpath(name).read_text(encoding="utf-8")


def _detector_domains() -> frozenset[str]:
    data = json.loads(_package_text("disposable_email_detector.data", "disposable-domains.json"))
    return frozenset(str(d).strip().lower() for d in data["domains"])


# Each maintained list, by the name of the package that ships it (read once, offline).
DISPOSABLE_LISTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "disposable-email-domains": frozenset(d.lower() for d in blocklist),
        "is-burner-email": _lines(_package_text("is_burner_email.data", "blacklist.txt"))
        | _lines(_package_text("is_burner_email.data", "extra-blacklist.txt")),
        "disposable-email-detector": _detector_domains(),
    }
)
ALLOW_FILE = "email-providers-allow.txt"

# Forwarding services that hide the real mailbox. Legitimate privacy choices, so they are
# reported separately from disposable domains. Sub-domains count too (anonaddy, 33mail and
# simplelogin give each user a sub-domain).
PRIVACY_RELAY_DOMAINS: frozenset[str] = frozenset(
    {
        "privaterelay.appleid.com",
        "duck.com",
        "mozmail.com",
        "relay.firefox.com",
        "simplelogin.com",
        "simplelogin.co",
        "simplelogin.fr",
        "simplelogin.io",
        "aleeas.com",
        "slmail.me",
        "8alias.com",
        "8shield.net",
        "silomails.com",
        "slmails.com",
        "dralias.com",
        "anonaddy.me",
        "anonaddy.com",
        "addy.io",
        "addymail.com",
        "passmail.net",
        "passmail.com",
        "passinbox.com",
        "33mail.com",
        "erine.email",
    }
)

# Public suffixes under which the big multi-country providers really hand out mailboxes.
# Deliberately without "co", "cm" and "om": those are the usual slips for "com".
_COUNTRY_SUFFIXES: tuple[str, ...] = (
    "com", "net", "fr", "be", "nl", "de", "at", "ch", "it", "es", "pt", "ie", "ca", "se",
    "dk", "no", "fi", "pl", "cz", "sk", "gr", "ru", "ua", "by", "kz", "jp", "cn", "in", "cl",
    "lu", "hu", "ro", "bg", "lt", "lv", "ee", "tr", "ph", "sg", "my", "id", "vn", "th",
    "co.uk", "co.jp", "co.kr", "co.in", "co.id", "co.th", "co.nz", "co.za", "co.il",
    "com.au", "com.br", "com.ar", "com.mx", "com.tr", "com.tw", "com.hk", "com.sg",
    "com.vn", "com.ph", "com.my", "com.pe", "com.co", "com.ve", "com.sa", "com.eg",
)  # fmt: skip

# Provider name (first label) -> suffixes it really uses. The first suffix is the default
# suggestion when a suffix was mistyped.
_PROVIDER_SUFFIXES: dict[str, tuple[str, ...]] = {
    "gmail": ("com",),
    "googlemail": ("com",),
    "icloud": ("com",),
    "protonmail": ("com", "ch"),
    "proton": ("me",),
    "hotmail": _COUNTRY_SUFFIXES,
    "outlook": _COUNTRY_SUFFIXES,
    "live": _COUNTRY_SUFFIXES,
    "yahoo": _COUNTRY_SUFFIXES,
    "aol": _COUNTRY_SUFFIXES,
    "gmx": _COUNTRY_SUFFIXES,
    "yandex": ("ru", "com", "ua", "by", "kz", "com.tr"),
    "msn": ("com",),
    "me": ("com",),
}

# Consumer mailbox providers: webmail and ISP mail anyone can sign up for (free or paid),
# as opposed to an employer's or the person's own domain. Families above are added below.
_FREE_EXACT: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com outlook.com msn.com windowslive.com passport.com
    ymail.com rocketmail.com icloud.com me.com mac.com aim.com
    proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io tuta.com
    zoho.com zohomail.com fastmail.com fastmail.fm mail.com email.com usa.com
    hushmail.com mailfence.com posteo.de posteo.net runbox.com hey.com mailbox.org
    web.de t-online.de freenet.de arcor.de
    orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr bbox.fr numericable.fr
    club-internet.fr aliceadsl.fr
    telenet.be skynet.be proximus.be scarlet.be voo.be
    ziggo.nl kpnmail.nl planet.nl hetnet.nl home.nl xs4all.nl casema.nl
    libero.it virgilio.it tiscali.it alice.it tin.it email.it
    telefonica.net terra.es
    bluewin.ch hispeed.ch sunrise.ch aon.at chello.at a1.net
    mail.ru bk.ru inbox.ru list.ru internet.ru rambler.ru ya.ru
    qq.com vip.qq.com foxmail.com 163.com vip.163.com 126.com 188.com yeah.net sina.com
    sina.cn sohu.com 139.com 189.cn wo.cn aliyun.com
    naver.com daum.net hanmail.net nate.com kakao.com
    docomo.ne.jp ezweb.ne.jp softbank.ne.jp i.softbank.jp nifty.com biglobe.ne.jp ocn.ne.jp
    rediffmail.com
    seznam.cz email.cz centrum.cz post.cz
    wp.pl o2.pl interia.pl onet.pl op.pl poczta.onet.pl tlen.pl gazeta.pl
    btinternet.com sky.com virginmedia.com talktalk.net blueyonder.co.uk ntlworld.com
    comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net
    earthlink.net optonline.net
    uol.com.br bol.com.br terra.com.br ig.com.br
    telia.com online.no
    """.split()
)

# Numeric mailboxes (QQ numbers, phone numbers) are the ordinary form at these providers.
NUMERIC_LOCAL_PROVIDERS: frozenset[str] = frozenset(
    {"qq.com", "vip.qq.com", "foxmail.com", "163.com", "vip.163.com", "126.com", "188.com",
     "yeah.net", "139.com", "189.cn", "wo.cn", "sina.com", "sina.cn", "sohu.com"}
)  # fmt: skip

_FAMILY_DOMAINS: frozenset[str] = frozenset(
    f"{name}.{suffix}" for name, suffixes in _PROVIDER_SUFFIXES.items() for suffix in suffixes
)
FREE_PROVIDER_DOMAINS: frozenset[str] = _FREE_EXACT | _FAMILY_DOMAINS

# Real domains one edit away from a provider; never reported as typos.
_KNOWN_NOT_TYPO: frozenset[str] = frozenset({"cloud.com"})
_KNOWN: frozenset[str] = FREE_PROVIDER_DOMAINS | PRIVACY_RELAY_DOMAINS | _KNOWN_NOT_TYPO
# Real providers no disposable list may override: every known one plus the data file.
_ALLOWED: frozenset[str] = _KNOWN | _lines(_package_text("screening.data", ALLOW_FILE))

# Providers with one domain worldwide: any other suffix after their name is a mistake.
_SINGLE_DOMAIN: frozenset[str] = frozenset({"gmail", "googlemail", "icloud", "protonmail"})

# Provider names long and distinctive enough that one edit to them is almost surely a slip.
# Short names (aol, gmx, live, me, msn, web, qq) are one edit away from many real domains,
# so only their suffix slips are reported.
_EDITABLE_NAMES: dict[str, str] = {
    "gmail": "com", "googlemail": "com", "hotmail": "com", "outlook": "com", "yahoo": "com",
    "icloud": "com", "protonmail": "com", "yandex": "ru", "wanadoo": "fr", "laposte": "net",
    "telenet": "be", "proximus": "be", "comcast": "net", "verizon": "net",
    "btinternet": "com", "sbcglobal": "net", "bellsouth": "net", "hanmail": "net",
    "rediffmail": "com", "seznam": "cz",
}  # fmt: skip

# Mistyped endings of "com" (and stray country codes people hit instead of it).
_SLIP_TLDS: frozenset[str] = frozenset(
    "co con cm om cmo comm ocm vom xom cim cpm coom comn c cpom clm ccom col cok coim".split()
)
_REAL_GTLDS: frozenset[str] = frozenset("com net org edu gov info biz".split())


def _listed(domain: str, table: frozenset[str]) -> bool:
    """Return True if the domain or a parent with at least two labels is in table."""
    if domain in table:
        return True
    while domain.count(".") > 1:
        domain = domain.partition(".")[2]
        if domain in table:
            return True
    return False


def _parents(domain: str) -> list[str]:
    """Return the domain and its parents with at least two labels."""
    out = [domain]
    while domain.count(".") > 1:
        domain = domain.partition(".")[2]
        out.append(domain)
    return out


def disposable_lists(domain: str) -> tuple[str, ...]:
    """Return the maintained lists that name the domain (or a parent) as disposable.

    Empty when none does, when the domain or a parent is on the allow-list of real
    providers, or when the domain looks like a typo of a provider (a typo is not a
    throwaway mailbox: the person is asked to check it).
    """
    if not domain:
        return ()
    levels = _parents(domain)
    if any(level in _ALLOWED for level in levels):
        return ()
    named = tuple(
        name for name, table in DISPOSABLE_LISTS.items() if any(lv in table for lv in levels)
    )
    if named and typo_suggestion(domain):
        return ()
    return named


def is_disposable(domain: str) -> bool:
    """Return True if a maintained list names the domain or a parent (see disposable_lists)."""
    return bool(disposable_lists(domain))


# Words only throwaway-mailbox services put in their names.
_THROWAWAY_WORDS: tuple[str, ...] = (
    "temp", "tmp", "trash", "spam", "burner", "throwaway", "fake", "minute", "disposable",
    "guerrilla", "10min", "20min", "30min", "nospam", "noreply",
)  # fmt: skip
# Mailbox words that real providers use too (freemail.hu, mail.dk): they count only under a
# cheap suffix that the throwaway services favour, or followed by digits ("mail4u", "box12").
_MAILBOX_WORDS: tuple[str, ...] = ("mail", "inbox", "mbox", "postbox")
_CHEAP_SUFFIXES: frozenset[str] = frozenset(
    "xyz top site online club icu tk ml ga cf gq buzz store shop fun space website pw cfd "
    "sbs bond click link lol monster rest uno today live email".split()
)


def provider_shaped(domain: str) -> bool:
    """Return True if the domain reads like a mail service that no known provider owns.

    Offline: "tempinbox.net", "trashbox.org" and "quickmail.xyz" are provider-shaped;
    "gmail.com" (known), "freemail.hu" (a mailbox word under an ordinary suffix) and
    "guerra-penaloza.cl" (a surname) are not.
    """
    if not domain or "." not in domain or domain in _KNOWN or is_privacy_relay(domain):
        return False
    labels = domain.split(".")
    # The label before the public suffix (one label, or two as in "co.uk").
    suffix_len = 2 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 1
    if len(labels) <= suffix_len:
        return False
    label = labels[-suffix_len - 1]
    if any(word in label for word in _THROWAWAY_WORDS):
        return True
    for word in _MAILBOX_WORDS:
        at = label.find(word)
        if at < 0:
            continue
        rest = label[at + len(word) :]
        if labels[-1] in _CHEAP_SUFFIXES or rest[:1].isdigit():
            return True
    return False


def is_privacy_relay(domain: str) -> bool:
    """Return True if the domain or a parent domain is a known forwarding service."""
    return _listed(domain, PRIVACY_RELAY_DOMAINS)


def is_free_provider(domain: str) -> bool:
    """Return True if the domain is a consumer mailbox provider."""
    return domain in FREE_PROVIDER_DOMAINS


def _within_one_edit(a: str, b: str) -> bool:
    """Return True if a and b differ by at most one insert, delete, substitute or swap."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    n = min(la, lb)
    while i < n and a[i] == b[i]:
        i += 1
    if la == lb:
        if i >= la - 1:
            return True
        return a[i + 1 :] == b[i + 1 :] or (
            a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


# Symmetric-delete index: every editable name and each of its one-character deletions maps
# to the names it came from, so a lookup costs one pass over the input's own deletions.
_NAME_INDEX: dict[str, tuple[str, ...]] = {}
for _name in _EDITABLE_NAMES:
    for _key in {_name, *(_name[:i] + _name[i + 1 :] for i in range(len(_name)))}:
        _NAME_INDEX[_key] = (*_NAME_INDEX.get(_key, ()), _name)


def _nearby_names(name: str) -> list[str]:
    """Return editable provider names within one edit of name, in table order."""
    found: set[str] = set()
    for key in (name, *(name[:i] + name[i + 1 :] for i in range(len(name)))):
        for cand in _NAME_INDEX.get(key, ()):
            if cand != name and _within_one_edit(name, cand):
                found.add(cand)
    return [n for n in _EDITABLE_NAMES if n in found]


def _is_suffix_slip(suffix: str) -> bool:
    """Return True if a suffix looks like a mistyped TLD rather than a real country code."""
    last = suffix.rpartition(".")[2]
    if last in _SLIP_TLDS:
        return True
    return not (last.isalpha() and (len(last) == 2 or last in _REAL_GTLDS))


def _fix_suffix(name: str, suffix: str) -> str:
    """Return the provider's real suffix closest to a mistyped one."""
    real = _PROVIDER_SUFFIXES.get(name) or (_EDITABLE_NAMES[name],)
    if suffix in real:
        return suffix
    for cand in real:
        if _within_one_edit(suffix, cand):
            return cand
    return real[0]


def typo_suggestion(domain: str) -> str:
    """Return the popular provider domain this one looks like a typo of, or "".

    A domain counts as a typo when it is not itself known and either its suffix is a slip
    for a provider name ("gmail.con", "hotmail.co", "gmail.fr") or its first label is one
    edit from a distinctive provider name with a real or slipped suffix ("gmial.com",
    "hotmial.fr", "gmial.con").
    """
    if domain in _KNOWN or "." not in domain:
        return ""
    name, _, suffix = domain.partition(".")
    if name in _PROVIDER_SUFFIXES:
        if name in _SINGLE_DOMAIN or _is_suffix_slip(suffix):
            return f"{name}.{_fix_suffix(name, suffix)}"
        return ""
    if _is_suffix_slip(suffix):
        for real in ("com", "net"):
            if f"{name}.{real}" in _KNOWN and _within_one_edit(suffix, real):
                return f"{name}.{real}"
    for cand in _nearby_names(name):
        cand_real = _PROVIDER_SUFFIXES.get(cand) or (_EDITABLE_NAMES[cand],)
        if suffix in cand_real or _is_suffix_slip(suffix):
            return f"{cand}.{_fix_suffix(cand, suffix)}"
    return ""


def lookalike_suggestion(domain_unicode: str) -> str:
    """Return the known domain an internationalised domain imitates with look-alike letters.

    "gmаil.com" with a Cyrillic "а" transliterates to "gmail.com"; a plain IDN such as
    "münchen.de" transliterates to nothing known and gives "".
    """
    if domain_unicode.isascii():
        return ""
    skeleton = anyascii(domain_unicode).lower()
    return skeleton if skeleton in _KNOWN else ""


class DomainInfo(NamedTuple):
    """What the tables say about one domain."""

    disposable: bool
    privacy_relay: bool
    free_provider: bool
    typo_suggestion: str
    disposable_lists: tuple[str, ...] = ()
    provider_shaped: bool = False


# A few providers make up most signups, so remembering recent domains skips the typo search
# for nearly every call. Bounded, and domains are not personal data.
@lru_cache(maxsize=8192)
def classify(domain: str, domain_unicode: str = "") -> DomainInfo:
    """Return the table facts for an ASCII domain (and its Unicode form, if different)."""
    if not domain:
        return DomainInfo(False, False, False, "")
    lists = disposable_lists(domain)
    typo = lookalike_suggestion(domain_unicode) or typo_suggestion(domain)
    return DomainInfo(
        disposable=bool(lists),
        privacy_relay=is_privacy_relay(domain),
        free_provider=is_free_provider(domain),
        typo_suggestion=typo,
        disposable_lists=lists,
        provider_shaped=not lists and not typo and provider_shaped(domain),
    )
