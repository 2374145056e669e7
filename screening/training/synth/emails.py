"""Email addresses for synthetic signups, formed from a name the way people really do.

Mailbox providers follow the country (web.de in Germany, naver.com in Korea, numeric QQ
mailboxes in China); some people use a work address at a domain made from a Faker company.
"""

from __future__ import annotations

import random
import re

from anyascii import anyascii

from screening.training.synth.names import FakerGenerator, Name

_GLOBAL: tuple[tuple[str, float], ...] = (
    ("gmail.com", 40),
    ("outlook.com", 8),
    ("hotmail.com", 8),
    ("yahoo.com", 6),
    ("icloud.com", 5),
    ("live.com", 2),
    ("proton.me", 1),
)


def _local(*domains: str) -> tuple[tuple[str, float], ...]:
    # Local providers take about half of the mail; the big global ones the rest.
    share = 50 / len(domains)
    return tuple((d, share) for d in domains) + _GLOBAL


PROVIDERS: dict[str, tuple[tuple[str, float], ...]] = {
    "BE": _local("telenet.be", "skynet.be", "hotmail.be", "outlook.be", "proximus.be"),
    "FR": _local("orange.fr", "free.fr", "hotmail.fr", "laposte.net", "sfr.fr", "yahoo.fr"),
    "DE": _local("web.de", "gmx.de", "t-online.de", "gmx.net", "freenet.de"),
    "AT": _local("gmx.at", "aon.at", "a1.net", "chello.at", "gmx.net"),
    "CH": _local("bluewin.ch", "gmx.ch", "sunrise.ch", "hispeed.ch"),
    "NL": _local("ziggo.nl", "kpnmail.nl", "hotmail.nl", "live.nl", "xs4all.nl", "planet.nl"),
    "GB": _local("btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "sky.com", "talktalk.net"),
    "IE": _local("eircom.net", "hotmail.com", "yahoo.ie"),
    "ES": _local("hotmail.es", "yahoo.es", "telefonica.net"),
    "IT": _local("libero.it", "virgilio.it", "alice.it", "tiscali.it", "hotmail.it"),
    "PT": _local("sapo.pt", "hotmail.com", "netcabo.pt"),
    "PL": _local("wp.pl", "o2.pl", "onet.pl", "interia.pl", "op.pl"),
    "CZ": _local("seznam.cz", "email.cz", "centrum.cz"),
    "SK": _local("azet.sk", "zoznam.sk", "centrum.sk"),
    "SE": _local("telia.com", "hotmail.se", "live.se"),
    "DK": _local("hotmail.dk", "live.dk", "mail.dk"),
    "FI": _local("hotmail.fi", "luukku.com", "kolumbus.fi"),
    "NO": _local("online.no", "hotmail.no", "live.no"),
    "RO": _local("yahoo.ro", "yahoo.com"),
    "HU": _local("freemail.hu", "citromail.hu"),
    "GR": _local("yahoo.gr", "hotmail.gr", "otenet.gr"),
    "TR": _local("hotmail.com", "mynet.com", "yandex.com.tr"),
    "RU": _local("mail.ru", "yandex.ru", "rambler.ru", "bk.ru", "list.ru", "inbox.ru"),
    "UA": _local("ukr.net", "i.ua", "meta.ua"),
    "GE": _local("mail.ru", "yahoo.com"),
    "AM": _local("mail.ru", "yandex.ru"),
    "US": _local("aol.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net"),
    "CA": _local("rogers.com", "shaw.ca", "sympatico.ca", "videotron.ca"),
    "MX": _local("hotmail.com", "yahoo.com.mx", "prodigy.net.mx"),
    "BR": _local("hotmail.com", "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br"),
    "AR": _local("hotmail.com", "yahoo.com.ar", "fibertel.com.ar"),
    "CO": _local("hotmail.com", "yahoo.es"),
    "CL": _local("hotmail.com", "yahoo.es", "vtr.net"),
    "IL": _local("walla.co.il", "walla.com", "012.net.il"),
    "SA": _local("hotmail.com", "yahoo.com"),
    "EG": _local("hotmail.com", "yahoo.com"),
    "AE": _local("hotmail.com", "eim.ae"),
    "IR": _local("yahoo.com", "chmail.ir"),
    "IN": _local("rediffmail.com", "yahoo.co.in", "yahoo.in"),
    "CN": (
        ("qq.com", 45),
        ("163.com", 20),
        ("126.com", 10),
        ("sina.com", 5),
        ("foxmail.com", 4),
        ("gmail.com", 6),
        ("outlook.com", 3),
        ("hotmail.com", 2),
    ),
    "TW": _local("yahoo.com.tw", "hotmail.com"),
    "JP": _local("yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "i.softbank.jp", "nifty.com"),
    "KR": (
        ("naver.com", 45),
        ("daum.net", 12),
        ("hanmail.net", 12),
        ("nate.com", 8),
        ("gmail.com", 20),
        ("hotmail.com", 2),
    ),
    "TH": _local("hotmail.com", "yahoo.co.th"),
    "VN": _local("yahoo.com.vn", "gmail.com"),
    "ID": _local("yahoo.co.id", "ymail.com"),
    "PH": _local("yahoo.com.ph", "yahoo.com"),
    "AU": _local("bigpond.com", "optusnet.com.au", "bigpond.net.au"),
    "NZ": _local("xtra.co.nz", "hotmail.co.nz"),
    "NG": _local("yahoo.com", "ymail.com"),
    "ZA": _local("webmail.co.za", "mweb.co.za", "telkomsa.net"),
}

# Second-level suffix people use for company sites, where the ccTLD is not used bare.
_COMPANY_TLD = {
    "GB": "co.uk",
    "US": "com",
    "JP": "co.jp",
    "AU": "com.au",
    "BR": "com.br",
    "NZ": "co.nz",
    "ZA": "co.za",
    "IN": "in",
    "CN": "cn",
    "KR": "co.kr",
    "TR": "com.tr",
    "IL": "co.il",
    "MX": "com.mx",
    "AR": "com.ar",
    "SA": "com.sa",
    "EG": "com.eg",
    "NG": "com.ng",
    "TW": "com.tw",
    "TH": "co.th",
    "PH": "com.ph",
    "ID": "co.id",
    "VN": "vn",
    "UA": "com.ua",
}
_LEGAL = re.compile(
    r"\b(ltd|llc|inc|plc|gmbh|ag|kg|kgaa|sa|sas|sarl|srl|spa|bv|nv|vof|as|ab|oy|oyj|sl|"
    r"sp|zoo|sro|kft|doo|group|and|und|en|et|e|y|i|og|co|limited|company|ltda|s)\b"
)


_PROVIDER_COUNTRIES: tuple[str, ...] = tuple(sorted(PROVIDERS))


def pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    """Return one domain from a weighted ``table``."""
    return rng.choices([d for d, _ in table], weights=[w for _, w in table])[0]


def provider(rng: random.Random, country: str) -> str:
    """Return a free mailbox provider popular in ``country``."""
    return pick(rng, PROVIDERS.get(country, _GLOBAL))


def company_domain(rng: random.Random, gen: FakerGenerator, country: str) -> str:
    """Return a plausible company domain such as ``acme-consulting.be``."""
    words = _LEGAL.sub(" ", re.sub(r"[^a-z0-9 ]", " ", anyascii(gen.company()).lower())).split()
    words = [w for w in words if len(w) > 1][:2] or ["office"]
    label = ("-" if rng.random() < 0.5 else "").join(words)[:30].strip("-")
    tld = _COMPANY_TLD.get(country, country.lower()) if rng.random() < 0.75 else "com"
    return f"{label}.{tld}"


def local_part(rng: random.Random, name: Name, year: int) -> str:
    """Return a mailbox name made from ``name`` in one of the ways people make them."""
    first = name.first_ascii or "mail"
    last = name.last_ascii or first
    yy = f"{year % 100:02d}"
    style = rng.choices(range(12), weights=(25, 12, 6, 5, 6, 8, 2, 4, 6, 4, 6, 2))[0]
    if style == 0:
        return f"{first}.{last}"
    if style == 1:
        return f"{first}{last}"
    if style == 2:
        return f"{first[0]}.{last}"
    if style == 3:
        return f"{first}_{last}"
    if style == 4:
        return f"{first}.{last}{rng.choice((str(year), yy))}"
    if style == 5:
        return f"{first}{rng.choice((yy, str(rng.randint(1, 99)), str(year)))}"
    if style == 6:
        return f"{first}.{last}+{rng.choice(('shop', 'news', 'signup', 'web'))}"
    if style == 7:
        return f"{last}.{first}"
    if style == 8:
        nick = (first if rng.random() < 0.6 else last)[: rng.randint(3, 5)]
        return f"{nick}{rng.randint(1, 9999)}"
    if style == 9:
        return f"{first[0]}{last[0]}{rng.choice((str(year), yy))}"
    if style == 10:
        return f"{first[0]}{last}"
    return f"{first}-{last}"


def ordinary_email(
    rng: random.Random, gen: FakerGenerator, name: Name, country: str, year: int
) -> str:
    """Return an ordinary person's email: a free provider, or their work address."""
    if rng.random() < 0.12:
        domain = company_domain(rng, gen, country)
        style = rng.random()
        first, last = name.first_ascii or "info", name.last_ascii or "contact"
        local = f"{first}.{last}" if style < 0.6 else f"{first[0]}{last}" if style < 0.8 else first
        return f"{local}@{domain}"[:254]
    home = country
    if rng.random() < 0.015:
        # Some people keep the mailbox of a country they lived in before, any country: an
        # unusual provider for where they live now, and no sign of fraud.
        home = rng.choice(_PROVIDER_COUNTRIES)
    domain = provider(rng, home)
    if domain == "qq.com" and rng.random() < 0.8:
        # QQ mailboxes are the account number; this is how most people in China have one.
        return f"{rng.randint(10_000, 3_999_999_999)}@qq.com"
    if rng.random() < 0.01:
        # Apple's Hide My Email hands out random mailboxes to ordinary people.
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        local = "".join(rng.choice(alphabet) for _ in range(10))
        return f"{local}@privaterelay.appleid.com"
    return f"{local_part(rng, name, year)[:64]}@{domain}"
