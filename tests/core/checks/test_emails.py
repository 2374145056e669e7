"""Specification of screening.core.checks.emails: what each email address gives as signals."""

from __future__ import annotations

import re

import dns.exception
import dns.resolver
import pytest
from anyascii import anyascii
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.core.checks.emails import SIGNALS, DomainResolver, check_email

PY_TYPES = {"bool": bool, "int": int, "float": float, "string": str, "list<string>": list}
SIGNAL_NAMES = {s.name for s in SIGNALS}


def signals(email: str, **kwargs: str) -> dict:
    return check_email(email, **kwargs).signals


def assert_well_formed(result_signals: dict) -> None:
    assert set(result_signals) == SIGNAL_NAMES
    for spec in SIGNALS:
        value = result_signals[spec.name]
        assert type(value) is PY_TYPES[spec.type], spec.name
    assert 0.0 <= result_signals["email.local_random"] <= 1.0
    assert 0.0 <= result_signals["email.name_similarity"] <= 1.0
    assert result_signals["email.domain_resolves"] in {"yes", "no", "unknown"}


# --- declaration -------------------------------------------------------------------------


def test_signals_are_declared_once_with_valid_names_types_and_defaults() -> None:
    names = [s.name for s in SIGNALS]
    assert len(names) == len(set(names))
    for spec in SIGNALS:
        assert re.fullmatch(r"email\.[a-z][a-z0-9_]*", spec.name), spec.name
        assert type(spec.default) is PY_TYPES[spec.type], spec.name
        assert spec.description and "\n" not in spec.description


# --- syntax and normalisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized", "domain", "uppercase", "non_ascii"),
    [
        pytest.param("Jan.Peeters@Example.BE", "Jan.Peeters@example.be", "example.be",
                     True, False, id="upper-case-domain-lowered-local-kept"),
        pytest.param("TEST.PERSON@GMAIL.COM", "TEST.PERSON@gmail.com", "gmail.com",
                     True, False, id="all-upper"),
        pytest.param("  test.person@example.be \n", "test.person@example.be", "example.be",
                     False, False, id="surrounding-whitespace"),
        pytest.param("\ttest@example.org\u3000", "test@example.org", "example.org",
                     False, False, id="tab-and-ideographic-space"),
        pytest.param("test@münchen.de", "test@münchen.de", "xn--mnchen-3ya.de",
                     False, True, id="idn-domain"),
        pytest.param("test@xn--mnchen-3ya.de", "test@münchen.de", "xn--mnchen-3ya.de",
                     False, False, id="punycode-domain-shown-in-unicode"),
        pytest.param("用户@例子.广告", "用户@例子.广告", "xn--fsqu00a.xn--4rr70v",
                     False, True, id="smtputf8-chinese"),
        pytest.param("josé.test@example.es", "josé.test@example.es", "example.es",
                     False, True, id="smtputf8-accented-local"),
        pytest.param("тест@пример.рф", "тест@пример.рф", "xn--e1afmkfd.xn--p1ai",
                     False, True, id="cyrillic-address"),
    ],
)  # fmt: skip
def test_valid_addresses_are_normalised(
    raw: str, normalized: str, domain: str, uppercase: bool, non_ascii: bool
) -> None:
    result = check_email(raw)
    assert result.normalized == normalized
    assert result.signals["email.valid_syntax"] is True
    assert result.signals["email.domain"] == domain
    assert result.signals["email.uppercase"] is uppercase
    assert result.signals["email.non_ascii"] is non_ascii


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        pytest.param("jan@@x", "", id="double-at"),
        pytest.param("no-at-sign", "", id="no-at"),
        pytest.param("a@b", "", id="domain-without-dot"),
        pytest.param("", "", id="empty"),
        pytest.param("   ", "", id="blank"),
        pytest.param("@example.be", "example.be", id="empty-local"),
        pytest.param("test@", "", id="empty-domain"),
        pytest.param("test..person@example.be", "example.be", id="double-dot-local"),
        pytest.param("test@example..be", "", id="double-dot-domain"),
        pytest.param("Test Person <test@example.be>", "", id="display-name"),
        pytest.param("test@localhost", "", id="single-label"),
        pytest.param("te st@example.be", "example.be", id="space-in-local"),
        pytest.param("x" * 400 + "@example.be", "", id="very-long"),
    ],
)
def test_invalid_syntax_is_reported_with_the_trimmed_input(raw: str, domain: str) -> None:
    result = check_email(raw)
    assert result.signals["email.valid_syntax"] is False
    assert result.normalized == raw.strip()
    assert result.signals["email.domain"] == domain
    assert_well_formed(result.signals)


