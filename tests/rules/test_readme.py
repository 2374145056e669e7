"""rules/README.md documents every signal, and its examples are rules that load."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from screening.core.rules.ruleset import parse_rule_set
from screening.core.signals import CATALOGUE

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"


def test_every_catalogue_signal_is_documented_with_its_type() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        name for name, signal in CATALOGUE.items() if f"| `{name}` | {signal.type} |" not in text
    ]
    assert missing == [], f"regenerate the table in rules/README.md; missing: {missing}"


def test_the_examples_to_copy_load() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Examples to copy", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    rules = yaml.safe_load(block.group(1))
    rule_set = parse_rule_set({"thresholds": {"review": 0.5, "decline": 0.9}, "rules": rules})
    assert len(rule_set.rules) == len(rules) >= 5
    assert any(rule.mode == "shadow" for rule in rule_set.rules)


def test_the_format_example_loads() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The format", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    rule_set = parse_rule_set(yaml.safe_load(block.group(1)))
    assert [rule.id for rule in rule_set.rules] == ["email-disposable"]
