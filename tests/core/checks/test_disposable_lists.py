"""Disposable domains from every maintained list, an allow-list of real providers, typos apart."""

from __future__ import annotations

import random
from datetime import date

import pytest

from screening.config import DEFAULT_POLICY, DEFAULT_RULES
from screening.core.checks import email_domains
from screening.core.checks.email_domains import (
    DISPOSABLE_LISTS,
    classify,
    disposable_lists,
    provider_shaped,
)
from screening.core.checks.emails import check_email
from screening.core.pipeline import evaluate, run_checks
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set

RULES = load_rule_set(DEFAULT_RULES)
POLICY = load_policy(DEFAULT_POLICY)
SAMPLE = 300


def only_in(name: str) -> list[str]:
    others = set().union(*(t for n, t in DISPOSABLE_LISTS.items() if n != name))
    return sorted(d for d in DISPOSABLE_LISTS[name] if d not in others)


def screen_with(domain: str) -> str:
    body = {
        "first_name": "Marie", "last_name": "Dubois", "email": f"marie.dubois@{domain}",
        "phone": "+32 470 58 21 97",
        "address": {"line1": "Rue de la Loi 16", "city": "Bruxelles", "postal_code": "1000",
                    "country": "BE"},
    }  # fmt: skip
    checked = run_checks(body, {}, policy=POLICY, today=date(2026, 12, 1))
    return evaluate(checked, RULES).decision.outcome


def test_three_maintained_lists_are_read_with_their_data() -> None:
    sizes = {name: len(table) for name, table in DISPOSABLE_LISTS.items()}
    assert set(sizes) == {"disposable-email-domains", "is-burner-email",
                          "disposable-email-detector"}  # fmt: skip
    assert all(n > 5_000 for n in sizes.values()), sizes


@pytest.mark.parametrize("name", sorted(DISPOSABLE_LISTS))
def test_domains_only_one_list_carries_are_held(name: str) -> None:
    """An ordinary signup at a domain only this list names: at least 80% are held."""
    domains = only_in(name)
    assert len(domains) >= 100
    sample = random.Random(f"single-list/{name}").sample(domains, min(SAMPLE, len(domains)))
    outcomes = [screen_with(d) for d in sample]
    held = sum(o != "approve" for o in outcomes) / len(outcomes)
    print(f"{name}: {len(domains)} domains only it names; held {held:.1%} of {len(sample)}")
    assert held >= 0.80
    # The signal says which list named it.
    for domain in sample[:20]:
        if disposable_lists(domain):
            assert name in check_email(f"a@{domain}").signals["email.disposable_lists"]


def test_real_providers_and_relays_are_never_disposable_even_when_a_list_names_them() -> None:
    listed_relays = [d for d in email_domains.PRIVACY_RELAY_DOMAINS
                     if any(d in t for t in DISPOSABLE_LISTS.values())]  # fmt: skip
    assert listed_relays, "expected a list to carry a relay (the guard must matter)"
    for domain in [*listed_relays, "gmail.com", "outlook.com", "yahoo.co.uk", "gmx.net"]:
        assert not classify(domain).disposable, domain
        assert classify(domain).disposable_lists == ()


def test_the_allow_list_file_is_read_without_a_code_change() -> None:
    text = (email_domains.files("screening.data") / email_domains.ALLOW_FILE).read_text()
    entries = email_domains._lines(text)
    assert entries and entries <= email_domains._ALLOWED


@pytest.mark.parametrize(
    ("domain", "meant"),
    [
        ("gmial.com", "gmail.com"),
        ("gmail.con", "gmail.com"),
        ("hotmial.com", "hotmail.com"),
        ("yahooo.com", "yahoo.com"),
    ],  # fmt: skip
)
def test_a_typo_of_a_provider_is_a_typo_not_a_throwaway(domain: str, meant: str) -> None:
    result = check_email(f"marie.dubois@{domain}")
    assert result.signals["email.domain_typo"] is True
    assert result.signals["email.typo_suggestion"] == meant
    assert result.suggestion == meant
    assert result.signals["email.disposable"] is False
    assert screen_with(domain) != "decline"


def test_provider_shaped_domains_are_a_weak_offline_signal() -> None:
    assert provider_shaped("tempinbox.net") and provider_shaped("quickmail.xyz")
    for ordinary in ("gmail.com", "freemail.hu", "mail.dk", "guerra-penaloza.cl",
                     "dupont-avocats.fr", "burns.co.uk"):  # fmt: skip
        assert not provider_shaped(ordinary), ordinary
    assert check_email("a@trashbox-mail.org").signals["email.domain_provider_shaped"] is True
    assert screen_with("trashbox-mail.org") != "decline"