def test_domain_signals_still_work_when_only_the_local_part_is_invalid() -> None:
    result = signals("test..person@gmail.con")
    assert result["email.valid_syntax"] is False
    assert result["email.typo_suggestion"] == "gmail.com"


# --- domain classification ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("mailinator.com", True),
        ("10minutemail.com", True),
        ("guerrillamail.com", True),
        ("yopmail.com", True),
        ("temp-mail.org", True),
        ("inbox.mailinator.com", True),
        ("gmail.com", False),
        ("example.be", False),
        ("duck.com", False),
        ("proton.me", False),
    ],
)
def test_disposable_domains(domain: str, expected: bool) -> None:
    assert signals(f"test.person@{domain}")["email.disposable"] is expected


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("privaterelay.appleid.com", True),
        ("duck.com", True),
        ("mozmail.com", True),
        ("simplelogin.com", True),
        ("simplelogin.co", True),
        ("aleeas.com", True),
        ("slmail.me", True),
        ("anonaddy.me", True),
        ("someone.anonaddy.com", True),
        ("addy.io", True),
        ("passmail.net", True),
        ("33mail.com", True),
        ("gmail.com", False),
        ("mailinator.com", False),
        ("icloud.com", False),
    ],
)
def test_privacy_relay_domains(domain: str, expected: bool) -> None:
    result = signals(f"test.person@{domain}")
    assert result["email.privacy_relay"] is expected
    if expected:
        assert result["email.disposable"] is False


FREE = """gmail.com googlemail.com outlook.com hotmail.com hotmail.fr hotmail.co.uk live.com
live.be msn.com yahoo.com yahoo.fr yahoo.co.jp icloud.com me.com aol.com aol.fr proton.me
protonmail.com gmx.de gmx.at gmx.net web.de t-online.de orange.fr free.fr laposte.net
wanadoo.fr sfr.fr telenet.be skynet.be proximus.be libero.it mail.ru yandex.ru qq.com
163.com 126.com sina.com naver.com daum.net hanmail.net rediffmail.com seznam.cz wp.pl
o2.pl interia.pl zoho.com fastmail.com tutanota.com btinternet.com uol.com.br bol.com.br
ymail.com outlook.be""".split()


@pytest.mark.parametrize("domain", FREE)
def test_free_providers(domain: str) -> None:
    result = signals(f"test.person@{domain}")
    assert result["email.free_provider"] is True
    assert result["email.typo_domain"] is False


@pytest.mark.parametrize(
    "domain", ["example.be", "ugent.be", "mailinator.com", "duck.com", "gmail.co", "hotmail.co"]
)
def test_not_free_providers(domain: str) -> None:
    assert signals(f"test.person@{domain}")["email.free_provider"] is False


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("admin", True),
        ("Administrator", True),
        ("info", True),
        ("INFO", True),
        ("info+newsletter", True),
        ("support", True),
        ("sales", True),
        ("contact", True),
        ("office", True),
        ("billing", True),
        ("abuse", True),
        ("postmaster", True),
        ("hostmaster", True),
        ("webmaster", True),
        ("noreply", True),
        ("no-reply", True),
        ("no_reply", True),
        ("root", True),
        ("security", True),
        ("help", True),
        ("marketing", True),
        ("hr", True),
        ("jobs", True),
        ("team", True),
        ("hello", True),
        ("test.person", False),
        ("info.person", False),
        ("infotest", False),
        ("admin2024", False),
        ("it", False),
    ],
)
def test_role_accounts(local: str, expected: bool) -> None:
    assert signals(f"{local}@example.be")["email.role_account"] is expected


