"""Public ingress to a security group: administration ports, all ports, and each rule's justification."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from ..config_fields import bounded_integer
from ..framework import Context, Meta, resource_policy
from ..suppressions import PLACEHOLDER_RE
from ..values import get_str
from .rules import ADMIN_PORTS, RULE, admin_ports_config, parse_rule, within_admin_ranges


def _admin_ports(ctx: Context) -> Iterator[str]:
    rule = parse_rule(ctx.args.props)
    if not rule.ingress:
        ctx.not_applicable("egress rule")
    if not rule.has_ports:
        ctx.not_applicable(f"protocol {rule.protocol!r} has no ports")
    if not rule.source.public:
        ctx.not_applicable(f"source is a {rule.source.describe()}")
    low, high = rule.port_range()
    hit = sorted({int(p) for p in ctx.config.get("adminPorts") or () if low <= int(p) <= high})
    if not hit:
        ctx.not_applicable("no administration port in the rule's range")
    if within_admin_ranges(rule.source, ctx.settings):
        return
    shown = ", ".join(str(p) for p in hit[:8]) + (f" and {len(hit) - 8} more" if len(hit) > 8 else "")
    yield (
        f"ingress {rule.ports_text()} from {rule.source.describe()} reaches administration port(s) {shown}; "
        "administration goes through the bastion, from the administrators' ranges (adminSourceCidrs) only"
    )


ADMIN_PORTS_PUBLIC = resource_policy(
    Meta(
        name="network-admin-port-disallow-public-ingress",
        description=(
            "No ingress from a public source (0.0.0.0/0, ::/0, no remote prefix nor group, "
            "or any non-private "
            "CIDR) to administration ports (SSH, RDP, WinRM, Kubernetes API, etcd, kubelet, databases)."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Restrict the rule to a remote security group or a private range; for the bastion's SSH, use the "
            "administrators' own ranges and list them in adminSourceCidrs of the settings policy."
        ),
        references=(
            "snc-9.6.d",
            "snc-9.6.h",
            "snc-13.2.e",
            "snc-13.2.c",
            "pa022-r15",
            "pa022-r16",
            "pa022-r19",
        ),
        config=admin_ports_config(ADMIN_PORTS, "Ports treated as administration interfaces"),
        types=(RULE,),
    ),
    _admin_ports,
)


def _all_ports(ctx: Context) -> Iterator[str]:
    rule = parse_rule(ctx.args.props)
    if not rule.ingress:
        ctx.not_applicable("egress rule")
    if not rule.source.public:
        ctx.not_applicable(f"source is a {rule.source.describe()}")
    if not rule.all_ports:
        ctx.not_applicable(f"limited to {rule.ports_text()}")
    yield (
        f"ingress on {rule.ports_text()} from {rule.source.describe()}: every service of the "
        "group is exposed; "
        "open only the ports of the flow matrix"
    )


ALL_PORTS_PUBLIC = resource_policy(
    Meta(
        name="network-ingress-disallow-public-all-ports",
        description="No rule admits all protocols or all ports from a public source.",
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set protocol and portRangeMin/portRangeMax to the flow-matrix entry the rule implements."
        ),
        references=("snc-13.1", "snc-13.2.a", "snc-13.2.e", "pa022-r16"),
        types=(RULE,),
    ),
    _all_ports,
)


def _description(ctx: Context) -> Iterator[str]:
    text = (get_str(ctx.args.props, "description") or "").strip()
    minimum = int(ctx.config.get("minLength", 15))
    if not text:
        yield "no description: write the flow-matrix justification (who talks to whom, and why)"
    elif len(text) < minimum:
        yield f"description {text!r} is shorter than {minimum} characters; give the flow's justification"
    elif PLACEHOLDER_RE.search(text):
        yield f"description {text!r} is a placeholder; give the flow's justification"


RULE_DESCRIPTION = resource_policy(
    Meta(
        name="network-rule-require-justification",
        description="Every security-group rule carries its flow-matrix justification as description.",
        severity=Severity.LOW,
        level=EnforcementLevel.ADVISORY,
        remediation=(
            "Generate rules from the flow matrix (components/flow_matrix.py) or set description yourself."
        ),
        references=("snc-13.1", "snc-13.2.e"),
        config={"minLength": bounded_integer(15, 1, 255, "Shortest acceptable justification")},
        types=(RULE,),
    ),
    _description,
)
