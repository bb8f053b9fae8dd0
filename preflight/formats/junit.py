"""JUnit XML: one test suite per stack, one test case per policy and resource.

A mandatory violation is a failure; an advisory one passes with the finding in system-out; a
suppressed one is skipped with its reason; a stack that could not be analysed is an error.
Resource policies get a case for every resource; stack policies one case for the stack.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import Report, StackResult, Violation
from .common import detail


def _case(suite: ET.Element, classname: str, name: str, file: str | None, line: int | None) -> ET.Element:
    attrs = {"classname": classname, "name": name, "time": "0"}
    if file:
        attrs["file"] = file
        attrs["line"] = str(line or 1)
    return ET.SubElement(suite, "testcase", attrs)


def _describe(v: Violation) -> str:
    lines = [detail(v), f"resource: {v.urn}"]
    if v.location:
        lines.append(f"source: {v.location.repo_path}:{v.location.line}")
    if v.remediation:
        lines.append(f"remediation: {v.remediation}")
    return "\n".join(lines)


def _suite(root: ET.Element, report: Report, stack: StackResult) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", {"name": f"preflight.{stack.stack}"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if stack.error is not None:
        case = _case(suite, f"preflight.{stack.stack}", "run", None, None)
        ET.SubElement(case, "error", {"type": stack.error.kind, "message": stack.error.message})
        totals["tests"] += 1
        totals["errors"] += 1
    else:
        by_key: dict[tuple[str, str], list[Violation]] = {}
        for v in stack.violations:
            by_key.setdefault((v.policy, v.urn), []).append(v)
        root_urn = next((r.urn for r in stack.resources if r.type == "pulumi:pulumi:Stack"), "")
        stack_loc = next((r.location for r in stack.resources if r.urn == root_urn), None)
        for policy, level in stack.policies.items():
            if level == "disabled":
                continue
            meta = report.policies.get(policy)
            kind = meta.kind if meta else "resource"
            targets = (
                [(root_urn, f"stack {stack.stack}", stack_loc)]
                if kind == "stack"
                else [(r.urn, f"{r.type}::{r.name}", r.location) for r in stack.resources]
            )
            for urn, name, loc in targets:
                found = list(by_key.pop((policy, urn), []))
                if kind == "stack":
                    found += by_key.pop((policy, ""), [])
                file = loc.repo_path if loc else None
                case = _case(suite, f"{stack.stack}.{policy}", name, file, loc.line if loc else None)
                totals["tests"] += 1
                _outcome(case, found, totals)
        for (policy, urn), found in sorted(by_key.items()):
            # Violations on a resource the stack does not hold (a URN the pack made up).
            case = _case(suite, f"{stack.stack}.{policy}", urn or "stack", None, None)
            totals["tests"] += 1
            _outcome(case, found, totals)
    for key, count in totals.items():
        suite.set(key, str(count))
    return totals


def _outcome(case: ET.Element, found: list[Violation], totals: dict[str, int]) -> None:
    blocking = [v for v in found if v.blocking]
    suppressed = [v for v in found if v.suppression is not None]
    advisory = [v for v in found if not v.blocking and v.suppression is None]
    if blocking:
        first = blocking[0]
        failure = ET.SubElement(
            case,
            "failure",
            {"type": f"{first.enforcement}/{first.severity or 'unspecified'}", "message": detail(first)},
        )
        failure.text = "\n\n".join(_describe(v) for v in blocking)
        totals["failures"] += 1
    elif suppressed and not advisory:
        reason = suppressed[0].suppression.reason if suppressed[0].suppression else ""
        ET.SubElement(case, "skipped", {"message": f"suppressed: {reason}"})
        totals["skipped"] += 1
    if advisory or (blocking and suppressed):
        out = ET.SubElement(case, "system-out")
        out.text = "\n\n".join(
            ("suppressed: " if v.suppression else f"{v.enforcement}: ") + _describe(v)
            for v in advisory + suppressed
        )


def render(report: Report) -> str:
    root = ET.Element("testsuites", {"name": "preflight"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for stack in report.stacks:
        for k, v in _suite(root, report, stack).items():
            totals[k] += v
    for k in ("tests", "failures", "errors"):
        root.set(k, str(totals[k]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
