"""Exposed zones: public sources reach only the zones the reviewed policy config exposes.

A stack policy, because one rule cannot tell its zone: the zone is a tag of the rule's security group.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from ..framework import Context, Finding, Meta, stack_policy
from .graph import group_of, tags_of, zone_of
from .rules import RULE, SECGROUP, parse_rule, within_admin_ranges


def _exposed_zones(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    groups = {r.urn: r for r in resources if r.resource_type == SECGROUP}
    settings = ctx.settings
    for group in groups.values():
        zone = zone_of(group)
        if "exposure:public" in tags_of(group) and zone not in settings.exposed_zones:
            yield Finding(
                f"security group tagged exposure:public, but zone {zone!r} is not in exposedZones "
                f"{sorted(settings.exposed_zones)} of the policy config: the program and the reviewed config "
                "disagree",
                group.urn,
            )
    for rule in resources:
        if rule.resource_type != RULE:
            continue
        try:
            parsed = parse_rule(rule.props)
        except UnknownValueError:
            continue  # the resource policies report what cannot be known during preview
        if not parsed.ingress or not parsed.source.public:
            continue
        group = group_of(rule, groups)
        if group is None:
            yield Finding(
                f"public ingress from {parsed.source.describe()} into a security group that is not in this "
                "stack: its zone cannot be checked against exposedZones",
                rule.urn,
            )
            continue
        zone = zone_of(group)
        if zone is None:
            yield Finding(
                f"public ingress from {parsed.source.describe()} into security group "
                f"{group.name!r}, which has no "
                "zone:<name> tag",
                rule.urn,
            )
            continue
        if zone in settings.exposed_zones:
            continue
        if zone in settings.admin_zones and within_admin_ranges(parsed.source, settings):
            continue
        yield Finding(
            f"public ingress ({parsed.ports_text()} from {parsed.source.describe()}) into "
            f"zone {zone!r}, which "
            f"is not exposed (exposedZones: {sorted(settings.exposed_zones) or 'none'}); only the "
            "administrators' ranges may reach the admin zones",
            rule.urn,
        )


EXPOSED_ZONES = stack_policy(
    Meta(
        name="network-ingress-restrict-exposed-zones",
        description=(
            "Public sources reach only the zones the policy config marks as exposed (and the administrators' "
            "ranges the admin zones); each rule is joined to its security group's zone:<name> tag."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Move the public entry point to an exposed zone (normally dmz) and reach inner zones from it by "
            "remote security group; if the zone must be exposed, add it to exposedZones after review."
        ),
        references=("snc-13.2.a", "snc-9.7.c", "snc-13.1", "pa022-r15"),
        types=(RULE, SECGROUP),
    ),
    _exposed_zones,
)