@pytest.mark.parametrize(
    ("domain", "suggestion"),
    [
        ("gmial.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("gmail.co", "gmail.com"),
        ("gmail.con", "gmail.com"),
        ("gmai.com", "gmail.com"),
        ("gnail.com", "gmail.com"),
        ("gmaill.com", "gmail.com"),
        ("gmail.cm", "gmail.com"),
        ("gmail.fr", "gmail.com"),
        ("gmial.con", "gmail.com"),
        ("hotmial.com", "hotmail.com"),
        ("hotmail.co", "hotmail.com"),
        ("hotmial.fr", "hotmail.fr"),
        ("yaho.com", "yahoo.com"),
        ("yahooo.com", "yahoo.com"),
        ("yahoo.co.ukk", "yahoo.co.uk"),
        ("outlok.com", "outlook.com"),
        ("iclod.com", "icloud.com"),
        ("protonmial.com", "protonmail.com"),
        ("aol.con", "aol.com"),
        ("qq.co", "qq.com"),
        ("gm\u0430il.com", "gmail.com"),  # Cyrillic "а" posing as Latin "a"
    ],
)
def test_typo_domains_are_flagged_with_a_suggestion(domain: str, suggestion: str) -> None:
    result = signals(f"test.person@{domain}")
    assert result["email.typo_domain"] is True
    assert result["email.typo_suggestion"] == suggestion


@pytest.mark.parametrize(
    "domain",
    """gmail.com gmx.de gmx.at gmx.com web.de live.be live.com mail.ru mail.com email.com qq.com
    163.com 126.com me.com aol.com aol.fr hotmail.fr hotmail.be yahoo.fr yahoo.co.uk orange.fr
    free.fr sfr.fr ymail.com outlook.be outlook.com example.be münchen.de cloud.com proton.com
    grange.fr saver.com ugent.be""".split(),
)
def test_real_domains_are_not_typos(domain: str) -> None:
    result = signals(f"test.person@{domain}")
    assert result["email.typo_domain"] is False
    assert result["email.typo_suggestion"] == ""


# --- local part --------------------------------------------------------------------------

ORDINARY_LOCALS = """
test.person t.person tperson testperson1987 test_person test.person+shop tp1987
test.person25 anna.smith a.smith annasmith smith.anna anna-smith annasmith84 john.smith.1990
emma.de.vries lukas.mueller sophie_martin thomas.nowak grzegorz.szczepanski nguyen.van.an
li.xiuying dmitriy.ivanov kenji.otsuka pieter.jansen fatima.el.amrani oleksandr.shevchenko
katarzyna.wojcik wojciech.krzyzanowski siobhan.oreilly zhang.wei88 kowalczyk.j mj1985
jeanpierre.dupont sunshine darkknight coolguy_99 schwarzschild
""".split()

RANDOM_LOCALS = """
xk7q2v9z qwz8x1kp a8f3e9c2b7d1 x7k2q9 3f9a77bc kdjfhslq qzxvkwpj zxcvbnm asdfghjkl
qwertyuiop 9f8e7d6c5b4a p4r7m2x9 zq8w3x7v b7c1d9f2e8 d41d8cd98f00b204 u8y2k5n1
""".split()


@pytest.mark.parametrize("local", ORDINARY_LOCALS)
def test_ordinary_local_parts_do_not_look_random(local: str) -> None:
    result = signals(f"{local}@gmail.com")
    assert result["email.local_random"] < 0.5
    assert result["email.local_random_high"] is False


@pytest.mark.parametrize("local", RANDOM_LOCALS)
def test_random_local_parts_look_random(local: str) -> None:
    result = signals(f"{local}@gmail.com")
    assert result["email.local_random"] >= 0.7
    assert result["email.local_random_high"] is True


def test_tables_are_big_enough() -> None:
    assert len(ORDINARY_LOCALS) >= 15
    assert len(RANDOM_LOCALS) >= 10


@pytest.mark.parametrize(
    ("email", "low"),
    [
        ("1234567890@qq.com", True),
        ("1234567890@163.com", True),
        ("1234567890@126.com", True),
        ("1234567890@foxmail.com", True),
        ("1234567890@gmail.com", False),
    ],
)
def test_numeric_mailboxes_are_ordinary_at_chinese_providers(email: str, low: bool) -> None:
    score = signals(email)["email.local_random"]
    assert (score <= 0.1) is low
    assert score < 0.7


def test_plus_tag_is_ignored_for_randomness() -> None:
    assert signals("test.person+x7k2q9z8@gmail.com")["email.local_random"] == 0.0


@pytest.mark.parametrize(
    ("email", "digits", "length", "tagged"),
    [
        ("test.person1987+shop@example.be", 4, 15, True),
        ("test+@example.be", 0, 4, True),
        ("test.person@example.be", 0, 11, False),
        ("1234567890@qq.com", 10, 10, False),
        ("用户@例子.广告", 0, 2, False),
        ("+shop@example.be", 0, 5, False),
    ],
)
def test_local_counts(email: str, digits: int, length: int, tagged: bool) -> None:
    result = signals(email)
    assert result["email.local_digits"] == digits
    assert result["email.local_length"] == length
    assert result["email.has_plus_tag"] is tagged


# --- name consistency --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "first", "last", "match", "similarity"),
    [
        pytest.param("test.person", "Test", "Person", True, 1.0, id="first.last"),
        pytest.param("tperson", "Test", "Person", True, 1.0, id="initial-last"),
        pytest.param("persont", "Test", "Person", True, 1.0, id="last-initial"),
        pytest.param("person1987", "", "Person", True, 1.0, id="last-only"),
        pytest.param("nguyen.an", "An", "Nguyễn", True, 1.0, id="vietnamese"),
        pytest.param("muller", "Jürgen", "Müller", True, 1.0, id="umlaut-dropped"),
        pytest.param("mueller", "Jürgen", "Müller", True, 1.0, id="umlaut-expanded"),
        pytest.param("otsuka.k", "Kenji", "Ōtsuka", True, 1.0, id="macron"),
        pytest.param("li.wei88", "伟", "李", True, 1.0, id="chinese-two-letter"),
        pytest.param("xiuying.li", "秀英", "李", True, 1.0, id="chinese"),
        pytest.param("dmitriy.ivanov", "Дмитрий", "Иванов", True, 1.0, id="cyrillic"),
        pytest.param("dmitry1990", "Дмитрий", "", True, 1.0, id="cyrillic-variant-y"),
        pytest.param("dmitrii", "Дмитрий", "", True, 1.0, id="cyrillic-variant-ii"),
        pytest.param("yulia.k", "Юлия", "", True, 1.0, id="cyrillic-variant-ia"),
        pytest.param("vanderberg", "Test", "van der Berg", True, 1.0, id="joined-particles"),
        pytest.param("persn", "", "Person", False, 0.6667, id="partial"),
        pytest.param("persons", "", "Personn", True, 0.8571, id="near-miss"),
        pytest.param("alexander", "Test", "van der Berg", False, 0.5, id="particle-alone"),
        pytest.param("charlie", "Wei", "Li", False, 0.0, id="two-letters-inside"),
        pytest.param("xk7q2v9z", "Test", "Person", False, 0.0, id="random"),
        pytest.param("anna.smith", "Test", "Person", False, 0.0, id="other-person"),
        pytest.param("test.person", "", "", False, 0.0, id="no-names"),
        pytest.param("test.person", "😀", "!!", False, 0.0, id="symbol-names"),
    ],
)  # fmt: skip
def test_name_match(local: str, first: str, last: str, match: bool, similarity: float) -> None:
    result = signals(f"{local}@gmail.com", first_name=first, last_name=last)
    assert result["email.name_match"] is match
    assert result["email.name_similarity"] == pytest.approx(similarity, abs=1e-3)


