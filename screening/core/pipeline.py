"""The screening pipeline: payload -> policy -> checks -> signals -> rules and model -> decision.

:func:`screen` is the one pipeline that the service, simulation, training, benchmarks
and tests call. It is pure: plain data in, plain data out. What needs storage (velocity
counts, list matches) reaches it through ``Context.lookups``, a callable the service
layer injects, so this module never sees a database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from screening.core.checks import SignalValue, address_rules, email_local, phones
from screening.core.checks.addresses import check_address
from screening.core.checks.age import check_age
from screening.core.checks.contact_countries import check_contact_countries
from screening.core.checks.emails import DomainResolver, check_email
from screening.core.checks.names import check_name, forget_parts
from screening.core.checks.phones import check_phone
from screening.core.decide import AutomatedDecision, decide
from screening.core.language import supported
from screening.core.policy import Policy
from screening.core.rules.ruleset import Evaluation, RuleSet
from screening.core.signals import CATALOGUE
from screening.core.signup import Address, Signup

ModelScorer = Callable[[Mapping[str, SignalValue]], float]
# (first name, last name) -> plausibility in [0, 1]; see screening.core.model.names.NameScorer.
NamePlausibility = Callable[[str, str], float]


_warmed = False
# Shared, never mutated: list defaults are replaced, not appended to, by the checks.
_DEFAULTS: dict[str, SignalValue] = {name: s.default for name, s in CATALOGUE.items()}


def warm_up() -> None:
    """Load per-country phone and address data once per process (about 1.5 s).

    Otherwise the first signup from each country pays 1-90 ms of lazy loading.
    """
    global _warmed
    if not _warmed:
        phones.preload()
        address_rules.preload()
        _warmed = True


def forget_name_caches(name_scorer: NamePlausibility | None = None) -> None:
    """Empty every in-memory cache of name parts: the name check's, the email check's
    spellings of names, and ``name_scorer``'s (benchmarks start from a cold process)."""
    forget_parts()
    email_local._name_tokens.cache_clear()
    forget = getattr(name_scorer, "forget", None)
    if forget is not None:
        forget()


@dataclass(frozen=True)
class Checked:
    """The result of running every field check on one signup."""

    normalized: Signup
    signals: dict[str, SignalValue]
    derived: dict[str, bool]
    # Dotted paths of the submitted fields the policy dropped (see Policy.minimise).
    discarded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Screened:
    """One screened signup: what to store, what to answer, and why."""

    normalized: Signup
    signals: dict[str, SignalValue]
    derived: dict[str, bool]
    evaluation: Evaluation
    decision: AutomatedDecision
    discarded: tuple[str, ...] = ()


# Signals that need storage (velocity, lists), computed from the checked signup by the caller.
Lookups = Callable[[Checked], Mapping[str, SignalValue]]


