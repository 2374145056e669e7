"""Rule sets: parse, validate, compile (CEL) once, evaluate against one context per request.

A rule set is ``{"version"?, "thresholds": {"review", "decline"}, "rules": [...]}``;
each rule is ``{"id", "when", "action", "reason", "mode"?, "description"?}``.
Analysts write ``when`` over dotted signal names (``email.disposable``). At
compile time those paths are rewritten to flat CEL identifiers
(``email__disposable``): building a CEL context of flat scalars costs a few
microseconds, a context of nested maps a few hundred. A rule set that does not
parse, names an unknown signal or yields a non-boolean never loads.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any, Literal

import cel
import yaml

from screening.core import evidence
from screening.core.checks import SignalValue
from screening.core.signals import CATALOGUE, GROUPS, defaults
from screening.errors import RuleSetError

ActionKind = Literal["decline", "review", "allow", "score"]
Mode = Literal["active", "shadow"]

_RULE_KEYS = {"id", "when", "action", "reason", "mode", "description"}
_REASON_KEYS = {"code", "field", "message"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.]{0,63}$")
REASON_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "address",
    "date_of_birth",
    "signup",
)
_KEYWORDS = {"true", "false", "null", "in"}
_MACRO_VAR = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_TOKENS = re.compile(
    r"""(?P<str>(?:[rR][bB]?|[bB][rR]?)?(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))"""
    r"""|(?P<path>(?<![\w.])([A-Za-z_]\w*)(?:\s*\.\s*([A-Za-z_]\w*))?)(?P<call>\s*\()?"""
)
MAX_RULES = 500
MAX_EXPRESSION = 2000


def flat_name(signal: str) -> str:
    """Return the CEL identifier a dotted signal name compiles to."""
    return signal.replace(".", "__")


@dataclass(frozen=True)
class Reason:
    code: str
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Rule:
    """One compiled rule."""

    id: str
    when: str
    kind: ActionKind
    weight: float
    reason: Reason
    mode: Mode
    description: str
    signals: tuple[str, ...]
    program: Any = field(repr=False, compare=False)
    # ``when`` with each signal path replaced by a marker (see ``_fill``).
    template: str = field(default="", repr=False, compare=False)

    @property
    def action(self) -> str | dict[str, float]:
        return {"score": self.weight} if self.kind == "score" else self.kind

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "when": self.when,
            "action": self.action,
            "reason": self.reason.to_dict(),
            "mode": self.mode,
        }
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class Hit:
    """A rule that fired (or errored) on one signup."""

    rule_id: str
    kind: ActionKind
    weight: float
    mode: Mode
    reason: Reason
    # False for a decline rule that reads only name, address or typo signals
    # (:data:`screening.core.evidence.WEAK_SIGNALS`): it reviews instead of declining.
    decisive: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "action": self.kind,
            "weight": self.weight,
            "mode": self.mode,
            "reason": self.reason.to_dict(),
        }


@dataclass(frozen=True)
class Evaluation:
    """Every rule's result for one signup."""

    results: dict[str, bool | None]  # rule id -> fired; None when it errored
    hits: tuple[Hit, ...]
    errors: dict[str, str]
    # True when the signup carries strong evidence (screening.core.evidence.STRONG_EVIDENCE):
    # only then may the score alone decline it.
    strong: bool = False


@dataclass(frozen=True)
class RuleSet:
    """A validated, compiled rule set; build it with :func:`parse_rule_set`."""

    version: str
    thresholds: Mapping[str, float]
    rules: tuple[Rule, ...]
    digest: str
    warnings: tuple[dict[str, str], ...] = ()
    # Every rule in one CEL list expression: one execute per signup instead of one per rule.
    combined: Any = field(default=None, repr=False, compare=False)
    inputs: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # Per rule, in order: its id and the Hit it makes when it fires (both fixed).
    _ids: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _hits: tuple[Hit, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hits = tuple(
            Hit(
                r.id,
                r.kind,
                r.weight,
                r.mode,
                r.reason,
                decisive=r.kind != "decline" or not evidence.weak_only(r.signals),
            )
            for r in self.rules
        )
        object.__setattr__(self, "_ids", tuple(r.id for r in self.rules))
        object.__setattr__(self, "_hits", hits)

    def to_document(self) -> dict[str, Any]:
        """Return the rule set in the shape it is written in (round-trips)."""
        return {
            "version": self.version,
            "thresholds": dict(self.thresholds),
            "rules": [r.to_dict() for r in self.rules],
        }

    def evaluate(self, signals: Mapping[str, SignalValue]) -> Evaluation:
        """Evaluate every rule against one signup's signals (one shared context).

        Only the signals the rules read are put in the context, and all rules run
        as one CEL program; if that fails, each rule runs alone so the failing
        one is named and the others still count.
        """
        context = cel.Context()
        context.add_variable("v", [signals[name] for name in self.inputs])
        try:
            fired_all = self.combined.execute(context)
        except Exception:  # noqa: BLE001 - fall back to rule by rule to name the culprit
            fired_all = None
        if isinstance(fired_all, list) and len(fired_all) == len(self._hits) + 1:
            strong = fired_all.pop() is True
            results: dict[str, bool | None] = dict(zip(self._ids, fired_all, strict=True))
            errors: dict[str, str] = {}
            fired = fired_all
            if not set(map(type, fired_all)) <= _BOOL:
                # A rule that yields anything but a boolean counts as errored, not as fired.
                for rule_id, value in zip(self._ids, fired_all, strict=True):
                    if not isinstance(value, bool):
                        results[rule_id] = None
                        errors[rule_id] = f"yielded {type(value).__name__}, not a boolean"
                fired = [value is True for value in fired_all]
            return Evaluation(
                results=results,
                hits=tuple(compress(self._hits, fired)),
                errors=errors,
                strong=strong,
            )
        return self._evaluate_each(signals)

    def _evaluate_each(self, signals: Mapping[str, SignalValue]) -> Evaluation:
        context = cel.Context()
        for name in self.inputs:
            context.add_variable(flat_name(name), signals[name])
        results: dict[str, bool | None] = {}
        hits: list[Hit] = []
        errors: dict[str, str] = {}
        for rule, hit in zip(self.rules, self._hits, strict=True):
            try:
                fired = rule.program.execute(context)
            except Exception as exc:  # noqa: BLE001 - a broken rule must not break screening
                results[rule.id] = None
                errors[rule.id] = _clean_error(exc)
                continue
            results[rule.id] = fired is True
            if fired is True:
                hits.append(hit)
            elif not isinstance(fired, bool):
                results[rule.id] = None
                errors[rule.id] = f"yielded {type(fired).__name__}, not a boolean"
        try:
            strong = _EVIDENCE.program.execute(context) is True
        except Exception:  # noqa: BLE001 - no strong evidence read: the score cannot decline
            strong = False
        return Evaluation(results=results, hits=tuple(hits), errors=errors, strong=strong)


_BOOL = frozenset({bool})


def load_rule_set(path: str | Path) -> RuleSet:
    """Read a YAML or JSON rule-set file and compile it.

    Raises:
        RuleSetError: the file cannot be read or parsed, or a rule is invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleSetError(f"rule file {path} cannot be read: {exc.strerror}") from exc
    return parse_rule_set(parse_rule_text(text))


def parse_rule_text(text: str) -> Any:
    """Parse rule-set text (YAML, of which JSON is a subset).

    Raises:
        RuleSetError: the text is not YAML; the error gives the line and column.
    """
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        error = {"rule": None, "problem": f"not valid YAML{where}: {problem}"}
        raise RuleSetError("The rule set is not valid YAML.", errors=[error]) from exc


def validate_rule_set(document: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return ``(errors, warnings)`` for a rule-set document without raising."""
    try:
        rule_set = parse_rule_set(document)
    except RuleSetError as exc:
        return exc.errors, []
    return [], list(rule_set.warnings)


def parse_rule_set(document: Any) -> RuleSet:
    """Validate and compile a rule-set document.

    Raises:
        RuleSetError: with one entry per problem, each naming the rule's id.
    """
    err = _Problems()
    warnings: list[dict[str, Any]] = []
    if not isinstance(document, Mapping):
        raise RuleSetError(errors=[{"rule": None, "problem": "a rule set must be a mapping"}])
    unknown = set(document) - {"version", "thresholds", "rules"}
    for key in sorted(unknown):
        err(None, f"unknown top-level key {key!r}")
    thresholds = _parse_thresholds(document.get("thresholds"), err)
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        err(None, "'rules' must be a non-empty list")
        raw_rules = []
    if len(raw_rules) > MAX_RULES:
        err(None, f"at most {MAX_RULES} rules")
        raw_rules = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rule = _parse_rule(raw, index, err)
        if rule is None:
            continue
        if rule.id in seen:
            err(rule.id, "duplicate rule id")
            continue
        seen.add(rule.id)
        rules.append(rule)
    if err.items:
        raise RuleSetError(f"The rule set has {len(err.items)} error(s).", errors=err.items)
    canonical = json.dumps(
        {"thresholds": thresholds, "rules": [r.to_dict() for r in rules]},
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    version = document.get("version")
    for rule in rules:
        if rule.kind == "decline" and rule.mode == "active" and evidence.weak_only(rule.signals):
            warnings.append(
                {
                    "rule": rule.id,
                    "problem": "declines on name, address or typo signals only; "
                    "such a rule reviews instead (see 'What may decline')",
                }
            )
    used = sorted({name for rule in (*rules, _EVIDENCE) for name in rule.signals})
    slot = {name: i for i, name in enumerate(used)}
    # The combined program reads every signal from one list, v[i]: converting one
    # list into CEL costs far less than one context variable per signal. Its last
    # element is the strong-evidence test.
    combined = cel.compile(
        "["
        + ", ".join(
            f"({_fill(rule.template, lambda n: f'v[{slot[n]}]')})" for rule in (*rules, _EVIDENCE)
        )
        + "]"
    )
    return RuleSet(
        version=str(version) if version not in (None, "") else digest[:12],
        thresholds=thresholds,
        rules=tuple(rules),
        digest=digest,
        warnings=tuple(warnings),
        combined=combined,
        inputs=tuple(used),
    )


class _Problems:
    """Collects validation problems, each naming its rule (None: the whole set)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __call__(self, rule: str | None, problem: str) -> None:
        self.items.append({"rule": rule, "problem": problem})


def _parse_thresholds(raw: Any, err: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        err(None, "'thresholds' must be a mapping with 'review' and 'decline'")
        return {"review": 1.0, "decline": 1.0}
    out: dict[str, float] = {}
    for key in ("review", "decline"):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            err(None, f"thresholds.{key} must be a number")
            value = 1.0
        out[key] = float(value)
    for key in sorted(set(raw) - {"review", "decline"}):
        err(None, f"unknown threshold {key!r}")
    if out["review"] > out["decline"]:
        err(None, "thresholds.review must not exceed thresholds.decline")
    return out


def _parse_rule(raw: Any, index: int, err: Any) -> Rule | None:
    if not isinstance(raw, Mapping):
        err(f"#{index + 1}", "each rule must be a mapping")
        return None
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        err(f"#{index + 1}", "'id' must be lower-case letters, digits, '_', '.' or '-' (1-64)")
        return None
    before = len(err.items)
    for key in sorted(set(raw) - _RULE_KEYS):
        err(rule_id, f"unknown key {key!r}")
    when = raw.get("when")
    if not isinstance(when, str) or not when.strip():
        err(rule_id, "'when' must be a non-empty CEL expression")
        when = ""
    elif len(when) > MAX_EXPRESSION:
        err(rule_id, f"'when' is longer than {MAX_EXPRESSION} characters")
    kind, weight = _parse_action(raw.get("action"), rule_id, err)
    reason = _parse_reason(raw.get("reason"), rule_id, err)
    mode = raw.get("mode", "active")
    if mode not in ("active", "shadow"):
        err(rule_id, "'mode' must be 'active' or 'shadow'")
    description = raw.get("description", "")
    if not isinstance(description, str):
        err(rule_id, "'description' must be text")
    program, used, template = _compile(when, rule_id, err) if when else (None, (), "")
    if len(err.items) > before or program is None or reason is None or kind is None:
        return None
    return Rule(
        id=rule_id,
        when=when,
        kind=kind,
        weight=weight,
        reason=reason,
        mode=mode,
        description=description,
        signals=used,
        program=program,
        template=template,
    )


def _parse_action(raw: Any, rule_id: str, err: Any) -> tuple[ActionKind | None, float]:
    if raw in ("decline", "review", "allow"):
        return raw, 0.0
    if isinstance(raw, Mapping) and set(raw) == {"score"}:
        weight = raw["score"]
        if isinstance(weight, int | float) and not isinstance(weight, bool) and -1 <= weight <= 1:
            return "score", float(weight)
        err(rule_id, "'action.score' must be a number between -1 and 1")
        return None, 0.0
    err(rule_id, "'action' must be 'decline', 'review', 'allow' or {score: weight}")
    return None, 0.0


def _parse_reason(raw: Any, rule_id: str, err: Any) -> Reason | None:
    if not isinstance(raw, Mapping):
        err(rule_id, "'reason' must be a mapping with code, field and message")
        return None
    for key in sorted(set(raw) - _REASON_KEYS):
        err(rule_id, f"unknown reason key {key!r}")
    code, fld, message = raw.get("code"), raw.get("field"), raw.get("message")
    ok = True
    if not isinstance(code, str) or not _CODE.match(code):
        err(rule_id, "'reason.code' must be a lower-case code like 'email_disposable'")
        ok = False
    if fld not in REASON_FIELDS:
        err(rule_id, f"'reason.field' must be one of {', '.join(REASON_FIELDS)}")
        ok = False
    if not isinstance(message, str) or not message.strip():
        err(rule_id, "'reason.message' must be a customer-facing sentence")
        ok = False
    return Reason(code, fld, message.strip()) if ok else None  # type: ignore[arg-type,union-attr]


def _compile(when: str, rule_id: str, err: Any) -> tuple[Any, tuple[str, ...], str]:
    """Rewrite signal paths to flat identifiers, compile, and probe the result type."""
    bound = set(_MACRO_VAR.findall(when))
    used: list[str] = []
    problems: list[str] = []

    def rewrite(match: re.Match[str]) -> str:
        if match.group("str") is not None:
            return match.group(0)
        head, member, call = match.group(3), match.group(4), match.group("call") or ""
        if head in _KEYWORDS or head in bound or (call and member is None):
            return match.group(0)
        if member is not None and f"{head}.{member}" in CATALOGUE:
            used.append(f"{head}.{member}")
            return f"{_MARK}{head}.{member}{_MARK}{call}"
        if head in GROUPS:
            problems.append(
                f"unknown signal '{head}.{member}'"
                if member
                else f"'{head}' is a signal group, name a signal in it"
            )
        else:
            problems.append(f"unknown signal '{head}{'.' + member if member else ''}'")
        return match.group(0)

    if _MARK in when:
        problems.append("contains a NUL character")
    template = _TOKENS.sub(rewrite, when)
    flat = _fill(template, flat_name)
    for problem in problems:
        err(rule_id, problem)
    if problems:
        return None, (), ""
    try:
        program = cel.compile(flat)
    except (ValueError, RuntimeError) as exc:
        err(rule_id, f"does not parse: {_clean_error(exc)}")
        return None, (), ""
    for probe in _probes():
        try:
            result = program.execute(probe)
        except Exception as exc:  # noqa: BLE001 - the CEL runtime raises several types
            err(rule_id, f"fails to evaluate: {_clean_error(exc)}")
            return None, (), ""
        if not isinstance(result, bool):
            err(rule_id, f"must yield true or false, not {type(result).__name__}")
            return None, (), ""
    return program, tuple(dict.fromkeys(used)), template


_MARK = "\x00"
_MARKED = re.compile("\x00([a-z][a-z0-9_]*\\.[a-z0-9_]+)\x00")


def _fill(template: str, replace: Any) -> str:
    """Replace the signal markers of a compiled template (``\\x00name\\x00``)."""
    return _MARKED.sub(lambda m: replace(m.group(1)), template)


_PROBE_CACHE: list[Any] = []


def _probes() -> list[Any]:
    """Return contexts to probe rules with: all defaults, and all 'non-default' values."""
    if not _PROBE_CACHE:
        base = defaults()
        flipped: dict[str, SignalValue] = {}
        for name, value in base.items():
            if isinstance(value, bool):
                flipped[name] = not value
            elif isinstance(value, int):
                flipped[name] = value + 3
            elif isinstance(value, float):
                flipped[name] = 0.9
            elif isinstance(value, str):
                flipped[name] = "XX"
            else:
                flipped[name] = ["Latin", "Cyrillic"]
        for values in (base, flipped):
            context = cel.Context()
            for name, value in values.items():
                context.add_variable(flat_name(name), value)
            _PROBE_CACHE.append(context)
    return _PROBE_CACHE


def _clean_error(exc: BaseException) -> str:
    """Return a CEL error message in the analysts' terms (dotted signal names)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"\b([a-z][a-z0-9]*)__([a-z0-9_]+)\b", r"\1.\2", text)[:300]


def reasons_for(hits: Sequence[Hit]) -> list[Reason]:
    """Return the customer-facing reasons of active hits, most severe first, without repeats."""
    order = {"decline": 0, "review": 1, "score": 2}
    ranked = sorted(
        (
            h
            for h in hits
            if h.mode == "active" and h.kind in order and (h.kind != "score" or h.weight > 0)
        ),
        key=lambda h: (order[h.kind], -h.weight),
    )
    seen: set[tuple[str, str]] = set()
    out: list[Reason] = []
    for hit in ranked:
        key = (hit.reason.code, hit.reason.field)
        if key not in seen:
            seen.add(key)
            out.append(hit.reason)
    return out


def _evidence_rule() -> Rule:
    """Compile :func:`screening.core.evidence.combined_expression` like a rule's ``when``."""
    problems = _Problems()
    program, used, template = _compile(evidence.combined_expression(), "evidence", problems)
    if program is None:  # pragma: no cover - a broken declaration must stop the service
        raise RuntimeError(f"screening.core.evidence does not compile: {problems.items}")
    return Rule(
        id="evidence",
        when=evidence.combined_expression(),
        kind="review",
        weight=0.0,
        reason=Reason("evidence", "signup", "-"),
        mode="shadow",
        description="",
        signals=used,
        program=program,
        template=template,
    )


_EVIDENCE = _evidence_rule()
