"""What the customer reads when the score alone holds a signup: plain words per feature.

Each model feature that can raise the risk has a field and a sentence the person can act
on. No threshold, weight, score or value ever appears: the sentence names what to check.
Features without an entry (ordinary traits that may lower the risk) are never given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from screening.core.rules.ruleset import Reason

CODE = "risk_assessment"
MAX_REASONS = 2

_NAME = "name", "Please check that your first and last name are written as on official documents."
_EMAIL = "email", "Please check your email address; we could not confirm it."
_PHONE = "phone", "Please check your phone number; we could not confirm that it is in use."
_ADDRESS = "address", "Please check your postal address; parts of it could not be confirmed."
_MANY = "signup", "Several accounts were recently requested with very similar details."

# feature -> (field, message)
CUSTOMER_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "name.implausibility": _NAME,
        "name.missing": ("name", "Please enter both your first and last name."),
        "name.mixed_script": ("name", "Your name mixes letters from different alphabets. "
                              "Please type it again."),
        "name.confusable": ("name", "Your name mixes letters from different alphabets. "
                            "Please type it again."),
        "name.has_digits": ("name", "Names cannot contain digits."),
        "name.has_symbols": ("name", "Your name contains characters that names do not "
                             "usually have."),
        "name.repeated_chars": _NAME,
        "name.keyboard_run": _NAME,
        "name.latin_shape": _NAME,
        "name.placeholder": ("name", "Please enter your real first and last name."),
        "name.no_letters": ("name", "Please enter your real first and last name."),
        "email.invalid": ("email", "Please check your email address; it does not look "
                          "complete."),
        "email.disposable": ("email", "Please use a permanent email address."),
        "email.role_account": ("email", "Please use a personal email address rather than a "
                               "shared mailbox."),
        "email.typo_domain": ("email", "The domain of your email address looks misspelled. "
                              "Please check it."),
        "email.local_random": _EMAIL,
        "email.local_digits": _EMAIL,
        "email.provider_unusual": _EMAIL,
        "email.privacy_relay": ("email", "Your email address forwards to another mailbox."),
        "phone.missing": ("phone", "Please enter a phone number where we can reach you."),
        "phone.invalid": _PHONE,
        "phone.impossible": _PHONE,
        "phone.fake_pattern": _PHONE,
        "phone.voip": ("phone", "Please enter a personal mobile or landline number."),
        "phone.premium": ("phone", "Please enter a personal mobile or landline number."),
        "phone.special_line": ("phone", "Please enter a personal mobile or landline number."),
        "phone.region_unusual": ("phone", "Please check your phone number and its country "
                                 "code."),
        "contact.both_unusual": ("signup", "Please check that your email address, phone "
                                 "number and address are your own."),
        "contact.random_email_with_voip": ("signup", "We could not verify your contact "
                                           "details."),
        "address.country_unknown": ("address", "Please choose your country from the list."),
        "address.incomplete": ("address", "Your address is incomplete. Please add the street "
                               "and city."),
        "address.postal_code_invalid": ("address", "Please check your postal code."),
        "address.postal_code_region_mismatch": ("address", "Your postal code does not belong "
                                                "to the region you entered."),
        "address.region_invalid": ("address", "Please check the region or state in your "
                                   "address."),
        "address.placeholder": ("address", "Please enter your real postal address."),
        "address.po_box": ("address", "Please give a street address rather than a post "
                           "office box."),
        "address.line1_no_number": _ADDRESS,
        "age.invalid": ("date_of_birth", "Please check your date of birth."),
        "age.below_minimum": ("date_of_birth", "You must have reached the minimum age to "
                              "open an account."),
        "velocity.mailbox_variants": _MANY,
        "velocity.phone_neighbours": _MANY,
        "velocity.name_postcode_variants": _MANY,
        "velocity.street_neighbours": _MANY,
    }
)  # fmt: skip


def customer_reasons(contributions: Sequence[Mapping[str, Any]]) -> tuple[Reason, ...]:
    """Return up to two plain reasons for the strongest contributions that raise the risk.

    ``contributions`` are a scorer's explanation (largest first, as
    :meth:`screening.core.model.scoring.RiskScorer.explain` gives them).
    """
    out: list[Reason] = []
    seen: set[tuple[str, str]] = set()
    for item in contributions:
        if item.get("effect") != "raises":
            continue
        words = CUSTOMER_WORDS.get(str(item.get("feature")))
        if words is None or words in seen:
            continue
        seen.add(words)
        out.append(Reason(CODE, words[0], words[1]))
        if len(out) == MAX_REASONS:
            break
    return tuple(out)
