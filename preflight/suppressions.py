"""Applied and rejected suppressions, as the policy pack reports them.

Suppressions are the pack's business: they live in the policy config file that the CLI and
preflight both pass, and the pack decides what they cover. The pack discloses each suppression it
applied as an advisory diagnostic of a disclosure policy (a name ending in
`suppression-enforce-disclosure`) whose message ends with a line

    suppression: {"policy": ..., "urn": ..., "resource": ..., "reason": ..., "expires": ...,
                  "approved_by": ..., "message": ...}

(one line of JSON; sovereign-guard's docs/policies.md, "Applied suppressions"). Preflight takes
those diagnostics out, and reports the violation they silenced, with the suppression attached.

A suppression the pack rejects as expired is a mandatory violation of the pack's config policy,
whose message names "suppression #<n> (...): expired on <date>"; preflight turns it into a config
error (exit 2), as DESIGN.md asks.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .model import Suppression

Finding = tuple[str, str, Any]
RECORD_RE = re.compile(r"^suppression: (\{.*\})$", re.MULTILINE)
EXPIRED_RE = re.compile(r"suppression #\d+[^\n]*?expired on \d{4}-\d{2}-\d{2}")
# Only the pack's disclosure policies (names ending so, as sovereign-guard's do) speak for
# suppressions. Any other message may quote text the program controls (a metadata key, a name),
# so a record found there is never believed: believing it would hide a violation.
DISCLOSURE_SUFFIX = "suppression-enforce-disclosure"


def applied_record(message: str) -> dict[str, Any] | None:
    # The pack writes the record last; earlier lines may quote a violation's text.
    matches = RECORD_RE.findall(message)
    if not matches:
        return None
    try:
        record = json.loads(matches[-1])
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("policy"), str):
        return None
    return record


def expired(findings: list[Finding]) -> list[str]:
    """The pack's own words for every expired suppression it refused."""
    found: list[str] = []
    # Read from any message: a forged one can only fail the run (exit 2), never pass it.
    for _, _, diag in findings:
        found += EXPIRED_RE.findall(diag.message)
    return sorted(set(found))


def split(findings: list[Finding], pack: str) -> tuple[list[Finding], list[tuple[dict[str, Any], Finding]]]:
    """(violations, applied suppressions as (record, the disclosing diagnostic)).

    Only the pack's own disclosure policies can report a suppression.
    """
    violations: list[Finding] = []
    applied: list[tuple[dict[str, Any], Finding]] = []
    for finding in findings:
        diag = finding[2]
        trusted = diag.policyName.endswith(DISCLOSURE_SUFFIX) and diag.policyPackName == pack
        record = applied_record(diag.message) if trusted else None
        if record is None:
            violations.append(finding)
        else:
            applied.append((record, finding))
    return violations, applied


def suppression(record: dict[str, Any]) -> Suppression:
    return Suppression(
        reason=str(record.get("reason", "")),
        expires=str(record.get("expires", "")),
        approved_by=str(record.get("approved_by", "")),
        pattern=str(record.get("resource", "")),
    )
