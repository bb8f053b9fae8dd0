"""Reading the pack's reports about suppressions: applied ones (a versioned record) and expired ones.

Suppressions are the pack's business: they live in the policy config file that the CLI and
preflight both pass, and the pack decides what they cover. The pack discloses each suppression it
applied as an advisory diagnostic of a disclosure policy (a name ending in
`suppression-enforce-disclosure`) whose last line is a versioned record.

The record's one writer is sovereign-guard's `policies/sovereign_guard/suppression_record.py`,
whose docstring is the format's definition; this is its one reader. Preflight does not import the
pack's module: preflight checks any pack speaking the format, and a pack is its own process with
its own dependencies. So this reader is keyed by the record's version: it reads the versions in
READABLE_VERSIONS and ignores any other (the disclosure is then reported as the advisory violation
it is, and the suppressed violation is not hidden). tests/preflight/test_suppression_record.py
writes with the pack's module and reads with this one, hostile text included.

A suppression the pack rejects as expired is a mandatory violation of the pack's config policy,
whose message names "suppression #<n> (...): expired on <date>"; preflight turns it into a config
error (exit 2), as DESIGN.md asks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .findings import Finding
from .model import AppliedSuppression

RECORD_PREFIX = "suppression: "
VERSION_KEY = "record_version"
READABLE_VERSIONS = frozenset({1})
EXPIRED_RE = re.compile(r"suppression #\d+[^\n]*?expired on \d{4}-\d{2}-\d{2}")
# Only the pack's disclosure policies (names ending so, as sovereign-guard's do) speak for
# suppressions. Any other message may quote text the program controls (a metadata key, a name),
# so a record found there is never believed: believing it would hide a violation.
DISCLOSURE_SUFFIX = "suppression-enforce-disclosure"


@dataclass(frozen=True)
class AppliedRecord:
    """One applied suppression, as the pack's record states it (record version 1)."""

    policy: str
    """The suppressed policy."""
    urn: str
    """The suppressed resource; empty for a stack-level finding."""
    resource: str
    """The suppression's resource pattern, as written in the policy config."""
    reason: str
    expires: str
    approved_by: str
    message: str
    """The full message of the suppressed violation."""

    def suppression(self) -> AppliedSuppression:
        return AppliedSuppression(
            reason=self.reason, expires=self.expires, approved_by=self.approved_by, pattern=self.resource
        )


def applied_record(message: str) -> AppliedRecord | None:
    """The record on the message's last line, or None when there is none of a known version."""
    last = message.rsplit("\n", 1)[-1]
    if not last.startswith(RECORD_PREFIX):
        return None
    try:
        data = json.loads(last[len(RECORD_PREFIX) :])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get(VERSION_KEY) not in READABLE_VERSIONS:
        return None
    fields = {name: data.get(name, "") for name in AppliedRecord.__dataclass_fields__}
    if not all(isinstance(v, str) for v in fields.values()) or not fields["policy"]:
        return None
    return AppliedRecord(**fields)


def expired(findings: list[Finding]) -> list[str]:
    """The pack's own words for every expired suppression it refused."""
    found: list[str] = []
    # Read from any message: a forged one can only fail the run (exit 2), never pass it.
    for _, _, diag in findings:
        found += EXPIRED_RE.findall(diag.message)
    return sorted(set(found))


def split(findings: list[Finding], pack: str) -> tuple[list[Finding], list[tuple[AppliedRecord, Finding]]]:
    """(violations, applied suppressions as (record, the disclosing diagnostic)).

    Only the pack's own disclosure policies can report a suppression.
    """
    violations: list[Finding] = []
    applied: list[tuple[AppliedRecord, Finding]] = []
    for finding in findings:
        diag = finding[2]
        trusted = diag.policy_name.endswith(DISCLOSURE_SUFFIX) and diag.policy_pack_name == pack
        record = applied_record(diag.message) if trusted else None
        if record is None:
            violations.append(finding)
        else:
            applied.append((record, finding))
    return violations, applied
