"""Every text a customer reads, in English: the source of the message catalogues.

``pybabel extract`` (see babel.cfg and CONTRIBUTING.md) collects these into
``screening/core/i18n/locales/messages.pot``; the Dutch, French and German
catalogues beside it translate them. Reasons are keyed by their stable ``code``
(the gettext context), so an analyst rewording a rule's English ``message``
never changes what a customer reads, and a new code without a translation fails
the test suite.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translated later, where the language is known."""
    return message


def R_(code: str, message: str) -> tuple[str, str]:
    """Mark the customer text of reason ``code`` (extracted with ``code`` as its context)."""
    return code, message


# Reason code -> the customer's message (English). Analysts keep each rule's own
# English ``message`` and detail; customers read these.
REASONS: Mapping[str, str] = dict(
    (
        R_("listed", "We cannot open an account with these details. Please contact support."),
        R_("allow_listed", "Your registration is approved."),
        R_("name_placeholder", "Please enter your real first and last name."),
        R_("name_missing", "Please enter both your first and last name."),
        R_(
            "name_implausible",
            "We could not verify your name. Please enter it as it appears on your "
            "identity document.",
        ),
        R_(
            "name_invalid_characters",
            "Your name contains characters that names do not usually have.",
        ),
        R_(
            "name_mixed_scripts",
            "Your name mixes letters from different alphabets. Please type it again.",
        ),
        R_("name_repeated", "Your first and last name are the same. Please check them."),
        R_("email_invalid", "Please check your email address; it does not look complete."),
        R_(
            "email_disposable",
            "Please use a permanent email address; temporary mailboxes cannot be used to "
            "open an account.",
        ),
        R_(
            "email_domain_typo",
            "The domain of your email address looks misspelled. Please check it.",
        ),
        R_(
            "email_role_account",
            "Please use a personal email address rather than a shared mailbox.",
        ),
        R_("email_unverifiable", "We could not verify your email address."),
        R_(
            "contact_unverifiable",
            "We could not verify your contact details. A member of our team will review "
            "your registration.",
        ),
        R_("email_relay", "Your email address forwards to another mailbox."),
        R_(
            "phone_invalid",
            "Please check your phone number; it does not look like a number in use.",
        ),
        R_("phone_missing", "Please enter a phone number where we can reach you."),
        R_(
            "phone_not_real", "Please check your phone number and enter one where we can reach you."
        ),
        R_("phone_line_type", "Please enter a personal mobile or landline number."),
        R_("phone_country_differs", "Your phone number is from another country than your address."),
        R_("address_country_invalid", "Please choose your country from the list."),
        R_("address_placeholder", "Please enter your real postal address."),
        R_("address_incomplete", "Your address is incomplete. Please add the street and city."),
        R_(
            "address_postal_code_invalid",
            "Please check your postal code; it does not match your country's format.",
        ),
        R_("address_region_invalid", "Please check the region or province in your address."),
        R_("address_inconsistent", "Your postal code does not belong to the region you entered."),
        R_("address_po_box", "Please give a street address rather than a post office box."),
        R_("date_of_birth_invalid", "Please check your date of birth."),
        R_("age_below_minimum", "You must have reached the minimum age to open an account."),
        R_(
            "identity_inconsistent",
            "The details you entered do not fit together. Please check them.",
        ),
        R_(
            "signup_velocity",
            "Several accounts were recently requested with very similar details.",
        ),
        R_(
            "risk_assessment",
            "We could not approve this registration automatically on the basis of the "
            "details you gave.",
        ),
    )
)

