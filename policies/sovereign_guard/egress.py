"""Egress from the zones that hold data or administer: never to anywhere (SecNumCloud 3.2 13.2).

The data zone has no route out by design, and the admin zone speaks SSH to the other zones and
DNS to the offer's resolvers; a rule that lets either reach any destination turns a compromised
host into an exfiltration path. The program never writes such a rule (its matrix has none), but
the pack judges any program: an egress rule from a `zone:data` or `zone:admin` group whose remote
is missing, /0 or public on every port, and a group of those zones that keeps Neutron's default
allow-all egress rules, are violations.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from .framework import Context, Finding, Meta, stack_policy
from .network.graph import group_of, zone_of
from .network.rules import RULE, SECGROUP, parse_rule
from .values import get_bool

SENSITIVE_ZONES = ("data", "admin")


def _verdict(zone: str, remote_kind: str, all_ports: bool) -> bool:
    """True when the egress is refused: anywhere from both zones, any public range from data."""
    if remote_kind in ("any", "internet", "invalid"):
        return True
    return remote_kind == "public" and (zone == "data" or all_ports)


def _egress(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    groups = {r.urn: r for r in resources if r.resource_type == SECGROUP}
    sensitive = {urn: zone_of(g) for urn, g in groups.items() if zone_of(g) in SENSITIVE_ZONES}
    if not sensitive:
        ctx.not_applicable("no security group tagged zone:data or zone:admin in the stack")
    for urn, zone in sensitive.items():
        try:
            deletes_defaults = get_bool(groups[urn].props, "deleteDefaultRules")
        except UnknownValueError:
            deletes_defaults = None
        if deletes_defaults is not True:
            yield Finding(
                f"security group of zone {zone!r} keeps Neutron's default rules, which allow egress to "
                "any destination on any port (set deleteDefaultRules: true)",
                urn,
            )
    for rule in resources:
        if rule.resource_type != RULE:
            continue
        group = group_of(rule, groups)
        if group is None or group.urn not in sensitive:
            continue
        try:
            parsed = parse_rule(rule.props)
        except UnknownValueError:
            yield Finding(
                f"egress from zone {sensitive[group.urn]!r}: the rule's remote or ports are unknown "
                "during preview, so it cannot be shown not to reach anywhere",
                rule.urn,
            )
            continue
        zone = sensitive[group.urn] or ""
        if parsed.ingress:
            continue
        if _verdict(zone, parsed.source.kind, parsed.all_ports or parsed.protocol == "any"):
            yield Finding(
                f"egress from zone {zone!r} to {parsed.source.describe()} on {parsed.ports_text()}: "
                "the data and admin zones reach only declared destinations",
                rule.urn,
            )


EGRESS_ANYWHERE = stack_policy(
    Meta(
        name="network-egress-restrict-sensitive-zones",
        description=(
            "Security groups of the data and admin zones never let traffic out to any destination: no "
            "egress rule to 0.0.0.0/0, ::/0 or without remote, none to a public range from data, and "
            "Neutron's default allow-all egress rules deleted."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Replace the rule by one to the destination zone's security group (remoteGroupId) or to the "
            "exact resolver or service address and port, declared with its justification in the flow "
            "matrix; create the zone's groups with deleteDefaultRules: true."
        ),
        references=("snc-13.2.a", "snc-13.1", "hds-exi-28"),
        types=(SECGROUP, RULE),
    ),
    _egress,
)

POLICIES = (EGRESS_ANYWHERE,)
