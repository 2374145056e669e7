"""The privacy policy as code: load and validate it, and minimise submissions to it.

The policy file (YAML) is the one place that says which fields are kept, why,
on what lawful basis and for how long. :func:`load_policy` refuses a file that
is not coherent, naming the offending key; :meth:`Policy.minimise` is the only
code that decides what of a submission is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from screening.core.vocabulary import OUTCOMES
from screening.errors import PolicyError

Storage = Literal["stored", "transient"]

_TOP_KEYS = {
    "version",
    "controller",
    "purposes",
    "lawful_bases",
    "fields",
    "retention",
    "minimum_age",
    "recipients",
    "transfers",
    "rights",
    "erasure_condition",
    "breach",
    "human_review",
    "hold_deadline",
    "notifications",
}
_REQUIRED_TOP = {
    "version",
    "controller",
    "purposes",
    "lawful_bases",
    "fields",
    "retention",
    "breach",
    "hold_deadline",
}
_FIELD_KEYS = {
    "category",
    "storage",
    "purposes",
    "lawful_basis",
    "lawful_basis_assumption",
    "policy_text",
    "note",
    "subfields",
    "derived",
}
_DERIVED_FACTS = {"age.requirement_met"}


@dataclass(frozen=True)
class FieldSpec:
    """One field the policy lists."""

    name: str
    category: str
    storage: Storage
    purposes: tuple[str, ...]
    lawful_basis: str
    policy_text: str
    subfields: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    note: str = ""
    lawful_basis_assumption: bool = False


@dataclass(frozen=True)
class Minimised:
    """A submission split by the policy: what is kept, used in memory, or dropped."""

    kept: dict[str, Any]
    transient: dict[str, Any]
    discarded: list[str]


@dataclass(frozen=True)
class Policy:
    """A validated policy; build it with :func:`load_policy`."""

    raw: Mapping[str, Any]
    fields: Mapping[str, FieldSpec]
    retention_days: Mapping[str, int]
    minimum_age: int | None
    breach_deadline_hours: int
    review_fields: tuple[str, ...]
    hold_working_days: int
    fingerprint: str

    @property
    def version(self) -> str:
        return str(self.raw["version"])

    @property
    def stored_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fields.items() if f.storage == "stored")

    @property
    def transient_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fields.items() if f.storage == "transient")

    @property
    def derived_facts(self) -> tuple[str, ...]:
        return tuple(d for f in self.fields.values() for d in f.derived)

    def stored_paths(self) -> set[str]:
        """Return every dotted path the policy allows to be stored (``address.city``...)."""
        paths: set[str] = set()
        for name, spec in self.fields.items():
            if spec.storage != "stored":
                continue
            if spec.subfields:
                paths.update(f"{name}.{sub}" for sub in spec.subfields)
            else:
                paths.add(name)
        return paths

    def minimise(self, payload: Mapping[str, Any]) -> Minimised:
        """Split a submission into kept, transient and discarded parts.

        Unknown keys, nested keys included, are dropped; ``discarded`` names
        them as dotted paths (never their values). Values are passed through
        untouched: type checks belong to the request model.
        """
        kept: dict[str, Any] = {}
        transient: dict[str, Any] = {}
        discarded: list[str] = []
        for key, value in payload.items():
            spec = self.fields.get(key)
            if spec is None:
                discarded.append(str(key))
                continue
            if spec.subfields and isinstance(value, Mapping):
                inner = {}
                for sub_key, sub_value in value.items():
                    if sub_key in spec.subfields:
                        inner[sub_key] = sub_value
                    else:
                        discarded.append(f"{key}.{sub_key}")
                value = inner
            (kept if spec.storage == "stored" else transient)[key] = value
        return Minimised(kept=kept, transient=transient, discarded=sorted(discarded))

    def to_json(self) -> dict[str, Any]:
        """Return the policy as served by ``GET /v1/policy``."""
        return {**dict(self.raw), "fingerprint": self.fingerprint}


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file.

    Raises:
        PolicyError: the file is missing, not YAML, or not coherent; the
            message names the offending key or field.
    """
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"policy file {path} cannot be read: {exc.strerror}") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy file {path} is not valid YAML: {exc}") from exc
    return parse_policy(raw, fingerprint=hashlib.sha256(text).hexdigest(), source=str(path))


def parse_policy(raw: Any, *, fingerprint: str = "", source: str = "policy") -> Policy:
    """Validate an already parsed policy document; see :func:`load_policy`."""

    def fail(where: str, problem: str) -> PolicyError:
        return PolicyError(f"{source}: {where}: {problem}")

    if not isinstance(raw, Mapping):
        raise fail("document", "must be a mapping")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], "unknown key")
    missing = _REQUIRED_TOP - set(raw)
    if missing:
        raise fail(sorted(missing)[0], "required key is missing")
    purposes = raw["purposes"]
    bases = raw["lawful_bases"]
    if not isinstance(purposes, Mapping) or not purposes:
        raise fail("purposes", "must be a non-empty mapping")
    if not isinstance(bases, Mapping) or not bases:
        raise fail("lawful_bases", "must be a non-empty mapping")
    for name, purpose in purposes.items():
        if not isinstance(purpose, Mapping) or not purpose.get("description"):
            raise fail(f"purposes.{name}", "needs a description")
    if not isinstance(raw["fields"], Mapping) or not raw["fields"]:
        raise fail("fields", "must be a non-empty mapping")

    fields = {
        str(name): _parse_field(str(name), spec, purposes, bases, fail)
        for name, spec in raw["fields"].items()
    }
    retention = _parse_retention(raw["retention"], fail)
    minimum_age = _parse_minimum_age(raw.get("minimum_age"), fields, fail)
    review_fields = _parse_human_review(raw.get("human_review"), purposes, bases, fail)
    hold_working_days = _parse_hold_deadline(raw["hold_deadline"], fail)
    notify = raw.get("notifications")
    if notify is not None:
        if not isinstance(notify, Mapping) or notify.get("field") not in fields:
            raise fail("notifications.field", "must name a stored field")
        for purpose in notify.get("purposes") or []:
            if purpose not in purposes:
                raise fail("notifications.purposes", f"unknown purpose {purpose!r}")
    breach = raw["breach"]
    if not isinstance(breach, Mapping) or not breach.get("authority"):
        raise fail("breach.authority", "is required")
    hours = breach.get("deadline_hours")
    if not isinstance(hours, int) or isinstance(hours, bool) or hours <= 0:
        raise fail("breach.deadline_hours", "must be a positive whole number of hours")
    return Policy(
        raw=raw,
        fields=fields,
        retention_days=retention,
        minimum_age=minimum_age,
        breach_deadline_hours=hours,
        review_fields=review_fields,
        hold_working_days=hold_working_days,
        fingerprint=fingerprint or hashlib.sha256(repr(raw).encode()).hexdigest(),
    )


