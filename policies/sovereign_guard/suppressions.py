"""Reasoned, expiring suppressions (cdk-nag's reasoned suppressions, plus an expiry).

They live in the policy config file (`stacks/<stack>.policy.json`, the file given to
`--policy-pack-config`), under the settings policy, so the CLI and preflight read the same thing:

    "hygiene-policy-config-require-validity": {
      "suppressions": [
        {"policy": "network-admin-port-disallow-public-ingress",
         "resource": "lz-net-in-203-0-113-0-24-to-admin-tcp-22",
         "reason": "Administrators' VPN egress range, reviewed in RISK-2026-014",
         "expires": "2027-01-31",
         "approved_by": "Jane Doe (RSSI)"}
      ]
    }

`resource` is a full URN (`urn:pulumi:...`, matched exactly) or a resource-name glob (fnmatch,
case-sensitive, matched against the URN's last segment only); a glob made only of wildcards is
refused. A suppression matches one policy and the resources its pattern names, never another:
suppressing one resource never silences another.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .suppression_record import disclosure_message
from .values import urn_name

MIN_REASON = 20
FIELDS = ("policy", "resource", "reason", "expires", "approved_by")
PLACEHOLDER_RE = re.compile(
    r"(?i)\b(todo|tbd|tba|fixme|xxx+|changeme|placeholder|lorem ipsum|replace[ -]?me)\b|\?\?\?"
)
WILDCARDS_ONLY_RE = re.compile(r"^[*?\[\]!\-\s]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# JSON schema of one suppression (the engine validates the file against it before the run).
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": list(FIELDS),
    "properties": {
        "policy": {"type": "string", "minLength": 1},
        "resource": {"type": "string", "minLength": 1},
        "reason": {"type": "string", "minLength": MIN_REASON},
        "expires": {"type": "string", "pattern": DATE_RE.pattern},
        "approved_by": {"type": "string", "minLength": 3},
    },
}


def _resource_matches(pattern: str, urn: str, name: str | None) -> bool:
    """Whether a suppression's `resource` names this resource: a URN exactly, or a glob on the
    resource name (`name`, or else the URN's last segment)."""
    if pattern.startswith("urn:"):
        return urn == pattern
    return fnmatch.fnmatchcase(name if name is not None else urn_name(urn), pattern)


@dataclass(frozen=True)
class Suppression:
    index: int
    policy: str
    resource: str
    reason: str
    expires: dt.date
    approved_by: str

    def matches(self, policy: str, urn: str, name: str | None = None) -> bool:
        if policy != self.policy:
            return False
        return _resource_matches(self.resource, urn, name)

    def as_dict(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "resource": self.resource,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "approved_by": self.approved_by,
        }


@dataclass(frozen=True)
class Rejected:
    """A suppression that is malformed or expired: never applied, always reported."""

    index: int
    raw: Any
    problems: tuple[str, ...]
    expired: bool = False

    @property
    def policy(self) -> str:
        return str(self.raw.get("policy", "")) if isinstance(self.raw, Mapping) else ""

    @property
    def resource(self) -> str:
        return str(self.raw.get("resource", "")) if isinstance(self.raw, Mapping) else ""

    def describe(self) -> str:
        what = f"suppression #{self.index + 1}"
        if self.policy or self.resource:
            what += f" ({self.policy or '?'} on {self.resource or '?'})"
        return f"{what}: {'; '.join(self.problems)}"

    def matches(self, policy: str, urn: str, name: str | None = None) -> bool:
        """Whether it would have matched, to explain why a violation was not suppressed."""
        if policy != self.policy or not self.resource:
            return False
        return _resource_matches(self.resource, urn, name)


def _text(raw: Mapping[str, Any], key: str, problems: list[str]) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(f"'{key}' is missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"'{key}' must be a string, not {type(value).__name__}")
        return ""
    return value.strip()


def parse_one(
    index: int, raw: Any, known_policies: Iterable[str], today: dt.date, max_days: int
) -> Suppression | Rejected:
    if not isinstance(raw, Mapping):
        return Rejected(index, raw, (f"must be an object with {', '.join(FIELDS)}",))
    problems: list[str] = []
    extra = sorted(set(raw) - set(FIELDS))
    if extra:
        problems.append(f"unknown field(s) {', '.join(extra)} (fields: {', '.join(FIELDS)})")
    policy = _text(raw, "policy", problems)
    resource = _text(raw, "resource", problems)
    reason = _text(raw, "reason", problems)
    expires_text = _text(raw, "expires", problems)
    approved_by = _text(raw, "approved_by", problems)
    known = set(known_policies)
    if policy and policy not in known:
        problems.append(f"'policy' {policy!r} is not a policy of this pack")
    if resource and not resource.startswith("urn:") and WILDCARDS_ONLY_RE.match(resource):
        problems.append(f"'resource' {resource!r} would match every resource; name the resources")
    if reason and len(reason) < MIN_REASON:
        problems.append(f"'reason' must be at least {MIN_REASON} characters (got {len(reason)})")
    if reason and PLACEHOLDER_RE.search(reason):
        problems.append("'reason' is a placeholder; write the actual justification")
    if approved_by and PLACEHOLDER_RE.search(approved_by):
        problems.append("'approved_by' is a placeholder; name the approver")
    expires: dt.date | None = None
    if expires_text:
        try:
            if not DATE_RE.match(expires_text):
                raise ValueError
            expires = dt.date.fromisoformat(expires_text)
        except ValueError:
            problems.append(f"'expires' {expires_text!r} is not an ISO date (YYYY-MM-DD)")
    if problems or expires is None:
        return Rejected(index, raw, tuple(problems) or ("'expires' is missing",))
    if expires < today:
        return Rejected(index, raw, (f"expired on {expires.isoformat()}",), expired=True)
    if (expires - today).days > max_days:
        return Rejected(
            index,
            raw,
            (f"'expires' {expires.isoformat()} is more than {max_days} days away; review it sooner",),
        )
    return Suppression(index, policy, resource, reason, expires, approved_by)


def parse_all(
    raw: Any, known_policies: Iterable[str], today: dt.date, max_days: int
) -> tuple[tuple[Suppression, ...], tuple[Rejected, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, list | tuple):
        return (), (Rejected(0, raw, ("'suppressions' must be a list",)),)
    known = tuple(known_policies)
    good: list[Suppression] = []
    bad: list[Rejected] = []
    for index, item in enumerate(raw):
        parsed = parse_one(index, item, known, today, max_days)
        (good if isinstance(parsed, Suppression) else bad).append(parsed)  # type: ignore[arg-type]
    return tuple(good), tuple(bad)


def applied_message(s: Suppression, policy: str, urn: str, message: str) -> str:
    """The message of the advisory diagnostic that discloses an applied suppression: a line for a
    human, then the versioned record a report tool reads (suppression_record.py, its one writer)."""
    return disclosure_message(
        policy=policy,
        urn=urn,
        message=message,
        resource=s.resource,
        reason=s.reason,
        expires=s.expires.isoformat(),
        approved_by=s.approved_by,
    )