@dataclass(frozen=True)
class Context:
    """Everything screening one signup needs besides the signup itself.

    Args:
        policy: what is kept, used in memory or dropped; the minimum age.
        rule_set: the rules that turn signals into hits and an outcome.
        today: the UTC date of the screening (for the age check).
        resolver: optional DNS check for email domains.
        name_scorer: optional name model; gives ``name.plausibility``.
        scorer: optional risk model; gives the score (else the rules' risk total).
        lookups: optional signals that need storage, e.g. velocity counts and list matches.
    """

    policy: Policy
    rule_set: RuleSet
    today: date
    resolver: DomainResolver | None = None
    name_scorer: NamePlausibility | None = None
    scorer: ModelScorer | None = None
    lookups: Lookups | None = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def run_checks(
    kept: Mapping[str, Any],
    transient: Mapping[str, Any],
    *,
    policy: Policy,
    today: date,
    resolver: DomainResolver | None = None,
    name_scorer: NamePlausibility | None = None,
) -> Checked:
    """Run the field checks on a minimised signup.

    Args:
        kept: the fields the policy stores (already validated for shape).
        transient: the fields used in memory only (``date_of_birth``).
        policy: supplies the minimum age.
        today: the UTC date of the screening (for the age check).
        resolver: optional DNS check for email domains.
        name_scorer: optional name model; gives ``name.plausibility`` (else its default).
    """
    first, last = _text(kept.get("first_name")), _text(kept.get("last_name"))
    address: Mapping[str, Any] = kept.get("address") or {}
    country = _text(address.get("country")).strip().upper() or None

    name = check_name(first, last)
    email = check_email(
        _text(kept.get("email")), first_name=first, last_name=last, resolver=resolver
    )
    phone = check_phone(_text(kept.get("phone")), address_country=country)
    phone_region = phone.signals.get("phone.region")
    addr = check_address(
        {k: v for k, v in address.items() if isinstance(v, str)},
        phone_region=phone_region if isinstance(phone_region, str) and phone_region else None,
    )
    age = check_age(
        _text(transient.get("date_of_birth")) or None,
        minimum_age=policy.minimum_age,
        today=today,
    )

    # A mistyped ending ("gmail.om") names the provider meant, not Oman.
    contact = check_contact_countries(
        _text(addr.signals.get("address.country")),
        _text(phone_region) if phone.signals.get("phone.valid") else "",
        email.suggestion or _text(email.signals.get("email.domain")),
    )

    signals: dict[str, SignalValue] = {}
    for result in (name, email, phone, addr, age, contact):
        signals.update(result.signals)
    if name_scorer is not None:
        signals["name.plausibility"] = name_scorer(
            name.normalized["first_name"], name.normalized["last_name"]
        )

    external_ref = kept.get("external_ref")
    normalized = Signup(
        first_name=name.normalized["first_name"] if "first_name" in kept else None,
        last_name=name.normalized["last_name"] if "last_name" in kept else None,
        email=email.normalized if "email" in kept else None,
        phone=phone.normalized if "phone" in kept else None,
        address=Address.of(addr.normalized) if "address" in kept else None,
        external_ref=external_ref.strip() if isinstance(external_ref, str) else None,
        language=supported(kept.get("language")),
    )

    derived: dict[str, bool] = {}
    if "date_of_birth" in transient and "age.requirement_met" in policy.derived_facts:
        derived["age.requirement_met"] = bool(age.signals["age.requirement_met"])
    return Checked(normalized=normalized, signals=signals, derived=derived)


def check(
    payload: Mapping[str, Any],
    *,
    policy: Policy,
    today: date,
    resolver: DomainResolver | None = None,
    name_scorer: NamePlausibility | None = None,
) -> Checked:
    """Minimise a submitted payload to the policy, then run the field checks on what is kept."""
    minimised = policy.minimise(payload)
    checked = run_checks(
        minimised.kept,
        minimised.transient,
        policy=policy,
        today=today,
        resolver=resolver,
        name_scorer=name_scorer,
    )
    return Checked(
        normalized=checked.normalized,
        signals=checked.signals,
        derived=checked.derived,
        discarded=tuple(minimised.discarded),
    )


def evaluate(
    checked: Checked,
    rule_set: RuleSet,
    *,
    extra: Mapping[str, SignalValue] | None = None,
    scorer: ModelScorer | None = None,
) -> Screened:
    """Evaluate the rules on the checks' signals (plus ``extra``, e.g. velocity) and decide.

    Signals neither the checks nor ``extra`` provide take their documented default.
    """
    # Defaults first, then what was measured: one C-level merge instead of a loop.
    signals = {**_DEFAULTS, **checked.signals, **(extra or {})}
    evaluation = rule_set.evaluate(signals)
    score = scorer(signals) if scorer is not None else None
    # An explaining scorer keeps the contributions of the score it just computed.
    contributions = getattr(scorer, "contributions", ()) if scorer is not None else ()
    decision = decide(evaluation, rule_set.thresholds, score, contributions)
    return Screened(
        normalized=checked.normalized,
        signals=signals,
        derived=checked.derived,
        evaluation=evaluation,
        decision=decision,
        discarded=checked.discarded,
    )


def screen(payload: Mapping[str, Any], context: Context) -> Screened:
    """Screen one submitted signup: the whole pipeline, from payload to decision.

    Args:
        payload: the submitted JSON object (already checked for shape by the caller).
        context: the policy, rules, models and lookups to screen with.
    """
    checked = check(
        payload,
        policy=context.policy,
        today=context.today,
        resolver=context.resolver,
        name_scorer=context.name_scorer,
    )
    extra = context.lookups(checked) if context.lookups is not None else None
    return evaluate(checked, context.rule_set, extra=extra, scorer=context.scorer)