def _parse_field(name: str, spec: Any, purposes: Mapping, bases: Mapping, fail: Any) -> FieldSpec:
    where = f"fields.{name}"
    if not isinstance(spec, Mapping):
        raise fail(where, "must be a mapping")
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise fail(f"{where}.{sorted(unknown)[0]}", "unknown key")
    storage = spec.get("storage")
    if isinstance(storage, list):
        raise fail(where, "a field is either stored or transient, not both")
    if storage not in ("stored", "transient"):
        raise fail(f"{where}.storage", "must be 'stored' or 'transient'")
    field_purposes = spec.get("purposes")
    if not isinstance(field_purposes, list) or not field_purposes:
        raise fail(where, "has no purpose: list at least one under 'purposes'")
    for purpose in field_purposes:
        if purpose not in purposes:
            raise fail(f"{where}.purposes", f"unknown purpose {purpose!r}")
    basis = spec.get("lawful_basis")
    if basis not in bases:
        raise fail(f"{where}.lawful_basis", "must name one of 'lawful_bases'")
    if not spec.get("category"):
        raise fail(f"{where}.category", "is required")
    derived = spec.get("derived") or []
    if derived and storage != "transient":
        raise fail(f"{where}.derived", "only a transient field can have derived facts")
    for fact in derived:
        if fact not in _DERIVED_FACTS:
            raise fail(f"{where}.derived", f"unknown derived fact {fact!r}")
    subfields = spec.get("subfields") or []
    if not isinstance(subfields, list) or not all(isinstance(s, str) and s for s in subfields):
        raise fail(f"{where}.subfields", "must be a list of names")
    return FieldSpec(
        name=name,
        category=str(spec["category"]),
        storage=storage,
        purposes=tuple(field_purposes),
        lawful_basis=str(basis),
        policy_text=str(spec.get("policy_text", "")),
        subfields=tuple(subfields),
        derived=tuple(derived),
        note=str(spec.get("note", "")),
        lawful_basis_assumption=bool(spec.get("lawful_basis_assumption", False)),
    )


def _parse_human_review(raw: Any, purposes: Mapping, bases: Mapping, fail: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or set(raw) - {"purposes", "lawful_basis", "fields"}:
        raise fail("human_review", "needs only purposes, lawful_basis and fields")
    for purpose in raw.get("purposes") or []:
        if purpose not in purposes:
            raise fail("human_review.purposes", f"unknown purpose {purpose!r}")
    if not raw.get("purposes"):
        raise fail("human_review", "has no purpose: list at least one under 'purposes'")
    if raw.get("lawful_basis") not in bases:
        raise fail("human_review.lawful_basis", "must name one of 'lawful_bases'")
    fields = raw.get("fields")
    if not isinstance(fields, Mapping) or not fields:
        raise fail("human_review.fields", "must map each field to its description")
    return tuple(str(f) for f in fields)


def _parse_hold_deadline(raw: Any, fail: Any) -> int:
    """Return the working days within which a person decides on a held signup."""
    if not isinstance(raw, Mapping) or set(raw) - {"working_days", "assumption", "note"}:
        raise fail("hold_deadline", "needs working_days (and optionally assumption, note)")
    days = _positive_int(raw.get("working_days"), "hold_deadline.working_days", fail)
    if days > 30:
        raise fail("hold_deadline.working_days", "must be at most 30 (Art. 12(3) allows a month)")
    return days


def _positive_int(value: Any, where: str, fail: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise fail(where, "must be a positive whole number")
    return value


def _parse_retention(raw: Any, fail: Any) -> dict[str, int]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("days"), Mapping):
        raise fail("retention.days", "must map each outcome to a number of days")
    days = raw["days"]
    for outcome in days:
        if outcome not in OUTCOMES:
            raise fail(f"retention.days.{outcome}", "unknown outcome")
    return {o: _positive_int(days.get(o), f"retention.days.{o}", fail) for o in OUTCOMES}


def _parse_minimum_age(raw: Any, fields: Mapping[str, FieldSpec], fail: Any) -> int | None:
    uses_age = any("age.requirement_met" in f.derived for f in fields.values())
    if raw is None:
        if uses_age:
            raise fail("minimum_age", "is required while a field derives age.requirement_met")
        return None
    if not isinstance(raw, Mapping):
        raise fail("minimum_age", "must be a mapping with 'years'")
    years = _positive_int(raw.get("years"), "minimum_age.years", fail)
    if years > 100:
        raise fail("minimum_age.years", "must be at most 100")
    return years
