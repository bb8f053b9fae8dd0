"""SARIF 2.1.0 for GitHub code scanning: one run, one rule per policy, one result per violation.

- rule ids are the policy names (stable across runs and versions of the pack);
- level: mandatory is "error"; advisory is "warning" when the policy's severity is high or
  critical, else "note";
- each result is located on the source line that created the resource (uri relative to the
  repository root), with the resource URN as a logical location;
- a suppressed violation stays in the log with a `suppressions` entry carrying its reason, so
  code scanning shows it as dismissed rather than losing it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import PolicyInfo, Report, Violation
from .common import detail, framework_text, ordered

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def level(enforcement: str, severity: str) -> str:
    if enforcement in ("mandatory", "remediate"):
        return "error"
    if enforcement == "disabled":
        return "none"
    return "warning" if severity in ("high", "critical") else "note"


def _rule(policy: PolicyInfo | None, name: str, sample: Violation | None) -> dict[str, Any]:
    description = policy.description if policy else (sample.description if sample else name)
    remediation = policy.remediation if policy else (sample.remediation if sample else "")
    severity = policy.severity if policy else (sample.severity if sample else "")
    enforcement = policy.enforcement if policy else (sample.enforcement if sample else "advisory")
    framework = framework_text(policy) if policy else (framework_text(sample) if sample else "")
    help_lines = [description]
    if framework:
        help_lines.append(f"Reference: {framework}")
    if remediation:
        help_lines.append(f"Remediation: {remediation}")
    rule: dict[str, Any] = {
        "id": name,
        "name": "".join(part.capitalize() for part in name.replace("_", "-").split("-")),
        "shortDescription": {
            "text": (policy.display_name if policy and policy.display_name else description)
        },
        "fullDescription": {"text": description},
        "help": {
            "text": "\n".join(help_lines),
            "markdown": "\n\n".join(
                [description]
                + ([f"**Reference:** {framework}"] if framework else [])
                + ([f"**Remediation:** {remediation}"] if remediation else [])
            ),
        },
        "defaultConfiguration": {"level": level(enforcement, severity)},
        "properties": {
            "tags": sorted({"security", *(policy.tags if policy else ())}),
            "enforcement": enforcement,
            "precision": "high",
        },
    }
    if severity in _SECURITY_SEVERITY:
        rule["properties"]["security-severity"] = _SECURITY_SEVERITY[severity]
        rule["properties"]["severity"] = severity
    url = policy.url if policy else (sample.url if sample else "")
    if url:
        rule["helpUri"] = url
    if policy and policy.framework:
        rule["properties"]["framework"] = policy.framework
    return rule


def _fingerprint(v: Violation) -> str:
    key = "\0".join((v.stack, v.policy, v.urn))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(v: Violation, index: int) -> dict[str, Any]:
    text = (
        f"[{v.stack}] {v.resource_type} '{v.resource_name}': {detail(v)}"
        if v.resource_name
        else (f"[{v.stack}] {detail(v)}")
    )
    result: dict[str, Any] = {
        "ruleId": v.policy,
        "ruleIndex": index,
        "level": level(v.enforcement, v.severity),
        "message": {"text": text},
        "locations": [],
        "partialFingerprints": {"preflightResource/v1": _fingerprint(v)},
        "properties": {
            "stack": v.stack,
            "urn": v.urn,
            "resourceType": v.resource_type,
            "resourceName": v.resource_name,
            "enforcement": v.enforcement,
            "severity": v.severity,
            "policyPack": f"{v.pack}@{v.pack_version}" if v.pack_version else v.pack,
        },
    }
    location: dict[str, Any] = {}
    if v.location is not None:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": v.location.repo_path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": v.location.line},
        }
    if v.urn:
        location["logicalLocations"] = [
            {"fullyQualifiedName": v.urn, "name": v.resource_name, "kind": "resource"}
        ]
    if location:
        result["locations"].append(location)
    if v.suppression is not None:
        justification = v.suppression.reason
        extra = [
            f"expires {v.suppression.expires}" if v.suppression.expires else "",
            f"approved by {v.suppression.approved_by}" if v.suppression.approved_by else "",
        ]
        extra_text = ", ".join(e for e in extra if e)
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{justification} ({extra_text})" if extra_text else justification,
            }
        ]
    return result


def document(report: Report) -> dict[str, Any]:
    violations = ordered(report.violations)
    names = sorted(set(report.policies) | {v.policy for v in violations})
    samples = {v.policy: v for v in violations}
    rules = [_rule(report.policies.get(n), n, samples.get(n)) for n in names]
    index = {n: i for i, n in enumerate(names)}
    notifications = [
        {
            "level": "error",
            "message": {"text": f"[{s.stack}] {s.error.message}"},
            "properties": {"stack": s.stack, "kind": s.error.kind},
        }
        for s in report.stacks
        if s.error is not None
    ]
    driver: dict[str, Any] = {
        "name": "preflight",
        "semanticVersion": report.tool_version,
        "version": report.tool_version,
        "rules": rules,
    }
    if report.pack_name:
        driver["properties"] = {"policyPack": report.pack_name, "policyPackVersion": report.pack_version}
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"preflight/{report.project}/"},
        "invocations": [
            {
                "executionSuccessful": all(s.error is None for s in report.stacks),
                "exitCode": report.exit_code,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": [_result(v, index[v.policy]) for v in violations],
        "properties": {"stacks": [s.stack for s in report.stacks]},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