FAKER_LOCALES = ["en_US", "fr_FR", "de_DE", "nl_BE", "vi_VN", "ru_RU", "zh_CN", "ja_JP",
                 "pl_PL", "es_ES"]  # fmt: skip


def _fold_name(name: str) -> str:
    return re.sub(r"[\s'’]", "", anyascii(name).lower())


def test_faker_people_match_their_first_dot_last_addresses() -> None:
    people = []
    for index, locale in enumerate(FAKER_LOCALES):
        fake = Faker(locale)
        fake.seed_instance(1000 + index)
        people += [(fake.first_name(), fake.last_name()) for _ in range(50)]
    assert len(people) == 500
    results = [
        signals(f"{_fold_name(first)}.{_fold_name(last)}@gmail.com", first_name=first,
                last_name=last)
        for first, last in people
    ]  # fmt: skip
    assert sum(r["email.valid_syntax"] for r in results) >= 495
    assert sum(r["email.name_match"] for r in results) >= 475
    assert sum(r["email.local_random"] < 0.5 for r in results) >= 485


# --- DNS ---------------------------------------------------------------------------------


class FakeLookup:
    def __init__(self, answers: dict[str, bool | None | Exception]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, float]] = []

    def __call__(self, domain: str, timeout: float) -> bool | None:
        self.calls.append((domain, timeout))
        answer = self.answers.get(domain)
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_domain_resolves_is_unknown_without_a_resolver() -> None:
    assert signals("test.person@example.be")["email.domain_resolves"] == "unknown"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (True, "yes"),
        (False, "no"),
        (None, "unknown"),
        (TimeoutError(), "unknown"),
        (dns.exception.Timeout(), "unknown"),
        (RuntimeError("boom"), "unknown"),
    ],
)
def test_resolver_answers_and_never_raises(answer: object, expected: str) -> None:
    lookup = FakeLookup({"example.be": answer})  # type: ignore[dict-item]
    resolver = DomainResolver(lookup=lookup, timeout=0.25)
    result = signals("test.person@example.be", resolver=resolver)
    assert result["email.domain_resolves"] == expected
    assert lookup.calls == [("example.be", 0.25)]


