"""Locale profiles for synthetic signups: who lives where, how often, and how they write.

A profile ties a Faker locale (the person's name) to the ISO 3166-1 alpha-2 country of their
address. Weights lean toward Europe but cover every continent. Where Faker's address provider
for a country is only the ``en_US`` fallback, the address is built from :data:`PLACES` instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """One population of people: their name locale, address country and relative weight."""

    locale: str
    country: str
    weight: float
    # Faker locale whose address provider is used; None means the country is in PLACES.
    address_locale: str | None
    # Share of these people who type their name in Latin letters rather than their own script.
    romanized: float = 0.0


def _p(
    locale: str, country: str, weight: float, address: str | None = "", romanized: float = 0.0
) -> Profile:
    return Profile(locale, country, weight, locale if address == "" else address, romanized)


PROFILES: tuple[Profile, ...] = (
    # Europe (about two thirds of the weight)
    _p("en_GB", "GB", 6.0),
    _p("en_IE", "IE", 1.5),
    _p("fr_FR", "FR", 6.0),
    # Faker's fr_BE addresses are the en_US fallback; Belgian streets come from nl_BE.
    _p("fr_BE", "BE", 3.0, "nl_BE"),
    _p("nl_BE", "BE", 3.5),
    _p("nl_NL", "NL", 4.0),
    _p("de_DE", "DE", 7.0),
    _p("de_AT", "AT", 1.5),
    _p("de_CH", "CH", 1.5),
    _p("fr_CH", "CH", 0.7),
    _p("es_ES", "ES", 4.0),
    _p("it_IT", "IT", 4.5),
    _p("pt_PT", "PT", 1.5),
    _p("pl_PL", "PL", 3.0),
    _p("cs_CZ", "CZ", 1.5),
    _p("sk_SK", "SK", 0.6),
    _p("hr_HR", "HR", 0.5),
    _p("sl_SI", "SI", 0.3),
    _p("sv_SE", "SE", 1.5),
    _p("da_DK", "DK", 1.0),
    _p("fi_FI", "FI", 1.0),
    _p("no_NO", "NO", 1.0),
    _p("ro_RO", "RO", 1.5),
    _p("hu_HU", "HU", 1.0),
    _p("el_GR", "GR", 1.0, romanized=0.2),
    _p("tr_TR", "TR", 2.0, None),
    _p("ru_RU", "RU", 2.0, romanized=0.15),
    _p("uk_UA", "UA", 1.5, romanized=0.15),
    _p("ka_GE", "GE", 0.3, romanized=0.25),
    _p("hy_AM", "AM", 0.3, romanized=0.25),
    # Americas
    _p("en_US", "US", 6.0),
    _p("en_CA", "CA", 1.5),
    _p("fr_CA", "CA", 1.0),
    _p("es_MX", "MX", 1.5),
    _p("pt_BR", "BR", 2.5),
    _p("es_AR", "AR", 0.6),
    _p("es_CO", "CO", 0.6),
    _p("es_CL", "CL", 0.5),
    # Middle East and Africa (ar_EG and ar_AE in Faker are the en_US fallback: ar_AA names)
    _p("he_IL", "IL", 1.0),
    _p("ar_SA", "SA", 1.0, None),
    _p("ar_AA", "EG", 1.0, None),
    _p("ar_AA", "AE", 0.5, None),
    _p("fa_IR", "IR", 0.5),
    _p("yo_NG", "NG", 0.7, None),
    _p("en_NG", "NG", 0.7, None),
    _p("zu_ZA", "ZA", 0.5),
    # Asia and Oceania
    _p("hi_IN", "IN", 1.5),
    _p("en_IN", "IN", 2.0),
    _p("zh_CN", "CN", 2.5, romanized=0.15),
    _p("zh_TW", "TW", 1.0, romanized=0.25),
    _p("ja_JP", "JP", 2.0, romanized=0.2),
    _p("ko_KR", "KR", 1.5, romanized=0.2),
    _p("th_TH", "TH", 1.0),
    _p("vi_VN", "VN", 1.0),
    _p("id_ID", "ID", 1.0),
    _p("en_PH", "PH", 1.0),
    _p("en_AU", "AU", 2.0),
    _p("en_NZ", "NZ", 0.7),
)

COUNTRIES: frozenset[str] = frozenset(p.country for p in PROFILES)

# The script group each locale writes names in when not romanized (every other locale:
# "Latin"); the groups are those of :func:`screening.training.synth.names.script_of`.
NATIVE_SCRIPT: dict[str, str] = {
    "el_GR": "Greek",
    **dict.fromkeys(("ru_RU", "uk_UA"), "Cyrillic"),
    **dict.fromkeys(("ka_GE", "hy_AM"), "Other"),
    "he_IL": "Hebrew",
    **dict.fromkeys(("ar_SA", "ar_AA", "fa_IR"), "Arabic"),
    "hi_IN": "Devanagari",
    **dict.fromkeys(("zh_CN", "zh_TW"), "Han"),
    "ja_JP": "Japanese",
    "ko_KR": "Hangul",
    "th_TH": "Thai",
}

# Locales whose names are not written in Latin letters (unless romanized).
NON_LATIN: frozenset[str] = frozenset(NATIVE_SCRIPT)


def native_script(profile: Profile) -> str:
    """Return the script group the profile's people write their names in, unromanized."""
    return NATIVE_SCRIPT.get(profile.locale, "Latin")


