"""The JSON schema of the settings policy's config (the engine validates the file against it)."""

from __future__ import annotations

from typing import Any

from . import suppressions as sup
from .config_fields import bounded_integer, string_list
from .environment import ENVIRONMENTS

SERVICES = ("identity", "s3")
DEFAULT_MAX_SUPPRESSION_DAYS = 366
ZONE_RE = r"^[a-z][a-z0-9-]{0,30}$"

SCHEMA: dict[str, dict[str, Any]] = {
    "environment": {
        "type": "string",
        "enum": list(ENVIRONMENTS),
        "description": (
            "dev, staging or prod; the strictest of this, the stack name and the program's "
            "<project>:environment applies; absent and an unknown stack name: prod"
        ),
    },
    "exposedZones": string_list(
        [], "Zones whose security groups may admit traffic from public sources", pattern=ZONE_RE
    ),
    "adminZones": string_list(
        ["admin"],
        "Zones that may admit the administrators' source ranges (the bastion's zone)",
        pattern=ZONE_RE,
    ),
    "adminSourceCidrs": string_list(
        [], "Administrators' public egress ranges (IPv4 no wider than /16, IPv6 /48)", minLength=3
    ),
    "approvedEndpoints": {
        "type": "array",
        "default": [],
        "description": "Endpoints outside the catalogue's fixed URLs, approved by the organisation",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url", "offer", "regions", "service", "approved_by"],
            "properties": {
                "url": {"type": "string", "pattern": "^https://"},
                "offer": {"type": "string", "minLength": 1},
                "regions": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "service": {"type": "string", "enum": list(SERVICES)},
                "approved_by": {"type": "string", "minLength": 3},
                "reason": {"type": "string"},
            },
        },
    },
    "offerOverrides": {
        "type": "object",
        "default": {},
        "description": "Qualification rows that replace the catalogue's, each with an approver",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": False,
            "required": ["secnumcloud", "approved_by"],
            "properties": {
                "secnumcloud": {"type": "string", "enum": ["qualified", "not-qualified"]},
                "valid_from": {"type": "string", "pattern": sup.DATE_RE.pattern},
                "valid_until": {"type": "string", "pattern": sup.DATE_RE.pattern},
                "approved_by": {"type": "string", "minLength": 3},
                "reason": {"type": "string"},
            },
        },
    },
    "maxSuppressionDays": bounded_integer(
        DEFAULT_MAX_SUPPRESSION_DAYS, 1, 1096, "A suppression may not expire further away than this"
    ),
    "suppressions": {
        "type": "array",
        "default": [],
        "items": sup.SCHEMA,
        "description": "Reasoned, expiring exceptions (see docs/policies.md)",
    },
}
