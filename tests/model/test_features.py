"""Features: numbers from signals only; habits judge providers and phones per country."""

from __future__ import annotations

from typing import Any

import pytest

from screening.core.model.features import FEATURE_NAMES, FEATURES, vector
from screening.core.model.habits import MIN_SHARE, Habits, min_rows, upper_share
from screening.core.signals import defaults


def value(signals: dict[str, Any], name: str, habits: Habits | None = None) -> float:
    return vector(signals, habits or Habits())[FEATURE_NAMES.index(name)]


def ordinary(**changes: Any) -> dict[str, Any]:
    signals = defaults()
    signals.update(
        {
            "email.valid_syntax": True,
            "email.name_match": True,
            "email.free_provider": True,
            "email.domain": "gmail.com",
            "phone.valid": True,
            "phone.possible": True,
            "phone.region": "BE",
            "phone.line_type": "mobile",
            "address.country": "BE",
            "address.country_known": True,
            "address.line1_has_number": True,
            "name.plausibility": 0.99,
        }
    )
    signals.update(changes)
    return signals


def test_an_ordinary_signup_has_no_binary_feature_on() -> None:
    x = vector(ordinary(), Habits())
    on = [f.name for f, v in zip(FEATURES, x, strict=True) if f.binary and v]
    assert on == ["email.free_provider"]


def test_feature_names_are_unique_and_described() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURES)
    assert all(f.words and f.words[0].islower() for f in FEATURES)
    assert all(f.low_words or f.binary or f.name.startswith("velocity.") for f in FEATURES)


def test_no_feature_reads_the_script_or_the_country_itself() -> None:
    base = ordinary()
    other = ordinary(
        **{"name.first_script": "Han", "name.last_script": "Han", "name.scripts": ["Han"]}
    )
    assert vector(base, Habits()) == vector(other, Habits())


@pytest.mark.parametrize(("p", "expected"), [(1.0, 0.0), (0.5, 0.6931), (0.01, 4.6052), (0.0, 8.0)])
def test_name_implausibility_is_minus_log_plausibility(p: float, expected: float) -> None:
    assert value(ordinary(**{"name.plausibility": p}), "name.implausibility") == pytest.approx(
        expected, abs=1e-4
    )


@pytest.mark.parametrize(
    ("stem", "same", "expected"),
    [(0, 0, 0.0), (1, 1, 0.0), (3, 0, 0.6), (9, 1, 1.0), (2, 5, 0.0)],
)
def test_velocity_counts_variants_not_retries(stem: int, same: int, expected: float) -> None:
    signals = ordinary(**{"velocity.email_stem_24h": stem, "velocity.email_24h": same})
    assert value(signals, "velocity.mailbox_variants") == pytest.approx(expected)


HABITS = Habits(
    providers={"GE": frozenset({"mail.ru", "gmail.com"}), "BE": frozenset({"gmail.com"})},
    phone_regions={"BE": frozenset({"BE", "MA", "NL"})},
)


@pytest.mark.parametrize(
    ("country", "domain", "expected"),
    [
        ("GE", "mail.ru", 0.0),  # usual in Georgia
        ("BE", "mail.ru", 1.0),  # unusual in Belgium
        ("BE", "gmail.com", 0.0),
        ("JP", "mail.ru", 0.0),  # Japan not judged: too few ordinary signups to tell
    ],
)
def test_a_provider_counts_only_where_it_is_unusual(
    country: str, domain: str, expected: float
) -> None:
    signals = ordinary(**{"address.country": country, "email.domain": domain})
    assert value(signals, "email.provider_unusual", HABITS) == expected


@pytest.mark.parametrize(("region", "expected"), [("BE", 0.0), ("MA", 0.0), ("NG", 1.0)])
def test_a_foreign_phone_counts_only_where_it_is_unusual(region: str, expected: float) -> None:
    signals = ordinary(**{"phone.region": region, "phone.matches_address_country": False})
    assert value(signals, "phone.region_unusual", HABITS) == expected


def test_habits_are_learned_from_enough_ordinary_signups_and_round_trip() -> None:
    rows = [ordinary(**{"email.domain": "telenet.be"}) for _ in range(3000)]
    rows += [ordinary(**{"email.domain": "mail.ru"}) for _ in range(2)]  # shown to be rare
    rows += [ordinary(**{"email.domain": "skynet.be"}) for _ in range(30)]  # 1%: usual
    rows += [ordinary(**{"address.country": "LU"}) for _ in range(5)]  # too few to judge
    habits = Habits.learn(rows)
    assert habits.providers["BE"] == {"telenet.be", "skynet.be"}
    assert "LU" not in habits.providers
    assert Habits.from_dict(habits.to_dict()) == habits


def test_a_small_country_is_not_judged_on_a_sample_that_cannot_show_rarity() -> None:
    # 1000 Thai signups, none with a British phone: a region 1% of Thais keep could be
    # missing from so few by chance, so nothing foreign counts as unusual there.
    rows = [ordinary(**{"address.country": "TH", "phone.region": "TH"}) for _ in range(1000)]
    habits = Habits.learn(rows)
    assert "TH" not in habits.phone_regions
    signals = ordinary(
        **{
            "address.country": "TH",
            "phone.region": "GB",
            "phone.matches_address_country": False,
        }
    )
    assert value(signals, "phone.region_unusual", habits) == 0.0
    # The same absence in a sample big enough to show it does count.
    rows = [ordinary(**{"address.country": "TH", "phone.region": "TH"}) for _ in range(1400)]
    assert value(signals, "phone.region_unusual", Habits.learn(rows)) == 1.0


@pytest.mark.parametrize(
    ("k", "n", "usual"), [(0, 1320, True), (0, 1321, False), (4, 3000, False), (6, 3000, True)]
)
def test_unusual_means_shown_below_the_share_at_99_5_percent(k: int, n: int, usual: bool) -> None:
    assert (upper_share(k, n) >= MIN_SHARE) is usual
    assert min_rows() == 1321
