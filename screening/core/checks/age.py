"""Age check: the transient date of birth becomes one kept fact, ``age.requirement_met``.

The date itself is used only in this function's frame; it never appears in a
signal, a log line or an exception message.
"""

from __future__ import annotations

from datetime import date

from screening.core.checks import CheckResult, Signal

MAX_PLAUSIBLE_AGE = 130

SIGNALS: tuple[Signal, ...] = (
    Signal("age.provided", "bool", "A date of birth was submitted (it is optional).", False),
    Signal(
        "age.valid",
        "bool",
        "The date of birth is a real calendar date (YYYY-MM-DD), not in the future, and gives "
        f"an age of at most {MAX_PLAUSIBLE_AGE}. False when not provided.",
        False,
    ),
    Signal(
        "age.requirement_met",
        "bool",
        "A valid date of birth was given and the person has reached the policy's minimum age. "
        "False when not provided or invalid: combine with age.provided in rules.",
        False,
    ),
)


def age_in_years(born: date, today: date) -> int:
    """Return completed years between ``born`` and ``today`` (29 Feb birthdays roll to 1 Mar)."""
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


def check_age(date_of_birth: str | None, *, minimum_age: int | None, today: date) -> CheckResult:
    """Check a submitted date of birth against the minimum age.

    Args:
        date_of_birth: ``YYYY-MM-DD`` or None; whitespace around it is ignored.
        minimum_age: the policy's minimum age in years (None: no requirement, met if valid).
        today: the date to compute the age at (UTC date of the screening).
    """
    text = (date_of_birth or "").strip()
    if not text:
        return CheckResult(None, {s.name: s.default for s in SIGNALS})
    try:
        born = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        born = None
    age = age_in_years(born, today) if born else -1
    valid = born is not None and born <= today and age <= MAX_PLAUSIBLE_AGE
    met = valid and (minimum_age is None or age >= minimum_age)
    return CheckResult(None, {"age.provided": True, "age.valid": valid, "age.requirement_met": met})
