"""Rule work at the terminal: where an error is (line and column); errors, diffs, reports as text.

:func:`screening.core.rules.ruleset.parse_rule_set` names the rule of each error; this adds
the position. Every error about a rule gets the line where that rule starts
in the YAML (or JSON) text; a CEL syntax error also gets the line and column
inside the ``when`` expression, recomputed on the expression as written (the
compiler reports positions in its rewritten form).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import cel
import yaml

from screening.core.rules.ruleset import RuleSet, parse_rule_set, parse_rule_text
from screening.core.vocabulary import OUTCOMES
from screening.errors import RuleSetError

_CEL_POSITION = re.compile(r"<input>:(\d+):(\d+):\s*(.*)")
_UNKNOWN = re.compile(r"unknown signal '([^']+)'")


def compile_text(text: str) -> RuleSet:
    """Parse and compile rule-set text (YAML or JSON).

    Raises:
        RuleSetError: with every error located (``rule``, ``problem``, ``line``, ``column``).
    """
    document = parse_rule_text(text)
    try:
        return parse_rule_set(document)
    except RuleSetError as exc:
        errors = locate(exc.errors, document=document, text=text)
        raise RuleSetError(exc.message, errors=errors) from exc


def locate(
    errors: Sequence[Mapping[str, Any]], *, document: Any = None, text: str | None = None
) -> list[dict[str, Any]]:
    """Return ``errors`` with ``line`` / ``column`` added where they can be found.

    Args:
        errors: ``[{"rule", "problem"}]`` from validation.
        document: the parsed rule set (for the rules' ``when`` expressions).
        text: the YAML or JSON text it was parsed from, if any (for file lines).
    """
    nodes = _rule_nodes(text) if text else {}
    whens = _whens(document)
    out: list[dict[str, Any]] = []
    for error in errors:
        item = dict(error)
        rule = item.get("rule")
        node = nodes.get(rule) if isinstance(rule, str) else None
        when = whens.get(rule) if isinstance(rule, str) else None
        if node is not None:
            item["line"] = node["line"]
        problem = str(item.get("problem", ""))
        where = _position_in_when(problem, when) if when else None
        if where is not None:
            line, column, message = where
            item["problem"] = f"does not parse at line {line}, column {column} of 'when': {message}"
            if node is not None and "when" in node:
                item["line"], item["column"] = _file_position(node["when"], line, column)
        elif when and node is not None and "when" in node:
            unknown = _UNKNOWN.search(problem)
            offset = when.find(unknown.group(1)) if unknown else -1
            if offset >= 0:
                before = when[:offset]
                line = before.count("\n") + 1
                column = offset - (before.rfind("\n") + 1) + 1
                item["line"], item["column"] = _file_position(node["when"], line, column)
        out.append(item)
    return out


def _whens(document: Any) -> dict[str, str]:
    rules = document.get("rules") if isinstance(document, Mapping) else None
    out: dict[str, str] = {}
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, Mapping) and isinstance(rule.get("when"), str):
            rule_id = rule.get("id")
            out[rule_id if isinstance(rule_id, str) else f"#{index + 1}"] = rule["when"]
    return out


def _position_in_when(problem: str, when: str) -> tuple[int, int, str] | None:
    """Return (line, column, message) of a CEL syntax error in ``when`` as written."""
    if not problem.startswith("does not parse"):
        return None
    try:
        cel.compile(when)
    except (ValueError, RuntimeError) as exc:
        match = _CEL_POSITION.search(str(exc))
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3).strip()[:200]
    return None


def _file_position(when: Mapping[str, Any], line: int, column: int) -> tuple[int, int]:
    """Map a position inside the expression to the file (exact for one-line expressions)."""
    if when["style"] in ("|", ">"):
        return when["line"] + line, when["indent"] + column
    if line == 1:
        quoted = 1 if when["style"] in ("'", '"') else 0
        return when["line"], when["column"] + quoted + column
    return when["line"] + line - 1, column


def _rule_nodes(text: str) -> dict[str, dict[str, Any]]:
    """Return, per rule id (or ``#n``), the 1-based line of the rule and of its ``when``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    rules = next((v for k, v in root.value if getattr(k, "value", None) == "rules"), None)
    if not isinstance(rules, yaml.SequenceNode):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(rules.value):
        info: dict[str, Any] = {"line": item.start_mark.line + 1}
        rule_id = f"#{index + 1}"
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                name = getattr(key, "value", None)
                if name == "id" and isinstance(value, yaml.ScalarNode):
                    rule_id = str(value.value)
                elif name == "when" and isinstance(value, yaml.ScalarNode):
                    info["when"] = {
                        "line": value.start_mark.line + 1,
                        "column": value.start_mark.column,
                        "style": value.style,
                        "indent": _indent(text, value.start_mark.line + 1),
                    }
        out.setdefault(rule_id, info)
        out.setdefault(f"#{index + 1}", info)
    return out


def _indent(text: str, line: int) -> int:
    """Return the indentation of a block scalar's first content line (0-based line given)."""
    lines = text.splitlines()
    if line < len(lines):
        content = lines[line]
        return len(content) - len(content.lstrip(" "))
    return 0


def format_errors(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """Render errors as terminal lines: ``rule 'id' (line L, column C): problem``."""
    lines = []
    for error in errors:
        where = f"rule {error['rule']!r}" if error.get("rule") else "rule set"
        if error.get("line"):
            where += f" (line {error['line']}" + (
                f", column {error['column']})" if error.get("column") else ")"
            )
        lines.append(f"{where}: {error.get('problem')}")
    return lines


def format_diff(diff: Mapping[str, Any]) -> list[str]:
    """Render a rule-set diff as short terminal lines (empty when nothing changed)."""
    lines = [f"+ {rule_id}" for rule_id in diff.get("added", [])]
    lines += [f"- {rule_id}" for rule_id in diff.get("removed", [])]
    for change in diff.get("changed", []):
        parts = []
        for name, values in change["fields"].items():
            if name in ("action", "mode", "when"):
                parts.append(f"{name} {values['from']!r} -> {values['to']!r}")
            else:
                parts.append(name)
        lines.append(f"~ {change['id']}: " + "; ".join(parts))
    for name, values in diff.get("thresholds", {}).items():
        lines.append(f"~ thresholds.{name}: {values['from']} -> {values['to']}")
    return lines


def _transitions(table: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Render an outcome-to-outcome count table: a header line, then one line per outcome."""
    lines = [f"{'':>10} " + " ".join(f"{o:>9}" for o in OUTCOMES)]
    for current in OUTCOMES:
        row = table[current]
        lines.append(f"{current:>10} " + " ".join(f"{row[o]:>9}" for o in OUTCOMES))
    return lines


def format_report(report: Mapping[str, Any]) -> str:
    """Render a backtest report as plain text for the terminal."""
    lines = [
        f"decisions replayed: {report['decisions']}"
        + (f" (excluded: {report['excluded']})" if report.get("excluded") else ""),
        f"decisions whose outcome changes: {report['changed']}",
        "",
        "outcome transitions (rows: current, columns: candidate)",
        *_transitions(report["transitions"]),
    ]
    labels = report["labels"]
    lines += ["", f"review labels: fraud {labels['fraud']}, legitimate {labels['legitimate']}"]
    for which in ("current", "candidate"):
        confusion = report["confusion"][which]
        if confusion:
            lines.append(
                f"{which:>10} held vs label: tp {confusion['tp']} fp {confusion['fp']} "
                f"fn {confusion['fn']} tn {confusion['tn']}  precision "
                f"{_ratio(confusion['precision'])}  recall {_ratio(confusion['recall'])}"
            )
    lines += [
        "",
        f"{'rule':<36} {'mode':<6} {'hits':>8} {'rate':>8} {'precision':>9} {'recall':>7}",
    ]
    for rule in report["rules"]:
        labelled = rule["labelled"] or {}
        lines.append(
            f"{rule['id']:<36} {rule['mode']:<6} {rule['hits']:>8} {rule['rate']:>8.2%} "
            f"{_ratio(labelled.get('precision')):>9} {_ratio(labelled.get('recall')):>7}"
            + (f"  ({rule['errors']} errors)" if rule["errors"] else "")
        )
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_shadow(report: Mapping[str, Any]) -> str:
    """Render a shadow summary as plain text for the terminal."""
    lines = [
        f"decisions in the window: {report['decisions']}; with shadow hits: "
        f"{report['with_shadow_hits']}; whose outcome would change: {report['would_change']}",
        "",
        "outcomes (rows: recorded, columns: with shadow rules active)",
        *_transitions(report["transitions"]),
    ]
    lines += ["", f"{'shadow rule':<36} {'hits':>8} {'rate':>8} {'changes outcome':>16}"]
    for rule in report["rules"]:
        lines.append(
            f"{rule['id']:<36} {rule['hits']:>8} {rule['rate']:>8.2%} {rule['outcome_changed']:>16}"
        )
    if report["items"]:
        lines += ["", "latest:"]
        for item in report["items"]:
            lines.append(
                f"{item['created_at']}  {item['decision_id']}  {item['outcome']} -> "
                f"{item['shadow_outcome']}  {', '.join(item['shadow_rules'])}"
            )
    return "\n".join(lines)
