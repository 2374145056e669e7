"""The risk model's features: numbers computed from the checks' signals, never from raw fields.

Each feature is one number, with the plain words an analyst reads when it pushes a decision.
Binary features are 1 in their unusual state ("the phone number is not valid"), so a
feature that is 0 adds nothing to an explanation.

Left out on purpose, and why (the model card repeats this):

* the name's script and length, and the address or phone country: the model must judge
  signups, not where people come from or how their names are written;
* a first name equal to the last: ordinary for many Indonesians, who have one name and
  repeat it where a form demands two (junk names that repeat score low on plausibility);
* "foreign" email providers and phone numbers as such, including a phone from another
  country than the address: only what is unusual for the address country counts
  (:mod:`.habits`), so local habits and moving house are never held against anyone;
* the phone's typing format (E.164 or national): the synthetic bursts always send E.164,
  which would teach the model that a "+" is suspicious, and it is not;
* raw velocity counts: an exact repeat is usually a retry; only variants count (other
  mailboxes with the same stem, neighbouring phone numbers, the same name and postal code
  with another mailbox), and big providers' domain counts say nothing;
* ``email.domain_resolves``: it needs the optional DNS check, which is off by default.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from screening.core.checks import SignalValue
from screening.core.model.habits import Habits

Signals = Mapping[str, SignalValue]

Compute = Callable[[Signals, Habits], float]


@dataclass(frozen=True)
class Feature:
    """One model input: its name, what it means in plain words, and how to compute it."""

    name: str
    words: str
    compute: Compute
    binary: bool = True
    # For a number below its usual value: what that means, in plain words.
    low_words: str = ""


# Ordinary traits: the model may learn that these lower the risk as well as raise it. Every
# other feature describes an oddity, and may only raise it: the synthetic data has no fraud
# with, say, a PO box or a privacy relay, and a model must not learn that those vouch for
# a signup (a fraudster would add them).
EITHER_WAY: frozenset[str] = frozenset(
    {
        "email.free_provider",
        "email.uppercase",
        "email.has_plus_tag",
        "email.name_mismatch",
        "email.non_ascii",
        "email.local_digits",
        "phone.fixed_line",
        "address.postal_code_missing",
    }
)


class _Flag:
    """1.0 when a signal is truthy (or, negated, when it is falsy); vector() inlines these."""

    def __init__(self, name: str, negate: bool = False) -> None:
        self.name, self.negate = name, negate

    def __call__(self, s: Signals, h: Habits) -> float:
        on = bool(s.get(self.name, self.negate))
        return 1.0 if on != self.negate else 0.0


def _flag(name: str) -> Compute:
    return _Flag(name)


def _not(name: str) -> Compute:
    return _Flag(name, negate=True)


def _number(s: Signals, name: str, low: float = 0.0, high: float = 1.0) -> float:
    value = s.get(name)
    kind = type(value)
    if kind is not float and kind is not int:  # bool, str, list, missing: no number
        return low
    number = float(value)  # type: ignore[arg-type]
    return low if number < low else high if number > high else number


def _float(name: str) -> Compute:
    return lambda s, h: _number(s, name)


def _line_type(*kinds: str) -> Compute:
    wanted = frozenset(kinds)
    return lambda s, h: 1.0 if s.get("phone.line_type") in wanted else 0.0


def _implausibility(s: Signals, h: Habits) -> float:
    # -log(p) spreads the useful range (0.5, 0.1, 0.01) that a raw probability squeezes to 0.
    p = _number(s, "name.plausibility") if "name.plausibility" in s else 1.0
    return 0.0 if p >= 1.0 else min(8.0, -math.log(max(p, 1e-9)))


def _country(s: Signals) -> str:
    country = s.get("address.country")
    return country if isinstance(country, str) and s.get("address.country_known") else ""


def _provider_unusual(s: Signals, h: Habits) -> float:
    if not s.get("email.free_provider"):
        return 0.0
    domain, country = s.get("email.domain"), _country(s)
    if not (isinstance(domain, str) and country):
        return 0.0
    return 1.0 if h.provider_unusual(country, domain) else 0.0


def _phone_unusual(s: Signals, h: Habits) -> float:
    if s.get("phone.matches_address_country", True) or not s.get("phone.valid"):
        return 0.0
    region, country = s.get("phone.region"), _country(s)
    if not (isinstance(region, str) and region and country):
        return 0.0
    return 1.0 if h.phone_unusual(country, region) else 0.0


def _digits(s: Signals, h: Habits) -> float:
    return _number(s, "email.local_digits", 0.0, 10.0) / 10.0


def _underage(s: Signals, h: Habits) -> float:
    met = s.get("age.requirement_met")
    return 1.0 if s.get("age.provided") and s.get("age.valid") and not met else 0.0


def _missing_required(s: Signals, h: Habits) -> float:
    return 1.0 if s.get("address.missing_required") else 0.0


def _variants(total: str, same: str, cap: float = 5.0) -> Compute:
    # Repeats of other values sharing a key (numbered mailboxes, consecutive numbers); an
    # exact repeat (a retry) is subtracted out.
    def compute(s: Signals, h: Habits) -> float:
        a = s.get(total, 0)
        if not a or type(a) is not int:  # nearly always: nothing to count
            return 0.0
        b = s.get(same, 0)
        count = a - (b if type(b) is int else 0)
        return 0.0 if count <= 0 else min(cap, float(count)) / cap

    return compute


def _random_with_voip(s: Signals, h: Habits) -> float:
    voip = s.get("phone.line_type") == "voip"
    return 1.0 if voip and s.get("email.local_random_high") else 0.0


FEATURES: tuple[Feature, ...] = (
    # --- name
    Feature(
        "name.implausibility",
        "the name looks unlike real names",
        _implausibility,
        False,
        "the name looks like real names",
    ),
    Feature("name.missing", "a first or last name is missing", _flag("name.missing")),
    Feature("name.mixed_script", "the name mixes alphabets", _flag("name.mixed_script")),
    Feature("name.confusable", "the name hides look-alike letters", _flag("name.confusable")),
    Feature("name.has_digits", "the name contains digits", _flag("name.has_digits")),
    Feature("name.has_symbols", "the name contains symbols", _flag("name.has_symbols")),
    Feature("name.repeated_chars", "the name repeats letters", _flag("name.repeated_chars")),
    Feature("name.keyboard_run", "the name is a keyboard run", _flag("name.keyboard_run")),
    Feature(
        "name.latin_shape",
        "the name's letters are shaped unlike names",
        _float("name.latin_shape"),
        False,
        "the name's letters are shaped like names",
    ),
    Feature("name.placeholder", "the name is a placeholder", _flag("name.placeholder")),
    Feature("name.no_letters", "the name has no letters", _flag("name.no_letters")),
    # --- email
    Feature("email.invalid", "the email address is not valid", _not("email.valid_syntax")),
    Feature("email.disposable", "the email is a disposable mailbox", _flag("email.disposable")),
    Feature("email.privacy_relay", "the email is a privacy relay", _flag("email.privacy_relay")),
    Feature("email.free_provider", "the email is at a free provider", _flag("email.free_provider")),
    Feature("email.role_account", "the email is a shared mailbox", _flag("email.role_account")),
    Feature("email.typo_domain", "the email domain looks misspelled", _flag("email.typo_domain")),
    Feature(
        "email.local_random",
        "the mailbox name looks random",
        _float("email.local_random"),
        False,
        "the mailbox name looks ordinary",
    ),
    Feature(
        "email.local_digits",
        "the mailbox name has many digits",
        _digits,
        False,
        "the mailbox name has few digits",
    ),
    Feature("email.has_plus_tag", "the email has a +tag", _flag("email.has_plus_tag")),
    Feature("email.name_mismatch", "the email does not match the name", _not("email.name_match")),
    Feature("email.uppercase", "the email is typed in capitals", _flag("email.uppercase")),
    Feature("email.non_ascii", "the email has non-ASCII letters", _flag("email.non_ascii")),
    Feature(
        "email.provider_unusual",
        "the mail provider is unusual for the address country",
        _provider_unusual,
    ),
    # --- phone
    Feature("phone.missing", "the phone number is missing", _flag("phone.missing")),
    Feature("phone.invalid", "the phone number is not valid", _not("phone.valid")),
    Feature("phone.impossible", "the phone number cannot exist", _not("phone.possible")),
    Feature("phone.fake_pattern", "the phone number looks made up", _flag("phone.fake_pattern")),
    Feature("phone.voip", "the phone is an internet (VoIP) number", _line_type("voip")),
    Feature(
        "phone.premium",
        "the phone is a premium-rate number",
        _line_type("premium_rate", "shared_cost"),
    ),
    Feature(
        "phone.special_line",
        "the phone is toll-free, a pager or voicemail",
        _line_type("toll_free", "pager", "uan", "voicemail", "personal_number"),
    ),
    Feature("phone.fixed_line", "the phone is a landline", _line_type("fixed_line")),
    Feature(
        "phone.region_unusual",
        "the phone is from a country unusual for the address country",
        _phone_unusual,
    ),
    Feature(
        "contact.both_unusual",
        "both the mail provider and the phone's country are unusual for the address",
        lambda s, h: _phone_unusual(s, h) and _provider_unusual(s, h),
    ),
    Feature(
        "contact.random_email_with_voip",
        "a random mailbox name with a VoIP phone",
        _random_with_voip,
    ),
    # --- address
    Feature(
        "address.country_unknown", "the address country is unknown", _not("address.country_known")
    ),
    Feature("address.incomplete", "the address is incomplete", _missing_required),
    Feature(
        "address.postal_code_missing",
        "the postal code is missing",
        _flag("address.postal_code_missing"),
    ),
    Feature(
        "address.postal_code_invalid",
        "the postal code does not fit the country",
        _flag("address.postal_code_invalid"),
    ),
    Feature(
        "address.postal_code_region_mismatch",
        "the postal code is not in the region",
        _flag("address.postal_code_region_mismatch"),
    ),
    Feature("address.region_invalid", "the region is not valid", _flag("address.region_invalid")),
    Feature("address.placeholder", "the address is a placeholder", _flag("address.placeholder")),
    Feature("address.po_box", "the address is a PO box", _flag("address.po_box")),
    Feature(
        "address.line1_no_number",
        "the street line has no house number",
        _not("address.line1_has_number"),
    ),
    # --- age
    Feature(
        "age.invalid",
        "the date of birth is not valid",
        lambda s, h: 1.0 if s.get("age.provided") and not s.get("age.valid") else 0.0,
    ),
    Feature("age.below_minimum", "the person is below the minimum age", _underage),
    # --- velocity (variants only: see the module docstring)
    Feature(
        "velocity.mailbox_variants",
        "other mailboxes with the same name stem signed up in the last 24 h",
        _variants("velocity.email_stem_24h", "velocity.email_24h"),
        False,
    ),
    Feature(
        "velocity.phone_neighbours",
        "neighbouring phone numbers signed up in the last hour",
        _variants("velocity.phone_block_1h", "velocity.phone_1h"),
        False,
    ),
    Feature(
        "velocity.name_postcode_variants",
        "the same name and postal code signed up with another mailbox in the last 24 h",
        _variants("velocity.name_postcode_24h", "velocity.email_24h"),
        False,
    ),
    Feature(
        "velocity.street_neighbours",
        "other addresses on the same street signed up in the last hour",
        _variants("velocity.street_1h", "velocity.address_1h"),
        False,
    ),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
# +1: may only raise the risk; 0: either way (monotonic constraints, in FEATURES order).
DIRECTIONS: tuple[int, ...] = tuple(0 if f.name in EITHER_WAY else 1 for f in FEATURES)
_COMPUTE = tuple(f.compute for f in FEATURES)


NO_HABITS = Habits()
# The request path computes the features grouped by kind (flags, negated flags, the rest),
# each group in one comprehension: FAST_ORDER maps that order to FEATURES order.
_FLAG_AT = [i for i, c in enumerate(_COMPUTE) if isinstance(c, _Flag) and not c.negate]
_NOT_AT = [i for i, c in enumerate(_COMPUTE) if isinstance(c, _Flag) and c.negate]
_OTHER_AT = [i for i, c in enumerate(_COMPUTE) if not isinstance(c, _Flag)]
FAST_ORDER: tuple[int, ...] = (*_FLAG_AT, *_NOT_AT, *_OTHER_AT)
_FLAG_NAMES = tuple(FEATURES[i].compute.name for i in _FLAG_AT)  # type: ignore[attr-defined]
_NOT_NAMES = tuple(FEATURES[i].compute.name for i in _NOT_AT)  # type: ignore[attr-defined]
_OTHERS = tuple(_COMPUTE[i] for i in _OTHER_AT)
_get_flags = operator.itemgetter(*_FLAG_NAMES)
_get_nots = operator.itemgetter(*_NOT_NAMES)


def fast_vector(signals: Signals, habits: Habits = NO_HABITS) -> list[float]:
    """Return the features in :data:`FAST_ORDER` (the scorer's internal order)."""
    try:
        flags, nots = _get_flags(signals), _get_nots(signals)
    except KeyError:  # a partial signal set (tests, old records): missing ones at default
        flags = tuple(signals.get(n) for n in _FLAG_NAMES)
        nots = tuple(signals.get(n, True) for n in _NOT_NAMES)
    return [
        *[1.0 if v else 0.0 for v in flags],
        *[0.0 if v else 1.0 for v in nots],
        *[compute(signals, habits) for compute in _OTHERS],
    ]


def vector(signals: Signals, habits: Habits = NO_HABITS) -> list[float]:
    """Return the feature vector of one signup's signals, in :data:`FEATURE_NAMES` order."""
    x = [0.0] * len(_COMPUTE)
    for i, value in zip(FAST_ORDER, fast_vector(signals, habits), strict=True):
        x[i] = value
    return x