# Coarse world regions, so "distant" can mean another continent.
CONTINENT: dict[str, str] = {
    **dict.fromkeys(
        "GB IE FR BE NL DE AT CH ES IT PT PL CZ SK HR SI SE DK FI NO RO HU GR RU UA GE AM "
        "LU AL".split(),
        "europe",
    ),
    **dict.fromkeys("US CA MX".split(), "north_america"),
    **dict.fromkeys("BR AR CO CL PE VE".split(), "south_america"),
    **dict.fromkeys("TR IL SA EG AE IR".split(), "middle_east"),
    **dict.fromkeys("NG ZA MA DZ TN KE GH SN CM".split(), "africa"),
    **dict.fromkeys("IN PK BD CN TW JP KR TH VN ID PH MY SG HK".split(), "asia"),
    **dict.fromkeys("AU NZ".split(), "oceania"),
}

# Where people who moved tend to keep their old mobile from (address country -> phone regions).
FOREIGN_PHONE: dict[str, tuple[str, ...]] = {
    "BE": ("NL", "FR", "MA", "PL", "DE", "TR", "RO", "IT"),
    "NL": ("BE", "DE", "TR", "MA", "PL", "GB"),
    "FR": ("BE", "MA", "DZ", "PT", "ES", "IT", "TN", "CH"),
    "DE": ("PL", "TR", "AT", "RO", "IT", "NL", "UA", "HR"),
    "AT": ("DE", "HU", "RO", "HR", "SK"),
    "CH": ("DE", "FR", "IT", "PT"),
    "GB": ("IE", "PL", "IN", "FR", "RO", "PK", "NG", "US"),
    "IE": ("GB", "PL", "BR", "IN"),
    "ES": ("RO", "MA", "GB", "AR", "CO"),
    "IT": ("RO", "AL", "MA", "CH", "UA"),
    "PT": ("BR", "FR", "ES", "GB"),
    "US": ("MX", "CA", "IN", "CN", "PH", "GB"),
    "CA": ("US", "IN", "CN", "FR", "PH"),
    "AU": ("NZ", "GB", "IN", "CN"),
    "NZ": ("AU", "GB"),
    "AE": ("IN", "PK", "PH", "GB", "EG"),
    "SA": ("EG", "IN", "PK"),
}
DEFAULT_FOREIGN_PHONE: tuple[str, ...] = ("GB", "US", "DE", "FR", "IN", "CN")


@dataclass(frozen=True)
class Places:
    """Hand-written streets and cities for countries whose Faker address data is a fallback.

    ``cities`` holds (city, postal-code prefix, region); the prefix is real for the city and
    is filled with digits up to the length of the country's postal-code example.
    """

    streets: tuple[str, ...]
    number_first: bool
    cities: tuple[tuple[str, str, str | None], ...]