def test_resolver_default_timeout_is_short() -> None:
    assert DomainResolver().timeout == 1.5


def test_resolver_caches_answers_until_they_expire() -> None:
    clock = FakeClock()
    lookup = FakeLookup({"example.be": True, "down.example": None})
    resolver = DomainResolver(lookup=lookup, clock=clock, ttl_seconds=3600,
                              unknown_ttl_seconds=60)  # fmt: skip
    for _ in range(3):
        assert resolver.resolves("example.be") == "yes"
        assert resolver.resolves("down.example") == "unknown"
    assert len(lookup.calls) == 2
    clock.now += 61  # "unknown" is retried soon, a definite answer is kept
    assert resolver.resolves("down.example") == "unknown"
    assert resolver.resolves("example.be") == "yes"
    assert len(lookup.calls) == 3
    clock.now += 3600
    assert resolver.resolves("example.be") == "yes"
    assert len(lookup.calls) == 4


def test_resolver_cache_is_bounded_and_evicts_least_recently_used() -> None:
    lookup = FakeLookup({"a.example": True, "b.example": False, "c.example": True})
    resolver = DomainResolver(lookup=lookup, max_entries=2)
    resolver.resolves("a.example")
    resolver.resolves("b.example")
    resolver.resolves("a.example")  # a is now the most recently used
    resolver.resolves("c.example")  # evicts b
    assert resolver.cache_size() == 2
    resolver.resolves("a.example")
    assert [d for d, _ in lookup.calls] == ["a.example", "b.example", "c.example"]
    resolver.resolves("b.example")
    assert [d for d, _ in lookup.calls][-1] == "b.example"


@pytest.mark.parametrize("domain", ["", "   ", "x" * 300 + ".com", "münchen.de"])
def test_resolver_rejects_unusable_domains_without_lookup(domain: str) -> None:
    lookup = FakeLookup({})
    assert DomainResolver(lookup=lookup).resolves(domain) == "unknown"
    assert lookup.calls == []


