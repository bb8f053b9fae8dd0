"""JSON: the stable, documented report (docs/preflight.md gives the schema)."""

from __future__ import annotations

import json
from typing import Any

from ..model import SCHEMA_VERSION, Location, Report, StackResult, Violation
from .common import counts, ordered


def _location(loc: Location | None) -> dict[str, Any] | None:
    return None if loc is None else {"path": loc.path, "repoPath": loc.repo_path, "line": loc.line}


def violation(v: Violation) -> dict[str, Any]:
    return {
        "policy": v.policy,
        "pack": v.pack,
        "packVersion": v.pack_version,
        "enforcement": v.enforcement,
        "severity": v.severity or None,
        "blocking": v.blocking,
        "phase": v.phase,
        "message": v.message,
        "description": v.description,
        "resource": {"urn": v.urn, "type": v.resource_type, "name": v.resource_name},
        "location": _location(v.location),
        "framework": v.framework,
        "remediation": v.remediation or None,
        "url": v.url or None,
        "tags": list(v.tags),
        "suppression": None
        if v.suppression is None
        else {
            "reason": v.suppression.reason,
            "expires": v.suppression.expires or None,
            "approvedBy": v.suppression.approved_by or None,
            "resource": v.suppression.pattern or None,
        },
    }


def stack(s: StackResult) -> dict[str, Any]:
    c = counts(s)
    return {
        "stack": s.stack,
        "stackFile": s.stack_file or None,
        "policyConfig": s.policy_config,
        "exitCode": s.exit_code,
        "error": None if s.error is None else {"kind": s.error.kind, "message": s.error.message},
        "summary": {
            "resources": len(s.resources),
            "mandatory": c["mandatory"],
            "advisory": c["advisory"],
            "suppressed": c["suppressed"],
        },
        "enforcement": dict(s.policies),
        "resourceCounts": s.counts_by_type(),
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "custom": r.custom,
                "location": _location(r.location),
            }
            for r in s.resources
        ],
        "flowMatrix": s.flow_matrix,
        "keyCustody": s.key_custody,
        "violations": [violation(v) for v in ordered(s.violations)],
    }


def document(report: Report) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "preflight", "version": report.tool_version},
        "project": {"name": report.project, "dir": report.project_dir},
        "policyPack": {"name": report.pack_name, "version": report.pack_version, "dir": report.pack_dir},
        "exitCode": report.exit_code,
        "policies": [
            {
                "name": p.name,
                "description": p.description,
                "enforcement": p.enforcement,
                "severity": p.severity or None,
                "type": p.kind,
                "framework": p.framework,
                "remediation": p.remediation or None,
                "url": p.url or None,
                "tags": list(p.tags),
            }
            for p in sorted(report.policies.values(), key=lambda p: p.name)
        ],
        "stacks": [stack(s) for s in report.stacks],
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