PLACES: dict[str, Places] = {
    "TR": Places(
        (
            "Atatürk Caddesi",
            "Cumhuriyet Caddesi",
            "İnönü Caddesi",
            "İstiklal Caddesi",
            "Gazi Mustafa Kemal Bulvarı",
            "Bağdat Caddesi",
            "Fevzi Çakmak Sokak",
            "Lale Sokak",
            "Menekşe Sokak",
            "Okul Sokak",
            "Yıldız Sokak",
            "Barış Caddesi",
            "Çamlık Sokak",
        ),
        False,
        (
            ("İstanbul", "34", None),
            ("Ankara", "06", None),
            ("İzmir", "35", None),
            ("Bursa", "16", None),
            ("Antalya", "07", None),
            ("Konya", "42", None),
            ("Adana", "01", None),
            ("Gaziantep", "27", None),
            ("Kayseri", "38", None),
            ("Eskişehir", "26", None),
            ("Mersin", "33", None),
            ("Trabzon", "61", None),
        ),
    ),
    "SA": Places(
        (
            "King Fahd Road",
            "King Abdulaziz Road",
            "Olaya Street",
            "Tahlia Street",
            "Prince Sultan Street",
            "Makkah Road",
            "Al Imam Saud Street",
            "Al Urubah Road",
            "King Abdullah Road",
            "Prince Mohammed bin Abdulaziz Street",
        ),
        True,
        (
            ("Riyadh", "11", None),
            ("Riyadh", "12", None),
            ("Jeddah", "21", None),
            ("Jeddah", "23", None),
            ("Mecca", "24", None),
            ("Medina", "42", None),
            ("Dammam", "32", None),
            ("Khobar", "34", None),
            ("Taif", "26", None),
            ("Abha", "62", None),
            ("Buraidah", "51", None),
            ("Tabuk", "47", None),
        ),
    ),
    "EG": Places(
        (
            "Tahrir Street",
            "El Nasr Road",
            "Gameat El Dewal El Arabeya Street",
            "Corniche El Nil",
            "Abbas El Akkad Street",
            "Mostafa El Nahas Street",
            "Salah Salem Street",
            "El Haram Street",
            "Fouad Street",
            "El Geish Road",
        ),
        True,
        (
            ("Cairo", "11", None),
            ("Giza", "12", None),
            ("Alexandria", "21", None),
            ("Shubra El Kheima", "13", None),
            ("Port Said", "42", None),
            ("Suez", "43", None),
            ("Mansoura", "35", None),
            ("Tanta", "31", None),
            ("Asyut", "71", None),
            ("Ismailia", "41", None),
            ("Luxor", "85", None),
            ("Aswan", "81", None),
        ),
    ),
    "AE": Places(
        (
            "Sheikh Zayed Road",
            "Al Wasl Road",
            "Jumeirah Beach Road",
            "Al Khail Road",
            "Hamdan Street",
            "Corniche Road",
            "Khalifa Street",
            "Al Ittihad Road",
        ),
        False,
        (
            ("Dubai", "", "Dubai"),
            ("Abu Dhabi", "", "Abu Dhabi"),
            ("Sharjah", "", "Sharjah"),
            ("Ajman", "", "Ajman"),
            ("Al Ain", "", "Abu Dhabi"),
            ("Ras Al Khaimah", "", "Ras al Khaimah"),
        ),
    ),
    "NG": Places(
        (
            "Adeola Odeku Street",
            "Awolowo Road",
            "Allen Avenue",
            "Herbert Macaulay Way",
            "Ahmadu Bello Way",
            "Aminu Kano Crescent",
            "Ogunlana Drive",
            "Bode Thomas Street",
            "Admiralty Way",
            "Isaac John Street",
        ),
        True,
        (
            ("Lagos", "10", "Lagos"),
            ("Ikeja", "10", "Lagos"),
            ("Abuja", "90", "Federal Capital Territory"),
            ("Ibadan", "20", "Oyo"),
            ("Kano", "70", "Kano"),
            ("Port Harcourt", "50", "Rivers"),
            ("Benin City", "30", "Edo"),
            ("Enugu", "40", "Enugu"),
            ("Kaduna", "80", "Kaduna"),
            ("Abeokuta", "11", "Ogun State"),
        ),
    ),
}

# Countries that write the house number before the street name ("12 High Street").
NUMBER_FIRST: frozenset[str] = frozenset("GB IE US CA AU NZ FR IN PH NG SA EG IL ZA".split())
