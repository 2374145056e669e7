"""The countries a signup's contact details point to: mail provider, phone and address.

One country apart is ordinary: people move and keep their number, or keep the mailbox of
the country they came from (then mailbox and phone point to the same country, two in all).
What is odd is three countries at once, with the phone from another part of the world than
the address: a Swiss address, a mobile from the Philippines and a Russian mailbox. That is
a reason for a person to look, never for a decline (``address.*`` signals are weak
evidence, :mod:`screening.core.evidence`).

A mail provider's country is where it serves people: its country-code domain (``mail.ru``,
``yahoo.co.jp``), or the table of national providers on generic domains (``naver.com``,
``163.com``, ``comcast.net``); the big international providers (``gmail.com``) and own
domains on generic names have none. Providers are used beyond their own country by whole
language areas (Russian mail across the former Soviet Union, Spanish mail across Latin
America, Portuguese in Brazil, French in the francophone world): an address there counts as
at home with that provider (:data:`REACH`). Parts of the world are the areas of the IANA
time zones of a country (Europe, Asia, Africa, America, Pacific), from CLDR via Babel.
"""

from __future__ import annotations

from functools import cache

from babel.core import get_global

from screening.core.checks import CheckResult, Signal, SignalValue

SIGNALS: tuple[Signal, ...] = (
    Signal("email.domain_country", "string",
           "Upper-case ISO country of the mail domain: its country-code ending (mail.ru: "
           "\"RU\", yahoo.co.jp: \"JP\") or, for national providers on generic endings, where "
           "they serve (naver.com: \"KR\", 163.com: \"CN\"); \"\" for international providers "
           "(gmail.com), other generic domains and endings used worldwide (.io, .co, .me). "
           "Never decisive alone.", ""),
    Signal("address.three_countries", "bool",
           "True when the address, the phone number and the mail provider belong to three "
           "different countries and the phone is from another part of the world than the "
           "address (a Swiss address, a Philippine mobile, a Russian mailbox). A mailbox of a "
           "country whose providers the address country's language area uses counts as at "
           "home (Russian mail in Armenia, Spanish mail in Colombia). People move: review at "
           "most, never decline.", False),
)  # fmt: skip

# Country-code endings sold worldwide as generic names: they say nothing about a country.
_GENERIC_CC: frozenset[str] = frozenset(
    "io co me tv ai ly fm cc ws to gg sh ac so la nu tk ml ga cf gq am fo gl vc ag sc im "
    "st ms cx".split()
)
_ALIAS_CC = {"uk": "GB", "su": "RU"}

# National mail providers on generic endings (.com, .net): the country they serve.
_NATIONAL: dict[str, str] = {
    domain: country
    for country, domains in {
        "KR": "naver.com daum.net hanmail.net nate.com kakao.com",
        "CN": "qq.com vip.qq.com foxmail.com 163.com vip.163.com 126.com 188.com yeah.net "
        "sina.com sohu.com 139.com aliyun.com",
        "IN": "rediffmail.com",
        "GB": "btinternet.com sky.com virginmedia.com talktalk.net ntlworld.com",
        "US": "comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net "
        "charter.net earthlink.net optonline.net",
        "CA": "rogers.com",
        "SE": "telia.com",
        "TR": "mynet.com",
        "IL": "walla.com",
        "AU": "bigpond.com",
        "ZA": "telkomsa.net",
        "IE": "eircom.net",
        "FI": "luukku.com",
        "JP": "nifty.com",
        "AT": "a1.net",
        "FR": "laposte.net",
        "ES": "telefonica.net",
        "RU": "rambler.com",
    }.items()
    for domain in domains.split()
}

# Mail countries whose providers a whole language area uses (provider country -> the
# address countries where its mailboxes are at home).
_CIS = "RU BY UA KZ KG UZ TJ TM AZ AM GE MD"
_HISPANIC = "ES MX GT HN SV NI CR PA CU DO PR CO VE EC PE BO CL AR UY PY GQ"
_LUSOPHONE = "PT BR AO MZ CV GW ST TL"
_FRANCOPHONE = "FR BE LU CH MC MA DZ TN SN CI CM ML BF NE TG BJ GA CG CD MG HT"
REACH: dict[str, frozenset[str]] = {
    **dict.fromkeys(_CIS.split(), frozenset(_CIS.split())),
    **dict.fromkeys(("ES",), frozenset(_HISPANIC.split())),
    **dict.fromkeys(("PT", "BR"), frozenset(_LUSOPHONE.split())),
    **dict.fromkeys(("FR", "BE"), frozenset(_FRANCOPHONE.split())),
}


def mail_country(domain: str) -> str:
    """Return the country a lower-case mail domain belongs to, or "" when it names none."""
    if not domain or "." not in domain:
        return ""
    national = _NATIONAL.get(domain)
    if national:
        return national
    ending = domain.rsplit(".", 1)[1]
    if len(ending) != 2 or not ending.isalpha() or ending in _GENERIC_CC:
        return ""
    return _ALIAS_CC.get(ending, ending.upper())


@cache
def world_part(country: str) -> str:
    """Return the area of a country's first IANA time zone ("Europe", "Asia"...), or ""."""
    zones = get_global("territory_zones").get(country)
    if not zones:
        return ""
    area = str(zones[0]).split("/", 1)[0]
    # Australia's zones are named apart from the rest of Oceania's.
    return {"Australia": "Pacific"}.get(area, area)


def _at_home(address_country: str, mail: str) -> bool:
    return mail == address_country or address_country in REACH.get(mail, frozenset())


def three_countries(address_country: str, phone_region: str, mail: str) -> bool:
    """Tell whether address, phone and mailbox point to three countries, the phone far away."""
    if not (address_country and phone_region and mail):
        return False
    if phone_region == address_country or mail == phone_region:
        return False
    if _at_home(address_country, mail):
        return False
    far = world_part(phone_region) != world_part(address_country)
    return far and bool(world_part(address_country))


def check_contact_countries(
    address_country: str, phone_region: str, email_domain: str
) -> CheckResult:
    """Return the contact-country signals of one signup.

    Args:
        address_country: the address's known ISO country ("" when missing or unknown).
        phone_region: the valid phone number's region ("" when missing or invalid).
        email_domain: the lower-case ASCII mail domain ("" when none could be parsed).
    """
    mail = mail_country(email_domain)
    signals: dict[str, SignalValue] = {
        "email.domain_country": mail,
        "address.three_countries": three_countries(address_country, phone_region, mail),
    }
    return CheckResult(normalized=None, signals=signals)
