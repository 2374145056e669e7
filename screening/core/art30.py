"""Render the GDPR Art. 30 record of processing activities from the policy file."""

from __future__ import annotations

from screening.core.policy import Policy


def render_record(policy: Policy) -> str:
    """Return the record of processing as Markdown, generated only from ``policy``."""
    raw = policy.raw
    controller = raw["controller"]
    dpo = controller.get("dpo", {}) or {}
    purposes = raw["purposes"]
    bases = raw["lawful_bases"]
    lines = [
        f"# Record of processing activities (GDPR Art. 30): {controller.get('name', '')}",
        "",
        f"Policy version {policy.version} (sha256 {policy.fingerprint[:16]}).",
        "",
        "## Controller and Data Protection Officer",
        "",
        f"- Controller: {controller.get('name', '')}, {controller.get('address', '')}",
        f"- DPO: {dpo.get('title', 'Data Protection Officer')}, "
        f"{dpo.get('email') or '(e-mail to be filled in by the operator)'}, "
        f"{dpo.get('address', '')}",
        "",
        "## Purposes of the processing",
        "",
    ]
    for name, purpose in purposes.items():
        lines.append(f"- **{name}**: {purpose['description']}")
    lines += [
        "",
        "## Categories of personal data",
        "",
        "| field | category | storage | purposes | lawful basis |",
        "|---|---|---|---|---|",
    ]
    for spec in policy.fields.values():
        basis = bases[spec.lawful_basis]["article"]
        if spec.lawful_basis_assumption:
            basis += " (assumption)"
        storage: str = spec.storage
        if spec.derived:
            storage += f" (only {', '.join(spec.derived)} is kept)"
        lines.append(
            f"| {spec.name} | {spec.category} | {storage} | {', '.join(spec.purposes)} | {basis} |"
        )
    lines += [
        "",
        "## Categories of data subjects",
        "",
        "- People who register an account (signup applicants).",
        "",
        "## Recipients",
        "",
    ]
    lines += [f"- {r}" for r in raw.get("recipients", [])]
    lines += [
        "",
        "## Transfers to third countries",
        "",
        f"- {raw.get('transfers', 'None')}",
        "",
        "## Retention",
        "",
    ]
    retention = raw["retention"]
    for outcome, days in policy.retention_days.items():
        lines.append(
            f"- Decisions with outcome `{outcome}`: raw fields kept {days} days, "
            "then scrubbed; non-identifying signals kept."
        )
    if retention.get("assumption"):
        lines.append(f"- Note: {retention.get('note', 'assumption to confirm')}")
    lines += [
        "",
        "## Security measures",
        "",
        "- Identifiers used for matching are keyed HMAC-SHA256 pseudonyms.",
        "- Fields outside the policy are discarded at intake and never stored or logged.",
        "- Decision records are append-only and hash-chained (tamper-evident).",
        "",
        "## Data-subject rights",
        "",
    ]
    lines += [f"- {r}" for r in raw.get("rights", [])]
    if raw.get("erasure_condition"):
        lines.append(f"- Erasure condition: {raw['erasure_condition']}")
    breach = raw["breach"]
    lines += [
        "",
        "## Breach notification",
        "",
        f"- Authority: {breach['authority']}",
        f"- Deadline: {breach['deadline_hours']} hours after detection",
        "",
    ]
    return "\n".join(lines)
