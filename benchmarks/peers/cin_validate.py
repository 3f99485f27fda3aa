"""Runs the full csc-validator-be-cin validation (every rule of one census year) on one CIN census file, inside
that package's own venv, and prints one JSON line: the number of children, of issues (child-level and
return-level), of children with an issue, and the issues per rule code with the rule's message.

Usage: ``python cin_validate.py RETURN.xml [RULESET]`` (RULESET defaults to ``cin2025_26``, the return whose
reference date is 31 March 2026).
"""

import importlib
import json
import sys
import xml.etree.ElementTree as ET

from cin_validator import cin_validator


def main(path: str, ruleset: str) -> None:
    root = ET.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    children = len(data["ChildIdentifiers"])
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    validator = cin_validator.CinValidator(data, registry)
    issues = validator.full_issue_df
    by_rule: dict[str, dict[str, object]] = {}
    for code, message in zip(issues["rule_code"], issues["rule_description"], strict=True):
        entry = by_rule.setdefault(str(code), {"count": 0, "message": str(message)})
        entry["count"] = int(entry["count"]) + 1  # type: ignore[call-overload]
    return_level = [
        {"rule": str(code), "message": str(message)}
        for code, message in zip(
            validator.multichild_issues["rule_code"], validator.multichild_issues["rule_description"], strict=True
        )
    ]
    print(
        json.dumps(
            {
                "children": children,
                "ruleset": ruleset,
                "issues": len(issues) + len(return_level),
                "children_with_issues": int(issues["child_id"].nunique()),
                "by_rule": dict(sorted(by_rule.items(), key=lambda kv: -int(kv[1]["count"]))),  # type: ignore[call-overload]
                "return_level": return_level,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "cin2025_26")