def test_check_email_skips_dns_for_known_providers_and_invalid_addresses() -> None:
    lookup = FakeLookup({"example.be": False})
    resolver = DomainResolver(lookup=lookup)
    assert signals("test@gmail.com", resolver=resolver)["email.domain_resolves"] == "yes"
    assert signals("test@duck.com", resolver=resolver)["email.domain_resolves"] == "yes"
    assert signals("te st@example.be", resolver=resolver)["email.domain_resolves"] == "unknown"
    assert lookup.calls == []
    assert signals("test@example.be", resolver=resolver)["email.domain_resolves"] == "no"
    assert [d for d, _ in lookup.calls] == ["example.be"]


class _MX:
    def __init__(self, exchange: str) -> None:
        self.exchange = exchange


class FakeDNS:
    """Stands in for dns.resolver.Resolver: answers per record type."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers
        self.queries: list[str] = []

    def resolve(self, domain: str, rdtype: str, lifetime: float, search: bool) -> object:
        assert 0 < lifetime <= 1.5 and search is False
        self.queries.append(rdtype)
        answer = self.answers.get(rdtype, dns.resolver.NoAnswer())
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.mark.parametrize(
    ("answers", "expected", "queries"),
    [
        ({"MX": [_MX("mx.example.be.")]}, "yes", ["MX"]),
        ({"MX": [_MX(".")]}, "no", ["MX"]),
        ({"A": ["192.0.2.1"]}, "yes", ["MX", "A"]),
        ({"AAAA": ["2001:db8::1"]}, "yes", ["MX", "A", "AAAA"]),
        ({}, "no", ["MX", "A", "AAAA"]),
        ({"MX": dns.resolver.NXDOMAIN()}, "no", ["MX"]),
        ({"MX": dns.exception.Timeout()}, "unknown", ["MX"]),
        ({"MX": dns.resolver.NoNameservers()}, "unknown", ["MX"]),
        ({"MX": OSError()}, "unknown", ["MX"]),
    ],
)
def test_dns_lookup_interprets_records(
    answers: dict[str, object], expected: str, queries: list[str]
) -> None:
    resolver = DomainResolver()
    fake = FakeDNS(answers)
    resolver._dns = fake  # type: ignore[assignment]  # no network in tests
    assert resolver.resolves("example.be") == expected
    assert fake.queries == queries


# --- robustness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "\x00\x01@\x02.com",
        "test@example.be\u200f",
        "\u202etest@example.be",
        "😀@😀.com",
        "test😀@gmail.com",
        "@",
        "@@@@",
        "+@x.com",
        "a" * 64 + "@" + "b" * 63 + ".com",
        "٣٤٥@example.com",
        "test@-example.com",
        "test@" + "a." * 150 + "com",
    ],
)
def test_odd_inputs_never_raise(raw: str) -> None:
    assert_well_formed(check_email(raw, first_name=raw, last_name=raw).signals)


@settings(max_examples=300, deadline=None)
@given(email=st.text(max_size=200), first=st.text(max_size=40), last=st.text(max_size=40))
def test_any_text_gives_exactly_the_declared_signals(email: str, first: str, last: str) -> None:
    result = check_email(email, first_name=first, last_name=last)
    assert_well_formed(result.signals)
    assert result.signals["email.local_random_high"] is (
        result.signals["email.local_random"] >= 0.7
    )
    assert result.signals["email.name_match"] is (result.signals["email.name_similarity"] >= 0.8)


@settings(max_examples=200, deadline=None)
@given(email=st.emails())
def test_generated_addresses_are_valid_and_keep_their_domain(email: str) -> None:
    result = check_email(email)
    assert_well_formed(result.signals)
    if result.signals["email.valid_syntax"]:
        assert result.signals["email.domain"] == result.signals["email.domain"].lower()
        assert result.normalized.rpartition("@")[2].lower() == result.normalized.rpartition("@")[2]
