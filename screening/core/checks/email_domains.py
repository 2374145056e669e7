"""Classify email domains: disposable, privacy relay, consumer provider and likely typos.

The tables are curated by hand (except the disposable list, which comes from the maintained
``disposable-email-domains`` package) and are meant to be extended as analysts see new
domains. Every function takes a lower-cased ASCII (IDNA) domain and never raises.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii
from disposable_email_domains import blocklist

_DISPOSABLE: frozenset[str] = frozenset(blocklist)

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


def is_disposable(domain: str) -> bool:
    """Return True if the domain or a parent domain is on the disposable blocklist."""
    return _listed(domain, _DISPOSABLE)


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


# A few providers make up most signups, so remembering recent domains skips the typo search
# for nearly every call. Bounded, and domains are not personal data.
@lru_cache(maxsize=8192)
def classify(domain: str, domain_unicode: str = "") -> DomainInfo:
    """Return the table facts for an ASCII domain (and its Unicode form, if different)."""
    if not domain:
        return DomainInfo(False, False, False, "")
    return DomainInfo(
        disposable=is_disposable(domain),
        privacy_relay=is_privacy_relay(domain),
        free_provider=is_free_provider(domain),
        typo_suggestion=lookalike_suggestion(domain_unicode) or typo_suggestion(domain),
    )
