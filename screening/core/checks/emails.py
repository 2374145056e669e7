"""Check a submitted email address: syntax, kind of domain, typos and how the mailbox looks.

Syntax and normalisation come from ``email-validator`` (offline, no deliverability check);
domain tables live in :mod:`screening.core.checks.email_domains`, local-part heuristics in
:mod:`screening.core.checks.email_local` and the optional DNS check in
:mod:`screening.core.checks.email_dns`. No signal carries the mailbox name itself.
"""

from __future__ import annotations

import re

from email_validator import validate_email

from screening.core.checks import CheckResult, Signal, SignalValue
from screening.core.checks.email_dns import DomainResolver
from screening.core.checks.email_domains import classify
from screening.core.checks.email_local import (
    fold,
    is_role_account,
    name_similarity,
    randomness,
    split_tag,
)

__all__ = ["SIGNALS", "DomainResolver", "check_email"]

# local_random at or above this counts as "high": every random test string (mixed letters
# and digits, hex, keyboard runs) scores >= 0.9, while ordinary name-based forms stay
# below 0.5, so 0.7 leaves a margin on both sides.
RANDOM_HIGH_THRESHOLD = 0.7
# Nothing longer can be a valid address (RFC 5321 limits a path to 256 octets); skipping
# the parser for it keeps hostile input cheap.
_MAX_INPUT_LEN = 320
_ASCII_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")

SIGNALS: tuple[Signal, ...] = (
    Signal("email.valid_syntax", "bool",
           "True if the trimmed address is syntactically valid (international addresses "
           "allowed; no DNS check).", False),
    Signal("email.domain", "string",
           "Lower-case ASCII (IDNA) domain after the last @, \"\" if none can be parsed; "
           "also filled when the local part is invalid.", ""),
    Signal("email.disposable", "bool",
           "True if the domain or a parent domain is on a maintained disposable-domain list "
           "(throwaway inboxes such as mailinator.com; see email.disposable_lists), unless it "
           "is an allow-listed real provider or a typo of one (then email.domain_typo).", False),
    Signal("email.disposable_lists", "list<string>",
           "The maintained lists that name the domain as disposable, sorted: "
           "\"disposable-email-detector\", \"disposable-email-domains\", \"is-burner-email\" "
           "([] when none does).", []),
    Signal("email.domain_provider_shaped", "bool",
           "True if the domain reads like a mail service (mail, inbox, temp, trash... in its "
           "name) but no known provider or relay owns it and no list names it: a possible new "
           "throwaway service. Weak evidence; offline.", False),
    Signal("email.privacy_relay", "bool",
           "True if the domain is a forwarding/alias service (Apple Hide My Email, "
           "duck.com, Firefox Relay, SimpleLogin, addy.io, ...); a legitimate privacy "
           "choice, informational.", False),
    Signal("email.free_provider", "bool",
           "True if the domain is a consumer mailbox provider anyone can sign up for "
           "(webmail or ISP, free or paid), not an employer's or own domain.", False),
    Signal("email.role_account", "bool",
           "True if the local part without +tag and ./-/_ is a shared role mailbox "
           "(info, admin, support, sales, noreply, ...).", False),
    Signal("email.domain_typo", "bool",
           "True if the domain is not a known one but looks like a mistyped or look-alike "
           "popular provider domain (gmial.com, gmail.con, hotmail.co); never counted as "
           "disposable. The provider meant is email.typo_suggestion.", False),
    Signal("email.typo_domain", "bool",
           "The same as email.domain_typo (the earlier name, kept for existing rule sets).",
           False),
    Signal("email.typo_suggestion", "string",
           "The provider domain the address probably meant when email.domain_typo is true "
           "(gmail.com for gmial.com), else \"\".", ""),
    Signal("email.local_random", "float",
           "0..1 how machine-generated the local part (without +tag) looks: letter/digit "
           "alternation, unlikely letter sequences, hex or keyboard runs.", 0.0),
    Signal("email.local_random_high", "bool",
           "True if email.local_random >= 0.7.", False),
    Signal("email.local_digits", "int",
           "Number of digits in the local part, +tag excluded.", 0),
    Signal("email.local_length", "int",
           "Number of characters in the local part, +tag excluded.", 0),
    Signal("email.has_plus_tag", "bool",
           "True if the local part has a +tag (name+shop@...).", False),
    Signal("email.name_match", "bool",
           "True if email.name_similarity >= 0.8: a first or last name part (transliterated"
           ", two letters or more) appears in the local part.", False),
    Signal("email.name_similarity", "float",
           "0..1 largest share of one of the person's name parts found as one piece in "
           "the local part (transliterated); 0.0 when no name was given.", 0.0),
    Signal("email.domain_resolves", "string",
           "\"yes\" if the domain has mail (MX) or address records (known providers: "
           "without lookup), \"no\" if it does not exist or takes no mail, \"unknown\" "
           "without DNS checking (default), for invalid addresses, or on failure/timeout.",
           "unknown"),
    Signal("email.uppercase", "bool",
           "True if the submitted address had upper-case letters (normal; informational).",
           False),
    Signal("email.non_ascii", "bool",
           "True if the address has non-ASCII characters (international local part or "
           "domain).", False),
)  # fmt: skip