# What would change the outcome, by the field to correct and the outcome it would give.
# Plain words only: never a score, a threshold or a rule.
CHANGES: Mapping[tuple[str, str], str] = {
    ("name", "approve"): N_(
        "Your name as it appears on your identity document would have let us approve "
        "this automatically."
    ),
    ("name", "review"): N_(
        "Your name as it appears on your identity document would have let a member of our "
        "team look at your registration instead of it being declined."
    ),
    ("email", "approve"): N_(
        "A permanent, personal email address would have let us approve this automatically."
    ),
    ("email", "review"): N_(
        "A permanent, personal email address would have let a member of our team look at "
        "your registration instead of it being declined."
    ),
    ("phone", "approve"): N_("A valid phone number would have let us approve this automatically."),
    ("phone", "review"): N_(
        "A valid phone number would have let a member of our team look at your "
        "registration instead of it being declined."
    ),
    ("phone_country", "approve"): N_(
        "A phone number valid for {country} would have let us approve this automatically."
    ),
    ("phone_country", "review"): N_(
        "A phone number valid for {country} would have let a member of our team look at "
        "your registration instead of it being declined."
    ),
    ("address", "approve"): N_(
        "A complete postal address would have let us approve this automatically."
    ),
    ("address", "review"): N_(
        "A complete postal address would have let a member of our team look at your "
        "registration instead of it being declined."
    ),
}

# The notices of the outbox: (subject, body) by kind; ``{placeholders}`` are filled in.
NOTICES: Mapping[str, tuple[str, str]] = {
    "review_received": (
        N_("We received your request for a human review"),
        N_(
            "We received your request for a person to review our decision {decision_id}.\n"
            "A member of our team will look at it and reply by {due_by} at the latest.\n"
        ),
    ),
    "review_resolved": (
        N_("Your review has been decided"),
        N_(
            "A member of our team has reviewed decision {decision_id}.\n"
            "Their decision: {outcome_text}.\n"
            "You can read it with the link and token you received at registration.\n"
        ),
    ),
    "breach_notice": (
        N_("Important: a security incident concerning your data"),
        N_(
            "We are writing to tell you about a security incident that may concern your "
            "data.\n\n{details}\n"
        ),
    ),
}
OUTCOME_TEXT: Mapping[str, str] = {
    "approve": N_("your registration is approved"),
    "decline": N_("your registration is declined"),
}

# The frame of a breach notice; what happened and the measures are the register's own text.
BREACH_LINES: Mapping[str, str] = {
    "reference": N_("Reference: {reference}. Detected on {detected_at}."),
    "nature": N_("What happened: {nature}"),
    "categories": N_("Data concerned: {categories}."),
    "measures": N_("What we are doing about it: {measures}"),
    "investigating": N_("we are investigating the incident."),
    "questions": N_("Questions: contact our {dpo}."),
}

# The fields a customer gave, as they are named to them.
FIELD_LABELS: Mapping[str, str] = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "name": N_("name"),
    "email": N_("email address"),
    "phone": N_("phone number"),
    "address": N_("postal address"),
    "external_ref": N_("customer number"),
    "language": N_("language"),
    "date_of_birth": N_("date of birth"),
    "statement": N_("your statement"),
    "corrections": N_("your corrections"),
    "resolution_note": N_("our reviewer's note"),
}
# Why each field is used, by the policy's purpose id (the policy's own text is the fallback).
PURPOSES: Mapping[str, str] = {
    "fraud_prevention": N_(
        "Detect fraudulent registrations by analysing names and addresses for invalid values."
    ),
    "account": N_("Associate the email address with the account for signing in and notifications."),
    "emergency_contact": N_("Contact you in the absolute event of an emergency."),
    "age_verification": N_("Make sure that your age is above the minimum requirement."),
    "rights_requests": N_(
        "Link a screening decision to your account so that access, erasure and other "
        "rights requests can find it."
    ),
    "human_review": N_("Let you contest an automated decision and obtain a human review of it."),
    "notifications": N_(
        "Tell you that your review request was received and how it was resolved, and about "
        "data breaches that concern you."
    ),
    "communication_language": N_(
        "Write what you read (reasons, this page, notices) in the language you chose."
    ),
}