_NAME_MATCH_THRESHOLD = 0.8


def _parse(text: str) -> tuple[bool, str, str, str, str]:
    """Return (valid, normalized, local, ASCII domain, Unicode domain) for trimmed text."""
    if not text or len(text) > _MAX_INPUT_LEN:
        return False, text, "", "", ""
    try:
        parsed = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except Exception:  # EmailNotValidError, or anything unexpected: both mean "not valid"
        parsed = None
    if parsed is not None:
        return True, parsed.normalized, parsed.local_part, parsed.ascii_domain, parsed.domain
    local, at, domain = text.rpartition("@")
    if not at:
        return False, text, "", "", ""
    domain = domain.strip().lower()
    if len(domain) > 253 or not _ASCII_HOSTNAME.fullmatch(domain):
        domain = ""
    return False, text, local, domain, domain


def check_email(
    email: str,
    *,
    first_name: str = "",
    last_name: str = "",
    resolver: DomainResolver | None = None,
) -> CheckResult:
    """Check one email address and return its normalised form and signals.

    Args:
        email: The address as submitted; surrounding whitespace is ignored.
        first_name: The person's first name(s), any script, for ``email.name_match``.
        last_name: The person's last name(s), any script.
        resolver: Optional DNS checker; without it ``email.domain_resolves`` is "unknown".

    Returns:
        ``normalized`` is email-validator's normalised address (domain lower-cased, local
        part kept) when valid, else the trimmed input as given; ``suggestion`` is the
        provider domain a mistyped domain probably meant ("gmail.com"), else "".
    """
    text = email.strip() if isinstance(email, str) else ""
    valid, normalized, local, domain, domain_unicode = _parse(text)

    base, has_tag = split_tag(local)
    folded = fold(base)
    info = classify(domain, domain_unicode)
    local_random = randomness(folded, domain)
    first = first_name if isinstance(first_name, str) else ""
    last = last_name if isinstance(last_name, str) else ""
    similarity = name_similarity(folded, first, last) if first or last else 0.0

    resolves = "unknown"
    if valid and resolver is not None:
        # Known providers certainly take mail; skip the network for them.
        known = info.free_provider or info.privacy_relay
        resolves = "yes" if known else resolver.resolves(domain)

    signals: dict[str, SignalValue] = {
        "email.valid_syntax": valid,
        "email.domain": domain,
        "email.disposable": info.disposable,
        "email.disposable_lists": sorted(info.disposable_lists),
        "email.domain_provider_shaped": info.provider_shaped,
        "email.privacy_relay": info.privacy_relay,
        "email.free_provider": info.free_provider,
        "email.role_account": is_role_account(folded),
        "email.domain_typo": bool(info.typo_suggestion),
        "email.typo_domain": bool(info.typo_suggestion),
        "email.typo_suggestion": info.typo_suggestion,
        "email.local_random": local_random,
        "email.local_random_high": local_random >= RANDOM_HIGH_THRESHOLD,
        "email.local_digits": sum(map(str.isdecimal, base)),
        "email.local_length": len(base),
        "email.has_plus_tag": has_tag,
        "email.name_match": similarity >= _NAME_MATCH_THRESHOLD,
        "email.name_similarity": similarity,
        "email.domain_resolves": resolves,
        "email.uppercase": text != text.lower(),
        "email.non_ascii": not text.isascii(),
    }
    return CheckResult(normalized=normalized, signals=signals, suggestion=info.typo_suggestion)
